"""Deadlines as an iCalendar file, so officers can see them in any calendar program."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rules.deadlines import Deadline


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
