"""Deadlines as an iCalendar file, so officers can see them in any calendar program: the planned
deadlines of a pack, and a person's own obligations (their calendar feed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from rules.calendar import VIETNAM
from rules.deadlines import Deadline
from rules.periods import period_name

if TYPE_CHECKING:  # the CLI's start loads no database layer for `rules deadlines --format ics`
    from models.worklist import WorkRow


def deadlines_ics(deadlines: Sequence[Deadline], *, generated_at: datetime) -> bytes:
    """One all-day event per dated deadline; stable UIDs so re-imports update, not duplicate."""
    from icalendar import Calendar, Event  # imported when used: it slows every start otherwise

    cal = Calendar()
    cal.add("prodid", "-//dunghan//deadlines//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Hạn báo cáo (dunghan)")
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for d in deadlines:
        if d.due_date is None:
            continue
        event = Event()
        event.add("uid", f"{d.pack}.{d.report}.{d.period.label}.hop{d.hop}@dunghan")
        event.add("dtstamp", generated_at)
        event.add("dtstart", d.due_date)
        event.add("dtend", d.due_date + timedelta(days=1))
        event.add("summary", f"Hạn: {d.report_name} ({d.period.label}) – {d.hop_from} → {d.hop_to}")
        lines = [f"Thời hạn: {d.wording}"]
        if d.rolled:
            lines.append(
                f"Ngày theo văn bản {d.nominal_date:%d/%m/%Y} ({d.reason}), "
                f"lùi sang {d.due_date:%d/%m/%Y} (Điều 148 Bộ luật Dân sự 2015)"
            )
        lines += [f"Căn cứ: {basis}" for basis in d.legal_basis]
        if d.assumed:
            lines.append(f"Giả định: {d.assumed}")
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    return bytes(cal.to_ical())


FEED_REFRESH = "PT6H"  # how often a calendar program is asked to fetch the feed again
LINE_OCTETS = 75  # RFC 5545 §3.1: longer content lines are folded


def obligation_uid(obligation_id: int) -> str:
    """An obligation's event UID: the same in every fetch, so a program updates it in place."""
    return f"nghia-vu-{obligation_id}@dunghan"


def ical_text(value: str) -> str:
    r"""A TEXT value escaped (RFC 5545 §3.3.11).

    >>> ical_text("Hạn: a, b; c\\d\ne")
    'Hạn: a\\, b\\; c\\\\d\\ne'
    """
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def folded(line: str) -> bytes:
    r"""One content line in UTF-8, folded at 75 octets, never inside a character; CRLF-ended.

    >>> parts = folded("X:" + "ạ" * 100).split(b"\r\n")
    >>> [len(part) for part in parts]  # 'ạ' is 3 octets: 2 + 24 × 3, then a space and 24 × 3
    [74, 73, 73, 73, 13, 0]
    >>> b"".join([parts[0], *(part[1:] for part in parts[1:])]).decode() == "X:" + "ạ" * 100
    True
    """
    data = line.encode()
    parts = []
    start, limit = 0, LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: step back to the character's start
            end -= 1
        parts.append(data[start:end])
        start, limit = end, LINE_OCTETS - 1  # a folded line starts with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def obligations_ics(
    rows: Sequence[WorkRow],
    *,
    name: str,
    generated_at: datetime,
    link_base: str | None,
    with_unit: bool,
) -> bytes:
    """One all-day event per obligation on its last day (after any extension), in Vietnamese:
    the report, the period, the unit (``with_unit``, for those who follow several), where it goes,
    the deadline as the document words it and a link to its page when ``link_base`` is set.

    Written line by line rather than through the icalendar package, which folds lines a
    character at a time: about 1 ms an event, 2 s for a supervisor's 2,000 (here under 0.1 s).
    """
    stamp = f"{generated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//dunghan//lich-han//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_text(name)}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
        f"REFRESH-INTERVAL;VALUE=DURATION:{FEED_REFRESH}",
        f"X-PUBLISHED-TTL:{FEED_REFRESH}",
    ]
    base = link_base.rstrip("/") if link_base else None
    for row in rows:
        period = period_name(row.period)
        late = "Quá hạn: " if row.due_at < generated_at else "Hạn: "
        unit = f" – {row.unit_name}" if with_unit else ""
        about = [
            f"Đơn vị: {row.unit_name} ({row.unit_code})",
            f"Báo cáo: {row.report_name}, kỳ {period}" + (f", chặng {row.hop}" if row.hop > 1 else ""),
            f"Gửi tới: {row.recipient}"
            + (f"; đồng gửi: {'; '.join(row.also_recipients)}" if row.also_recipients else ""),
            f"Hạn cuối: {row.due_at.astimezone(VIETNAM):%H:%M ngày %d/%m/%Y}"
            + (" (đã gia hạn)" if row.late_with_permission else ""),
            f"Văn bản ghi: “{row.wording}”",
            *([f"Ghi chú về hạn: {row.assumed}"] if row.assumed else []),
            f"Trạng thái: {_state_name(row.state)}",
        ]
        if row.state == "returned" and row.return_reason:
            about.append(f"Lý do trả lại: {row.return_reason}")
        url = f"{base}/nghia-vu/{row.id}" if base else None
        if url:
            about.append(f"Mở: {url}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{obligation_uid(row.id)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{row.due_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{row.due_date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ical_text(f'{late}{row.report_name} (kỳ {period}){unit}')}",
            f"DESCRIPTION:{ical_text(chr(10).join(about))}",
            *([f"URL:{url}"] if url else []),
            "CATEGORIES:Hạn báo cáo",
            "TRANSP:TRANSPARENT",  # a deadline, not a meeting: it makes nobody busy
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(folded(line) for line in lines)


def _state_name(state: str) -> str:
    from models.lifecycle import STATE_NAMES  # loaded with the feed only

    return STATE_NAMES.get(state, state)
