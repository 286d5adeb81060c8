"""From a pack, a year and a calendar to dated deadlines: one per report hop and period.

The nominal date is the last day the words give ("trước ngày D" gives D−1, "chậm nhất ngày D"
gives D); the due date is that day rolled by Civil Code 2015 art. 148 when it is not a working day
(or as the pack chooses); the due instant is the end of the due date in Asia/Ho_Chi_Minh. A date
that depends on a Tết the government has not decided yet (counted or rolled across it) carries an
estimate note in ``assumed`` (:meth:`WorkCalendar.estimate_note`).

>>> from rules.wording import parse_wording
>>> nominal_date(parse_wording("trước ngày 25/11"), reference_year=2026)
datetime.date(2026, 11, 24)
>>> from rules.periods import parse_period
>>> d = due_for(parse_wording("trước 10 giờ ngày hôm sau"), parse_period("2026-08-28"), WorkCalendar())
>>> d.due_date.isoformat(), d.due_at.isoformat()       # Saturday 29/08: rolled past 31/08, 1-2/09
('2026-09-03', '2026-09-03T10:00:00+07:00')
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from rules.calendar import VIETNAM, Roll, RolledDate, WorkCalendar, end_of_day
from rules.errors import DeadlineError, MissingParameter
from rules.i18n import _
from rules.periods import Period, periods_for
from rules.schema import Hop, Pack, Report, day_month
from rules.wording import (
    AfterAnchor,
    Daily,
    DayOfMonth,
    DeadlineRule,
    FixedDate,
    FromParameter,
    MonthOnly,
    PeriodMonthDay,
    SeveralDates,
    Undated,
    Weekday,
    WorkingDayOf,
)


class UndatedDeadline(MissingParameter):
    """A wording that names no day of its own: an on-request report, a yearly report whose date
    the cycle sets, or a count from an event whose date is not given. ``kind`` says which."""

    def __init__(self, kind: str, message: str, name: str, report: str = "") -> None:
        DeadlineError.__init__(self, message)
        self.kind = kind
        self.name = name
        self.report = report


def undated(rule: DeadlineRule, report: str = "") -> UndatedDeadline:
    """What a rule without a day of its own lacks, as one sentence saying what to give."""
    if isinstance(rule, AfterAnchor):
        return UndatedDeadline(
            "event",
            _('"{wording}" counts from an event ({event}): give the day it happened with --event YYYY-MM-DD').format(
                wording=rule.wording, event=rule.event or ""
            ),
            "event",
            report,
        )
    if isinstance(rule, Undated) and rule.kind == "on_request":
        return UndatedDeadline(
            "on_request",
            _(
                '"{wording}" is an on-request report (khi có yêu cầu, đột xuất): it has no day of its own; '
                'give the deadline the request states, e.g. "trong 03 ngày làm việc kể từ ngày nhận được '
                'văn bản yêu cầu" with --event YYYY-MM-DD (the day the request arrived)'
            ).format(wording=rule.wording),
            "on_request",
            report,
        )
    return UndatedDeadline(
        "cycle_parameter",
        _(
            '"{wording}" is a periodic report with no day written: its deadline is a parameter of each '
            'cycle; give the day the cycle sets, e.g. "chậm nhất ngày 15/12"'
        ).format(wording=rule.wording),
        "cycle_parameter",
        report,
    )


@dataclass(frozen=True)
class Nominal:
    """The last day a wording gives, what it assumed, and the roll it imposes (a day counted
    back from an event rolls to the working day before it).

    ``since``: the day a count of working days started from (the count depends on every day
    between); ``estimate``: the note of a date depending on a Tết not yet decided, also in
    ``assumed``."""

    day: date
    at: time | None = None
    assumed: str | None = None
    roll: Roll | None = None
    since: date | None = None
    estimate: str | None = None


def with_note(note: str | None, extra: str | None) -> str | None:
    """Two notes as one (``extra`` once only).

    >>> with_note("a", "b"), with_note(None, "b"), with_note("a; b", "b"), with_note("a", None)
    ('a; b', 'b', 'a; b', 'a')
    """
    if not extra or (note and extra in note):
        return note
    return f"{note}; {extra}" if note else extra


@dataclass(frozen=True)
class DueDate:
    """A wording evaluated for one period: the contract of ``dunghan calendar due``."""

    wording: str
    period: str | None
    nominal_date: date
    due_date: date
    rolled: bool
    reason: str | None
    due_at: datetime
    assumed: str | None


@dataclass(frozen=True)
class Deadline:
    """A dated deadline of one hop of one report for one period."""

    pack: str
    report: str
    report_name: str
    hop: int  # 1-based position in the chain
    hop_from: str
    hop_to: str
    to_level: str
    period: Period
    wording: str
    nominal_date: date | None  # None while a cycle parameter is unset
    due_date: date | None
    rolled: bool
    reason: str | None
    due_at: datetime | None
    legal_basis: tuple[str, ...]
    assumed: str | None
    missing_param: str | None = None  # the cycle parameter to set before this hop has a date
    cutoff_text: str | None = None  # the document's own sentence on the data cut-off


def due_instant(day: date, at: time | None = None) -> datetime:
    """The instant a deadline ends: the time the wording gives on its last day, else 24:00 (art. 148).

    >>> due_instant(date(2026, 9, 3), time(10)).isoformat()
    '2026-09-03T10:00:00+07:00'
    """
    return datetime.combine(day, at, tzinfo=VIETNAM) if at is not None else end_of_day(day)


def _month_day(year: int, month: int, day: int | None, wording: str, inclusive: bool = True) -> tuple[date, str | None]:
    """The last day "(trước) ngày ``day``" gives in a month: the month's last day when the month
    is too short for it (with a note saying so), or when ``day`` is None.

    >>> _month_day(2026, 2, 30, "trước ngày 30 hằng tháng", inclusive=False)[0]
    datetime.date(2026, 2, 28)
    >>> _month_day(2026, 4, 31, "trước ngày 31 hằng tháng", inclusive=False)
    (datetime.date(2026, 4, 30), None)
    """
    last = monthrange(year, month)[1]
    if day is None:
        return date(year, month, last), None
    wanted = day if inclusive else day - 1
    if wanted < 1:
        return date(year, month, 1) - timedelta(days=1), None
    if wanted <= last:
        return date(year, month, wanted), None
    note = _(
        '"{wording}": {month:02d}/{year} has no day {day}; its last day {last:02d}/{month:02d}/{year} is taken'
    ).format(wording=wording, month=month, year=year, day=day, last=last)
    return date(year, month, last), note


def _nearest(candidates: list[date], target: date) -> date:
    """The candidate nearest ``target``; on a tie, the later one."""
    return min(candidates, key=lambda d: (abs((d - target).days), -d.toordinal()))


def _year_of(rule: FixedDate | MonthOnly, reference_year: int, period: Period | None) -> int:
    if isinstance(rule, FixedDate) and rule.year:
        return rule.year
    base = period.end.year if period is not None else reference_year
    if rule.next_year:
        return base + 1
    if period is None or (isinstance(rule, FixedDate) and rule.same_year):
        return base
    if isinstance(rule, FixedDate):
        day, month = rule.day, rule.month
    else:
        day, month = monthrange(base, rule.month)[1], rule.month
    candidates = []
    for year in (base, base + 1):
        try:
            candidates.append(date(year, month, min(day, monthrange(year, month)[1])))
        except ValueError:
            continue
    return _nearest(candidates, period.end).year


def _shift_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _need_period(rule: DeadlineRule, period: Period | None) -> Period:
    if period is None:
        raise DeadlineError(
            _('"{wording}" is counted from a reporting period: give one (e.g. --period 2026-W36)').format(
                wording=rule.wording
            )
        )
    return period


def _before(day: date, inclusive: bool) -> date:
    return day if inclusive else day - timedelta(days=1)


def evaluate_nominal(
    rule: DeadlineRule,
    *,
    reference_year: int,
    period: Period | None = None,
    cutoff_end: date | None = None,
    previous_due: date | None = None,
    event: date | None = None,
    calendar: WorkCalendar | None = None,
    params: Mapping[str, date] | None = None,
    report: str = "",
) -> Nominal:
    """The last day (and time) the wording gives, before any roll, with what it assumed (and
    whether it is an estimate, counted across a Tết not yet decided or lying close to one)."""
    nominal = _evaluate(
        rule,
        reference_year=reference_year,
        period=period,
        cutoff_end=cutoff_end,
        previous_due=previous_due,
        event=event,
        calendar=calendar,
        params=params,
        report=report,
    )
    estimate = calendar.estimate_note(nominal.since or nominal.day, nominal.day) if calendar else None
    return replace(nominal, assumed=with_note(nominal.assumed, estimate), estimate=estimate)


def _evaluate(
    rule: DeadlineRule,
    *,
    reference_year: int,
    period: Period | None,
    cutoff_end: date | None,
    previous_due: date | None,
    event: date | None,
    calendar: WorkCalendar | None,
    params: Mapping[str, date] | None,
    report: str,
) -> Nominal:
    if cutoff_end is None and period is not None:
        cutoff_end = period.cutoff_end
    if isinstance(rule, FixedDate):
        year = _year_of(rule, reference_year, period)
        try:
            day = date(year, rule.month, rule.day)
        except ValueError:
            raise DeadlineError(
                _('"{wording}": {day:02d}/{month:02d}/{year} does not exist').format(
                    wording=rule.wording, day=rule.day, month=rule.month, year=year
                )
            ) from None
        return Nominal(_before(day, rule.inclusive), rule.at)
    if isinstance(rule, SeveralDates):
        end = _need_period(rule, period).end
        candidates = [
            date(y, m, min(d, monthrange(y, m)[1]))
            for d, m in rule.dates
            for y in (end.year - 1, end.year, end.year + 1)
        ]
        return Nominal(_before(_nearest(candidates, end), rule.inclusive), rule.at)
    if isinstance(rule, DayOfMonth):
        if cutoff_end is None:
            raise DeadlineError(
                _('"{wording}": a day of the month needs a data cut-off to count from').format(wording=rule.wording)
            )
        day, note = _month_day(cutoff_end.year, cutoff_end.month, rule.day, rule.wording)
        if rule.month_anchor == "after_cutoff" and day <= cutoff_end:
            nxt = cutoff_end + relativedelta(months=1)
            day, note = _month_day(nxt.year, nxt.month, rule.day, rule.wording)
        last, note = _month_day(day.year, day.month, rule.day, rule.wording, rule.inclusive)
        return Nominal(last, rule.at, note)
    if isinstance(rule, PeriodMonthDay):
        end = _need_period(rule, period).end
        year, month = _shift_months(end.year, end.month, rule.offset)
        day, note = _month_day(year, month, rule.day, rule.wording, rule.inclusive)
        return Nominal(day, rule.at, note)
    if isinstance(rule, WorkingDayOf):
        end = _need_period(rule, period).end
        calendar = _need_calendar(calendar)
        if rule.month is not None:
            lasts = [date(y, rule.month, monthrange(y, rule.month)[1]) for y in (end.year, end.year + 1)]
            last = _nearest(lasts, end)
            first = last.replace(day=1)
        elif rule.unit == "month":
            year, month = _shift_months(end.year, end.month, rule.offset)
            first, last = date(year, month, 1), date(year, month, monthrange(year, month)[1])
        elif rule.unit == "quarter":
            start_month = (end.month - 1) // 3 * 3 + 1
            year, month = _shift_months(end.year, start_month, 3 * rule.offset)
            y2, m2 = _shift_months(year, month, 2)
            first, last = date(year, month, 1), date(y2, m2, monthrange(y2, m2)[1])
        else:
            first, last = date(end.year + rule.offset, 1, 1), date(end.year + rule.offset, 12, 31)
        anchor = calendar.previous_working_day(last) if rule.last else calendar.next_working_day(first)
        day = anchor if rule.inclusive else calendar.add_working_days(anchor, -1)
        return Nominal(day, rule.at, since=last if rule.last else first)
    if isinstance(rule, Weekday):
        end = _need_period(rule, period).end
        monday = end - timedelta(days=end.weekday())
        day = monday + timedelta(days=7 * rule.week_offset + rule.weekday)
        return Nominal(_before(day, rule.inclusive), rule.at)
    if isinstance(rule, Daily):
        end = _need_period(rule, period).end
        if rule.working:
            day = _need_calendar(calendar).add_working_days(end, rule.day_offset)
            return Nominal(_before(day, rule.inclusive), rule.at, since=end)
        day = end + timedelta(days=rule.day_offset)
        return Nominal(_before(day, rule.inclusive), rule.at)
    if isinstance(rule, MonthOnly):
        year = _year_of(rule, reference_year, period)
        month_end = date(year, rule.month, monthrange(year, rule.month)[1])
        note = _('"{wording}" names a month but no day: its last day {day} is taken').format(
            wording=rule.wording, day=f"{month_end:%d/%m/%Y}"
        )
        return Nominal(month_end, None, note)
    if isinstance(rule, AfterAnchor):
        counted_from = {
            "cutoff_end": cutoff_end,
            "previous_hop": previous_due,
            "period_end": period.end if period is not None else None,
            "event": event,
        }[rule.anchor]
        if counted_from is None:
            if rule.anchor == "event":
                raise undated(rule, report)
            missing = {
                "cutoff_end": _('"{wording}": there is no a data cut-off to count from'),
                "previous_hop": _('"{wording}": there is no a level below to count from'),
                "period_end": _('"{wording}" is counted from a reporting period: give one (e.g. --period 2026-W36)'),
            }[rule.anchor]
            raise DeadlineError(missing.format(wording=rule.wording))
        sign = -1 if rule.backward else 1
        roll = Roll.PREVIOUS if rule.backward else None
        if rule.working:
            day = _need_calendar(calendar).add_working_days(counted_from, sign * rule.count)
            return Nominal(day, None, None, roll, since=counted_from)
        return Nominal(counted_from + timedelta(days=sign * rule.count), None, None, roll)
    if isinstance(rule, FromParameter):
        if params is None or rule.param not in params:
            raise MissingParameter(rule.param, report)
        return Nominal(params[rule.param])
    if isinstance(rule, Undated):
        raise undated(rule, report)
    raise DeadlineError(_("unknown deadline rule {rule!r}").format(rule=rule))


def _need_calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    if calendar is None:
        raise DeadlineError(_("counting working days needs a calendar"))
    return calendar


def nominal_date(
    rule: DeadlineRule,
    *,
    reference_year: int,
    cutoff_end: date | None = None,
    previous_due: date | None = None,
    calendar: WorkCalendar | None = None,
    params: Mapping[str, date] | None = None,
    report: str = "",
    period: Period | None = None,
    event: date | None = None,
) -> date:
    """The last day the wording gives, before any roll."""
    return evaluate_nominal(
        rule,
        reference_year=reference_year,
        period=period,
        cutoff_end=cutoff_end,
        previous_due=previous_due,
        event=event,
        calendar=calendar,
        params=params,
        report=report,
    ).day


def due_for(
    rule: DeadlineRule,
    period: Period,
    calendar: WorkCalendar,
    *,
    roll: Roll = Roll.NEXT,
    event: date | None = None,
    previous_due: date | None = None,
    params: Mapping[str, date] | None = None,
) -> DueDate:
    """A wording's deadline for one period: the last day, rolled (Civil Code art. 148 unless the
    rule or ``roll`` says otherwise), the instant it ends and what was assumed."""
    nominal = evaluate_nominal(
        rule,
        reference_year=period.end.year,
        period=period,
        previous_due=previous_due,
        event=event,
        calendar=calendar,
        params=params,
    )
    rolled = calendar.roll(nominal.day, nominal.roll or roll)
    return DueDate(
        wording=rule.wording,
        period=period.label,
        nominal_date=rolled.nominal_date,
        due_date=rolled.due_date,
        rolled=rolled.rolled,
        reason=rolled.reason,
        due_at=due_instant(rolled.due_date, nominal.at),
        assumed=with_note(nominal.assumed, calendar.estimate_note(rolled.nominal_date, rolled.due_date)),
    )


def occasional(report: Report) -> bool:
    """Whether a report is due only when something happens: its first hop counts from an event or
    a request ("trong 03 ngày làm việc kể từ ngày nhận được văn bản yêu cầu") or is on request
    ("khi có yêu cầu", "đột xuất")."""
    first = report.chain[0].rule()
    return (isinstance(first, AfterAnchor) and first.anchor == "event") or (
        isinstance(first, Undated) and first.kind == "on_request"
    )


def param_defaults(pack: Pack, year: int) -> dict[str, date]:
    """The pack's default parameter dates in a year (those without a default stay unset)."""
    defaults = {}
    for param in pack.params:
        if param.default:
            day, month = day_month(param.default)
            defaults[param.name] = date(year, month, day)
    return defaults


