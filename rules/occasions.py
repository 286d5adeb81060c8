"""Reports due when something happens: after an event ("trong 10 ngày làm việc kể từ khi kết thúc
kiểm tra") or on request ("khi có yêu cầu", "trong 03 ngày làm việc kể từ ngày nhận được văn bản
yêu cầu"). Their obligations are not planned from the calendar; an event or a request creates
them, each hop dated from the day it happened, the later hops from the hop before.

>>> from rules.loader import calendar_for, shipped_packs
>>> pack = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
>>> report = next(r for r in pack.reports if r.id == "vu-viec-bao-luc")
>>> [(d.hop, d.due.due_date.isoformat()) for d in occasion_dues(pack, report, date(2026, 8, 28), calendar_for(pack))]
[(1, '2026-09-07'), (2, '2026-09-10')]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.calendar import WorkCalendar
from rules.deadlines import DueDate, due_for
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.periods import parse_period
from rules.schema import Pack, Report
from rules.wording import AfterAnchor, Undated, parse_wording

MAX_REQUEST_DAYS = 365


class OccasionError(DunghanError):
    """An event or a request that cannot date its report; ``field`` names what to give."""


@dataclass(frozen=True)
class HopDue:
    """One hop of an occasional report, dated."""

    hop: int
    due: DueDate


def kind_of(report: Report) -> str | None:
    """'event' for a report a recorded event starts (it names the event kind), 'request' for one
    a request starts ("khi có yêu cầu", or a count from the request's receipt), else None."""
    first = report.chain[0].rule()
    if report.event is not None:
        return "event"
    if (isinstance(first, Undated) and first.kind == "on_request") or (
        isinstance(first, AfterAnchor) and first.anchor == "event"
    ):
        return "request"
    return None


def request_wording(days: int) -> str:
    """The deadline a request sets in working days, as the documents word it."""
    return f"trong {days:02d} ngày làm việc kể từ ngày nhận được văn bản yêu cầu"


def occasion_dues(
    pack: Pack, report: Report, day: date, calendar: WorkCalendar, *, days: int | None = None
) -> list[HopDue]:
    """Every hop of ``report`` dated from ``day`` (the event's, or the request's receipt);
    ``days`` (working days) replaces the first hop's deadline, as a request may."""
    if days is not None and not 1 <= days <= MAX_REQUEST_DAYS:
        raise OccasionError(
            _("{field} must be between 1 and {most} working days").format(field=FIELD, most=MAX_REQUEST_DAYS),
            field="days",
        )
    first = parse_wording(request_wording(days)) if days is not None else report.chain[0].rule()
    if isinstance(first, Undated):
        raise OccasionError(
            _(
                'report {report} is due on request ("{wording}"): the request says by when; give the '
                "working days it allows with {field}"
            ).format(report=report.id, wording=first.wording, field=FIELD),
            field="days",
        )
    period = parse_period(day.isoformat())
    dues: list[HopDue] = []
    previous: date | None = None
    for index, hop in enumerate(report.chain, start=1):
        rule = first if index == 1 else hop.rule()
        due = due_for(rule, period, calendar, roll=pack.roll, event=day, previous_due=previous)
        dues.append(HopDue(index, due))
        previous = due.due_date
    return dues
