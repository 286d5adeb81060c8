"""The pages' templates and the words and colours they share (Vietnamese, dates dd/mm/yyyy).

Status colours follow the government's task tracking: green on time, orange late, red overdue,
yellow due soon, grey not started (or exempted).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.worklist import ROLE_NAMES, STATE_NAMES, WorkRow
from rules.calendar import VIETNAM
from rules.errors import DunghanError
from rules.numbers import vn_number
from rules.periods import period_name

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
SOON = 3  # working days left at which a deadline turns yellow

ACTION_NAMES = {
    "submit": "nộp báo cáo",
    "accept": "tiếp nhận",
    "return": "trả lại",
    "exempt": "miễn",
    "extend": "gia hạn",
    "reopen": "mở lại",
    "planned": "lập kế hoạch",
    "retired": "không còn yêu cầu",
    "reinstated": "yêu cầu trở lại",
    "replanned": "lập lại kế hoạch",
    "created": "tạo theo sự kiện hoặc yêu cầu",
}


def ngay(value: date | datetime | None) -> str:
    """dd/mm/yyyy, an instant in Vietnam time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date()
    return f"{value:%d/%m/%Y}"


def gio(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    return f"{value.astimezone(VIETNAM):%d/%m/%Y %H:%M}" if value else ""


def size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} B"


def actor_name(actor: str) -> str:
    """'web:a@b' → 'a@b', 'api:a@b' → 'a@b (API)', 'cli:root' → 'dòng lệnh (root)'."""
    if actor.startswith("web:"):
        return actor[4:]
    if actor.startswith("api:"):
        return f"{actor[4:]} (API)"
    if actor.startswith("cli:"):
        return f"dòng lệnh ({actor[4:]})"
    return actor


def status(row: WorkRow) -> tuple[str, str]:
    """(the words, the colour class) of an obligation as a person reads it."""
    if row.state == "exempted":
        return "miễn", "xam"
    if row.state in ("submitted", "accepted"):
        word = STATE_NAMES[row.state]
        late = row.last_submitted_at is not None and row.last_submitted_at > row.due_at
        return (f"{word}, trễ hạn", "cam") if late else (f"{word} đúng hạn", "xanh")
    prefix = "trả lại, " if row.state == "returned" else ""
    if row.working_days < 0:
        return f"{prefix}quá hạn {-row.working_days} ngày làm việc", "do"
    if row.working_days == 0:
        return f"{prefix}hạn hôm nay", "vang"
    if row.working_days <= SOON:
        return f"{prefix}còn {row.working_days} ngày làm việc", "vang"
    if row.state == "returned":  # to correct and send again: it wants acting on before it is late
        return f"{prefix}còn {row.working_days} ngày làm việc", "cam"
    return f"{prefix}còn {row.working_days} ngày làm việc", "xam"


def count(value: float) -> str:
    """A whole number the Vietnamese way: 120.500.000."""
    return vn_number(value, 0)


def percent(rate: float | None) -> str:
    """'74,7%', or '—' where nothing is expected."""
    return "—" if rate is None else f"{vn_number(rate, 1)}%"


TEMPLATES.env.filters.update(
    ngay=ngay, gio=gio, size=size, actor_name=actor_name, period_name=period_name, so=count, phan_tram=percent
)
TEMPLATES.env.globals.update(status=status, STATE_NAMES=STATE_NAMES, ROLE_NAMES=ROLE_NAMES, ACTION_NAMES=ACTION_NAMES)


def page(request: Request, template: str, context: dict[str, Any] | None = None, *, code: int = 200) -> HTMLResponse:
    """Render a page with who is logged in (if anyone) and their form token."""
    values: dict[str, Any] = {
        "viewer": getattr(request.state, "viewer", None),
        "user": getattr(request.state, "user", None),
    }
    values.update(context or {})
    return TEMPLATES.TemplateResponse(request, template, values, status_code=code)


# How the pages name a form's fields in an error.
FIELD_NAMES = {
    "files": "Tệp báo cáo",
    "reason": "Lý do",
    "until": "Hạn mới",
    "password": "Mật khẩu",
    "ids": "Báo cáo",
    "note": "Ghi chú",
    "email": "E-mail",
    "name": "Họ tên",
    "role": "Vai trò",
    "zalo_phone": "Số điện thoại Zalo",
    "channels": "Kênh nhận",
    "file": "Tệp",
    "unit": "Mã đơn vị",
}


def worded(exc: DunghanError) -> str:
    """An error in the pages' words: the field by its label, what to do next as a sentence."""
    text = exc.worded(lambda field: FIELD_NAMES.get(field, field), lambda action: "liên hệ quản trị")
    return text[:1].upper() + text[1:]