def report_periods(pack: Pack, report: Report, year: int) -> list[Period]:
    campaign = pack.campaign(report.campaign) if report.campaign else None
    if report.campaign and campaign is None:
        raise DeadlineError(
            _("report {report}: campaign {campaign!r} is not in pack {pack}").format(
                report=report.id, campaign=report.campaign, pack=pack.id
            )
        )
    periods = periods_for(report.frequency, year, cutoff=report.cutoff, only=report.periods, campaign=campaign)
    return [p for p in periods if p.end >= pack.valid_from and (pack.valid_to is None or p.start <= pack.valid_to)]


def hop_deadlines(
    pack: Pack,
    report: Report,
    period: Period,
    calendar: WorkCalendar,
    params: Mapping[str, date] | None = None,
    *,
    strict: bool = False,
) -> list[Deadline]:
    """The deadlines of every hop of a report's chain for one period, in chain order.

    A hop worded relative to the level below counts from that level's (rolled) due date. With
    ``strict`` a missing cycle parameter (or the day of the event or request a hop counts from)
    raises; otherwise the hop is listed without a date, and so are the hops that count from it.
    """
    result: list[Deadline] = []
    previous_due: date | None = None
    previous_missing: str | None = None
    params = {**param_defaults(pack, period.end.year), **(params or {})}
    for index, hop in enumerate(report.chain, start=1):
        rule = hop.rule()
        if isinstance(rule, AfterAnchor) and rule.anchor == "previous_hop" and previous_missing is not None:
            result.append(_row(pack, report, hop, index, period, rule.wording, None, previous_missing))
            continue
        try:
            nominal = evaluate_nominal(
                rule,
                reference_year=period.end.year,
                period=period,
                previous_due=previous_due,
                calendar=calendar,
                params=params,
                report=report.id,
            )
        except MissingParameter as missing:
            if strict:
                raise
            result.append(_row(pack, report, hop, index, period, rule.wording, None, missing.name))
            previous_due, previous_missing = None, missing.name
            continue
        rolled = calendar.roll(nominal.day, nominal.roll or hop.roll or pack.roll)
        estimate = nominal.estimate or calendar.estimate_note(rolled.nominal_date, rolled.due_date)
        result.append(
            _row(
                pack,
                report,
                hop,
                index,
                period,
                rule.wording,
                rolled,
                at=nominal.at,
                note=nominal.assumed,
                estimate=estimate,
            )
        )
        previous_due, previous_missing = rolled.due_date, None
    return result


