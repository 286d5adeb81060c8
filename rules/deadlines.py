"""From a pack, a year and a calendar to dated deadlines: one per report hop and period.

The nominal date is the last day the words give ("trước ngày D" gives D−1, "chậm nhất ngày D"
gives D); the due date is that day rolled by Civil Code 2015 art. 148 when it is not a working day
(or as the pack chooses); the due instant is the end of the due date in Asia/Ho_Chi_Minh.

>>> from rules.wording import parse_wording
>>> nominal_date(parse_wording("trước ngày 25/11"), reference_year=2026)
datetime.date(2026, 11, 24)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from rules.calendar import RolledDate, WorkCalendar, end_of_day
from rules.errors import DeadlineError, MissingParameter
from rules.i18n import _
from rules.periods import Period, periods_for
from rules.schema import Hop, Pack, Report, day_month
from rules.wording import AfterAnchor, DayOfMonth, DeadlineRule, FixedDate, FromParameter


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


def nominal_date(
    rule: DeadlineRule,
    *,
    reference_year: int,
    cutoff_end: date | None = None,
    previous_due: date | None = None,
    calendar: WorkCalendar | None = None,
    params: Mapping[str, date] | None = None,
    report: str = "",
) -> date:
    """The last day the wording gives, before any roll."""
    if isinstance(rule, FixedDate):
        year = rule.year or reference_year + (1 if rule.next_year else 0)
        try:
            day = date(year, rule.month, rule.day)
        except ValueError:
            raise DeadlineError(
                _('"{wording}": {day:02d}/{month:02d}/{year} does not exist').format(
                    wording=rule.wording, day=rule.day, month=rule.month, year=year
                )
            ) from None
        return day if rule.inclusive else day - timedelta(days=1)
    if isinstance(rule, DayOfMonth):
        if cutoff_end is None:
            raise DeadlineError(
                _('"{wording}": a day of the month needs a data cut-off to count from').format(wording=rule.wording)
            )
        day = cutoff_end.replace(day=rule.day)
        if rule.month_anchor == "after_cutoff" and day <= cutoff_end:
            day += relativedelta(months=1)
        return day if rule.inclusive else day - timedelta(days=1)
    if isinstance(rule, AfterAnchor):
        anchor = cutoff_end if rule.anchor == "cutoff_end" else previous_due
        if anchor is None:
            missing = (
                _('"{wording}": there is no a data cut-off to count from')
                if rule.anchor == "cutoff_end"
                else _('"{wording}": there is no a level below to count from')
            )
            raise DeadlineError(missing.format(wording=rule.wording))
        if rule.working:
            if calendar is None:
                raise DeadlineError(_("counting working days needs a calendar"))
            return calendar.add_working_days(anchor, rule.count)
        return anchor + timedelta(days=rule.count)
    if isinstance(rule, FromParameter):
        if params is None or rule.param not in params:
            raise MissingParameter(rule.param, report)
        return params[rule.param]
    raise DeadlineError(_("unknown deadline rule {rule!r}").format(rule=rule))


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
    ``strict`` a missing cycle parameter raises; otherwise the hop is listed without a date.
    """
    result: list[Deadline] = []
    previous_due: date | None = None
    params = {**param_defaults(pack, period.end.year), **(params or {})}
    for index, hop in enumerate(report.chain, start=1):
        rule = hop.rule()
        try:
            nominal = nominal_date(
                rule,
                reference_year=period.end.year,
                cutoff_end=period.cutoff_end,
                previous_due=previous_due,
                calendar=calendar,
                params=params,
                report=report.id,
            )
        except MissingParameter as missing:
            if strict:
                raise
            result.append(_row(pack, report, hop, index, period, rule.wording, None, missing.name))
            previous_due = None
            continue
        rolled = calendar.roll(nominal, hop.roll or pack.roll)
        result.append(_row(pack, report, hop, index, period, rule.wording, rolled))
        previous_due = rolled.due_date
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
        due_at=end_of_day(rolled.due_date) if rolled else None,
        legal_basis=tuple(report.legal_basis or pack.legal_basis),
        assumed=hop.assumed or report.assumed,
        missing_param=missing_param,
    )


def pack_deadlines(
    pack: Pack,
    year: int,
    calendar: WorkCalendar,
    params: Mapping[str, date] | None = None,
    *,
    strict: bool = False,
) -> list[Deadline]:
    """Every deadline of a pack for the periods labelled with ``year``, in report order."""
    rows: list[Deadline] = []
    for report in pack.reports:
        for period in report_periods(pack, report, year):
            rows.extend(hop_deadlines(pack, report, period, calendar, params, strict=strict))
    return rows


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
        "wording": d.wording,
        "nominal_date": d.nominal_date,
        "due_date": d.due_date,
        "rolled": d.rolled,
        "reason": d.reason if d.missing_param is None else f"chưa đặt tham số {d.missing_param}",
        "missing_param": d.missing_param,
        "due_at": d.due_at,
        "legal_basis": list(d.legal_basis),
        "assumed": d.assumed,
    }
