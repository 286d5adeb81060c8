"""What messages about obligations share (the blocks of ``_obligation.j2``, the macros of
``_pieces.j2``): written once, read with each message's own variables, made once per process."""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any

import pytest
from jinja2 import Environment, Template

from notifications.render import render_message


def _escalation(**changes: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "sender": "Sở Nội vụ <Bắc Ninh>",
        "sender_contact": "Phòng Tổ chức, 0222 3822 123",
        "greeting_name": "đồng chí Nguyễn Văn A",
        "role_name": "lãnh đạo đơn vị",
        "unit_name": "Xã Đại Sơn",
        "unit_code": "07627",
        "title": "Báo cáo công tác năm 2026",
        "recipient_name": "Sở Nội vụ",
        "also_recipients": ["UBND tỉnh"],
        "assumed": None,
        "wording": "trước ngày 15/12",
        "due_date": date(2026, 12, 15),
        "due_weekday": "thứ Ba",
        "due_time": None,
        "rolled_reason": None,
        "extension": {"old_due_date": date(2026, 12, 10), "reason": "bão & lũ"},
        "late": True,
        "days": 2,
        "link": "https://dunghan.example/nghia-vu/12",
        "returned": False,
        "returned_date": None,
        "return_reason": None,
        "reminders_sent": 3,
        "contact": {"name": "Trần Thị B", "unit_name": None, "phone": "84912345678", "email": "b@x.vn"},
        "unit_contact": True,
    }
    return context | changes


def test_a_message_reads_its_own_variables_in_the_shared_pieces() -> None:
    message = render_message("escalation", _escalation())
    assert "- Thời hạn: đã gia hạn đến thứ Ba, ngày 15/12/2026 (hạn ban đầu 10/12/2026: trước ngày 15/12)" in (
        message.text
    )
    assert "lý do gia hạn: bão & lũ" in message.text
    assert "Đầu mối của Xã Đại Sơn: Trần Thị B, điện thoại 0912345678, thư điện tử b@x.vn." in message.text
    assert "Đầu mối của Sở Nội vụ <Bắc Ninh>: Phòng Tổ chức, 0222 3822 123." in message.text
    assert message.text.endswith("Trân trọng,\nSở Nội vụ <Bắc Ninh>\n")
    # HTML: the same values, escaped as before.
    assert "Lý do gia hạn: bão &amp; lũ" in message.html
    assert "<b>Sở Nội vụ &lt;Bắc Ninh&gt;</b>" in message.html
    assert '<a href="tel:0912345678">0912345678</a>' in message.html


def test_a_message_without_unit_contact_asks_its_contact() -> None:
    context = _escalation(extension=None, rolled_reason="ngày nghỉ", sender_contact=None)
    del context["unit_contact"]  # not every message has it: the pieces test whether it is there
    message = render_message("escalation", context)
    assert "Cần hỏi hoặc cần hướng dẫn nộp báo cáo, xin liên hệ: Trần Thị B" in message.text
    assert "rơi vào ngày nghỉ nên hạn chuyển sang ngày làm việc kế tiếp" in message.text


def test_the_shared_pieces_are_made_once_not_on_every_render(monkeypatch: pytest.MonkeyPatch) -> None:
    render_message("reminder", _escalation())  # compiled, and the pieces made once, here
    made: list[str | None] = []
    original = Template.make_module

    def counted(self: Template, *args: Any, **kwargs: Any) -> Any:
        made.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Template, "make_module", counted)
    for _ in range(3):
        render_message("reminder", _escalation())
    assert made == []


def test_no_template_imports_the_pieces_with_its_context() -> None:
    folder = resources.files("notifications") / "templates"
    for template in folder.iterdir():
        if template.name.endswith(".j2"):
            assert "with context" not in template.read_text(encoding="utf-8"), template.name


def test_a_render_looks_no_template_up_again(monkeypatch: pytest.MonkeyPatch) -> None:
    render_message("escalation_list", _list())  # the chain of templates it extends, looked up once
    looked_up: list[str] = []
    original = Environment.get_template

    def counted(self: Environment, name: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(str(name))
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "get_template", counted)
    message = render_message("escalation_list", _list())
    assert looked_up == []
    # Every block of the chain is there: the list's own, the skeleton's, the page's.
    assert message.subject == "[Đôn đốc ngày 17/12/2026] 2 báo cáo chưa gửi của 2 đơn vị"
    assert "\n\n1. Xã Đại Sơn (07627) – Báo cáo công tác năm 2026\n" in message.text
    assert message.text.endswith("Trân trọng,\nSở Nội vụ <Bắc Ninh>\n")
    assert message.html.startswith("<!DOCTYPE html>")
    assert "<title>[Đôn đốc ngày 17/12/2026] 2 báo cáo chưa gửi của 2 đơn vị</title>" in message.html
    assert "<td>Xã Đại Sơn (07627)</td>" in message.html


def test_a_list_without_its_link_has_one_blank_line_before_its_closing() -> None:
    text = render_message("escalation_list", _list(list_link=None)).text
    assert "\n\nThư này gửi lãnh đạo đơn vị để đôn đốc" in text
    assert "\n\n\nThư này" not in text


def _list(**changes: Any) -> dict[str, Any]:
    rows = [_escalation(), _escalation(unit_name="Phường Kinh Bắc", unit_code="09190", returned=True)]
    for row in rows:
        row["ask"] = row["contact"]
    context: dict[str, Any] = {
        "sender": "Sở Nội vụ <Bắc Ninh>",
        "sender_contact": None,
        "person": "Nguyễn Văn A",
        "greeting_name": "đồng chí Nguyễn Văn A",
        "role_name": "lãnh đạo đơn vị",
        "today": date(2026, 12, 17),
        "rows": rows,
        "unit_count": 2,
        "own_unit": None,
        "list_link": "https://dunghan.example/qua-han",
        "contact": None,
        "recipient_name": None,
        "emailed": None,
    }
    return context | changes