def _row(
    pack: Pack,
    report: Report,
    hop: Hop,
    index: int,
    period: Period,
    wording: str,
    rolled: RolledDate | None,
    missing_param: str | None = None,
    *,
    at: time | None = None,
    note: str | None = None,
    estimate: str | None = None,
) -> Deadline:
    return Deadline(
        pack=pack.id,
        report=report.id,
        report_name=report.name,
        hop=index,
        hop_from=hop.from_label(),
        hop_to=hop.to.name,
        to_level=hop.to.level,
        period=period,
        wording=wording,
        nominal_date=rolled.nominal_date if rolled else None,
        due_date=rolled.due_date if rolled else None,
        rolled=rolled.rolled if rolled else False,
        reason=rolled.reason if rolled else None,
        due_at=due_instant(rolled.due_date, at) if rolled else None,
        legal_basis=tuple(report.legal_basis or pack.legal_basis),
        assumed=with_note(hop.assumed or report.assumed or note, estimate),
        missing_param=missing_param,
        cutoff_text=None if isinstance(report.cutoff, str) else report.cutoff.text,
    )


def pack_deadlines(
    pack: Pack,
    year: int,
    calendar: WorkCalendar,
    params: Mapping[str, date] | None = None,
    *,
    strict: bool = False,
) -> list[Deadline]:
    """Every deadline of a pack for the periods labelled with ``year``, in report order.

    With ``strict`` (planning a cycle) the occasional reports are left out: their obligations come
    from the event or the request they count from, not from the calendar.
    """
    rows: list[Deadline] = []
    for report in pack.reports:
        if strict and occasional(report):
            continue
        for period in report_periods(pack, report, year):
            rows.extend(hop_deadlines(pack, report, period, calendar, params, strict=strict))
    return rows


def undated_reason(missing: str) -> str:
    """Why a deadline row has no date: what dates it."""
    if missing == "event":
        return _("dated when an event or a request is recorded")
    if missing == "on_request":
        return _("on request: dated by each request")
    return _("the cycle parameter {name} is not set").format(name=missing)


def deadline_row(d: Deadline) -> dict[str, object]:
    """A deadline as one flat row (the JSON and table shape of ``rules deadlines``)."""
    return {
        "pack": d.pack,
        "report": d.report,
        "report_name": d.report_name,
        "hop": d.hop,
        "from": d.hop_from,
        "to": d.hop_to,
        "period": d.period.label,
        "cutoff_start": d.period.cutoff_start,
        "cutoff_end": d.period.cutoff_end,
        "cutoff_text": d.cutoff_text,
        "wording": d.wording,
        "nominal_date": d.nominal_date,
        "due_date": d.due_date,
        "rolled": d.rolled,
        "reason": d.reason if d.missing_param is None else undated_reason(d.missing_param),
        "missing_param": d.missing_param,
        "due_at": d.due_at,
        "legal_basis": list(d.legal_basis),
        "assumed": d.assumed,
    }
