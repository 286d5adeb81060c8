"""Planning a cycle from the admin's pages: the cycles under the admin's unit, the form a pack's
parameters make, a preview of the differences (new, changed, retired, reinstated obligations)
before anything is written, then applying it.

Planning stays within the admin's unit: every unit code planned under must be, in every period
planned, the admin's unit or a unit under it (24 in 2024 was Tỉnh Bắc Giang, not today's Bắc
Ninh). A plan whose units another cycle of the same pack and year already holds is refused: re-plan
that cycle instead (same scope), so no unit is asked twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from app import cycles, runs
from app.packs_admin import PackEntry, entry_of, offered_years, pack_entries, require_admin
from app.worklist import Viewer
from models.admin_regime import CycleRow, UnitLabel, cycles_under, unit_labels
from models.planning import PlannedChange, PlanSummary
from models.units import UnitNotFound, unit_at
from rules.calendar import VIETNAM
from rules.clock import read_day
from rules.deadlines import pack_deadlines
from rules.errors import DunghanError
from rules.i18n import _
from rules.loader import calendar_for
from rules.periods import period_name
from rules.schema import LEVEL_NAMES, Pack

PARAM_PREFIX = "tham_so_"  # a parameter's form field: tham_so_<name>
KIND_NAMES = {
    "created": "mới",
    "updated": "thay đổi",
    "retired": "không còn yêu cầu",
    "reinstated": "yêu cầu trở lại",
}
FIELD_NAMES = {
    "report_name": "tên báo cáo",
    "recipient_name": "nơi nhận",
    "recipient_unit_id": "đơn vị nhận",
    "also_recipients": "nơi đồng gửi",
    "wording": "cách ghi hạn",
    "nominal_date": "ngày theo văn bản",
    "due_date": "hạn",
    "rolled_reason": "lý do lùi hạn",
    "assumed": "ghi chú về hạn",
    "due_at": "hạn",
}
UNITS_SHOWN = 12  # units named per group of changes; the rest are counted


class ParameterProblems(DunghanError):
    """The parameters sent are not those the pack declares: unknown names, required ones missing,
    dates that are not dates."""

    def __init__(self, pack: Pack, unknown: Sequence[str], missing: Sequence[str], bad: Sequence[str]) -> None:
        self.unknown, self.missing, self.bad = list(unknown), list(missing), list(bad)
        declared = ", ".join(p.name for p in pack.params) or _("no parameters")
        parts = []
        if self.unknown:
            parts.append(
                _("parameters not in pack {pack}: {names} (the pack declares: {declared})").format(
                    pack=pack.id, names=", ".join(self.unknown), declared=declared
                )
            )
        if self.missing:
            described = {p.name: p.description for p in pack.params}
            named = "; ".join(f"{name} ({described[name]})" for name in self.missing)
            parts.append(_("required parameters missing: {names}").format(names=named))
        if self.bad:
            parts.append(_("dates not valid (write dd/mm/yyyy): {names}").format(names=", ".join(self.bad)))
        super().__init__(". ".join(parts[:1] + [p[:1].upper() + p[1:] for p in parts[1:]]) + ".")


class OutOfScope(DunghanError):
    """A unit planned under is not the admin's unit nor under it."""


@dataclass(frozen=True)
class ParamField:
    """A parameter of the pack as a field of the form."""

    name: str
    description: str
    default: str | None  # dd/mm, in the period's end year
    value: str  # YYYY-MM-DD, as a date input holds it

    @property
    def field(self) -> str:
        return PARAM_PREFIX + self.name

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def shown(self) -> str:
        """The value as dd/mm/yyyy (as given when it is not a date)."""
        day = _parse_day(self.value)
        return f"{day:%d/%m/%Y}" if day else self.value


def param_fields(pack: Pack, values: Mapping[str, str]) -> list[ParamField]:
    """The form's fields for the parameters ``pack`` declares, filled from ``values`` (by name)."""
    return [ParamField(p.name, p.description, p.default, values.get(p.name, "")) for p in pack.params]


def _parse_day(text: str) -> date | None:
    try:
        return read_day(text)
    except ValueError:
        return None


def read_params(pack: Pack, form: Mapping[str, str]) -> dict[str, date]:
    """The parameters in a form (fields ``tham_so_<name>``): unknown names are refused, and the
    required ones (no default) missing are named, all at once."""
    declared = {p.name for p in pack.params}
    unknown: list[str] = []
    bad: dict[str, str] = {}
    params: dict[str, date] = {}
    for key, value in form.items():
        if not key.startswith(PARAM_PREFIX):
            continue
        name = key.removeprefix(PARAM_PREFIX)
        if name not in declared:
            unknown.append(name)
            continue
        if not value.strip():
            continue
        day = _parse_day(value)
        if day is None:
            bad[name] = f"{name} = {value.strip()!r}"
        else:
            params[name] = day
    missing = [p.name for p in pack.params if p.default is None and p.name not in params and p.name not in bad]
    if unknown or missing or bad:
        raise ParameterProblems(pack, sorted(unknown), missing, list(bad.values()))
    return params


def read_under(text: str, viewer: Viewer) -> list[str]:
    """Unit codes written in a field, separated by commas or spaces (the admin's unit if none)."""
    codes = [c for c in re.split(r"[\s,;]+", text.strip()) if c]
    return list(dict.fromkeys(codes)) or [viewer.unit.code]


def check_scope(
    engine: Engine, viewer: Viewer, pack: Pack, year: int, under: Sequence[str], params: Mapping[str, date]
) -> None:
    """Every code of ``under`` names, at the end of every period planned, the admin's unit or a
    unit under it; :class:`OutOfScope` names the first that does not."""
    days = sorted({d.period.end for d in pack_deadlines(pack, year, calendar_for(pack), params)})
    if not days:
        raise DunghanError(_("pack {pack} has no reporting period in {year}").format(pack=pack.id, year=year))
    mine = viewer.unit
    for code in under:
        for day in days:
            try:
                unit = unit_at(engine, code, day)
            except UnitNotFound:
                raise OutOfScope(
                    _(
                        "no unit has the code {code} on {day:%d/%m/%Y} (the end of a period of {year}): plans can "
                        "only be made for {name} ({mine}) or the units under it"
                    ).format(code=code, day=day, year=year, name=mine.name, mine=mine.code)
                ) from None
            if not (mine.valid_on(day) and unit.path.startswith(mine.path)):
                raise OutOfScope(
                    _(
                        "the code {code} on {day:%d/%m/%Y} is {unit}, not under {name}: plans can only be made "
                        "within your unit ({mine}) or the units under it"
                    ).format(code=code, day=day, unit=unit.label, name=mine.name, mine=mine.code)
                )


@dataclass(frozen=True)
class PlanRequest:
    """What the planning form asks: a pack in force, a year, the units under, the parameters."""

    entry: PackEntry
    year: int
    under: list[str]
    params: dict[str, date]

    @property
    def pack(self) -> Pack:
        return self.entry.pack

    @property
    def under_text(self) -> str:
        return ", ".join(self.under)

    def fields(self) -> list[ParamField]:
        return param_fields(self.pack, {k: v.isoformat() for k, v in self.params.items()})


def plan_request(
    engine: Engine, viewer: Viewer, *, pack_id: str, year: int, under: str, form: Mapping[str, str]
) -> PlanRequest:
    """The planning form read and checked: the pack in force, a year it applies in, parameters as
    declared, units within the admin's unit."""
    require_admin(viewer)
    entry = entry_of(engine, pack_id)
    if not entry.pack.applies_in(year):
        raise DunghanError(
            _("pack {pack} does not apply in {year} (in force {validity})").format(
                pack=entry.pack.id, year=year, validity=entry.validity
            )
        )
    params = read_params(entry.pack, form)
    codes = read_under(under, viewer)
    check_scope(engine, viewer, entry.pack, year, codes, params)
    return PlanRequest(entry, year, codes, params)


@dataclass(frozen=True)
class ChangeGroup:
    """The changes of one kind to one report, period and hop, with the units they concern."""

    kind: str
    report: str
    report_name: str
    period: str
    hop: int
    units: list[UnitLabel]
    count: int
    due_before: date | None  # when the same for all
    due_after: date | None
    fields: list[str]

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def period_name(self) -> str:
        return period_name(self.period)

    @property
    def more(self) -> int:
        return self.count - len(self.units)

    @property
    def level_names(self) -> str:
        levels = sorted({u.level for u in self.units})
        return ", ".join(LEVEL_NAMES.get(level, level) for level in levels)


@dataclass(frozen=True)
class PlanPreview:
    request: PlanRequest
    summary: PlanSummary
    groups: list[ChangeGroup]

    @property
    def changes(self) -> int:
        s = self.summary
        return s.created + s.updated + s.retired + s.reinstated


def _groups(engine: Engine, pack: Pack, summary: PlanSummary) -> list[ChangeGroup]:
    names = {r.id: r.name for r in pack.reports}
    order = list(KIND_NAMES)
    grouped: dict[tuple[str, str, str, int], list[PlannedChange]] = {}
    for change in summary.changes:
        grouped.setdefault((change.kind, change.report_id, change.period, change.hop), []).append(change)
    labels = unit_labels(engine, [c.unit_id for c in summary.changes])
    groups = []
    for (kind, report, period, hop), changes in sorted(
        grouped.items(), key=lambda item: (order.index(item[0][0]), item[0][1], item[0][2], item[0][3])
    ):
        before = {c.due_before for c in changes}
        after = {c.due_after for c in changes}
        fields = sorted({FIELD_NAMES.get(f, f) for c in changes for f in c.fields})
        units = sorted((labels[c.unit_id] for c in changes if c.unit_id in labels), key=lambda u: (u.level, u.code))
        groups.append(
            ChangeGroup(
                kind,
                report,
                names.get(report, report),
                period,
                hop,
                units[:UNITS_SHOWN],
                len(changes),
                before.pop() if len(before) == 1 else None,
                after.pop() if len(after) == 1 else None,
                fields,
            )
        )
    return groups


def _plan(engine: Engine, viewer: Viewer, request: PlanRequest, *, at: datetime, preview: bool) -> PlanSummary:
    """The planning the form asks for, within the admin's own cycles (``exclusive``)."""
    return cycles.plan_cycle(
        engine,
        request.pack.id,
        request.year,
        params=request.params,
        under=request.under,
        now=at,
        actor=viewer.actor,
        preview=preview,
        exclusive=True,
    )


def preview(engine: Engine, viewer: Viewer, request: PlanRequest, *, at: datetime) -> PlanPreview:
    """The plan's differences with what is stored, nothing written."""
    require_admin(viewer)
    summary = _plan(engine, viewer, request, at=at, preview=True)
    return PlanPreview(request, summary, _groups(engine, request.pack, summary))


def apply(engine: Engine, viewer: Viewer, request: PlanRequest, *, at: datetime) -> PlanSummary:
    """Plan (or re-plan) for real: the same planning, written in one transaction, audited and
    recorded as a run (as ``dunghan cycle plan`` is)."""
    require_admin(viewer)
    given = {"pack": request.pack.id, "year": request.year, "params": dict(request.params), "under": request.under}
    with runs.recorded(
        engine, "plan_cycle", who=viewer.actor, how="web", parameters=given, scope=request.under
    ) as tally:
        summary = _plan(engine, viewer, request, at=at, preview=False)
        tally.counts = runs.plan_counts(summary)
        tally.message = f"chu kỳ {summary.cycle_id}"
    return summary


# The cycles page and the form.


@dataclass(frozen=True)
class CycleLine:
    row: CycleRow
    entry: PackEntry | None  # the pack in force with the cycle's id, if any
    params: dict[str, str]  # as planned, YYYY-MM-DD
    why_not: str | None  # why the admin may not re-plan it here

    @property
    def title(self) -> str:
        return self.entry.pack.title if self.entry else self.row.pack_id

    @property
    def newer_version(self) -> str | None:
        """The version in force when it differs from the one planned."""
        if self.entry and self.entry.pack.version != self.row.pack_version:
            return self.entry.pack.version
        return None

    @property
    def params_text(self) -> str:
        """'Hạn gửi dự toán: 20/07/2026' (a parameter by the words of the pack in force, else its name)."""
        described = {p.name: p.description for p in self.entry.pack.params} if self.entry else {}
        return "; ".join(f"{described.get(k, k)}: {date.fromisoformat(v):%d/%m/%Y}" for k, v in self.params.items())

    @property
    def replan_query(self) -> dict[str, str]:
        query = {"goi": self.row.pack_id, "nam": str(self.row.year), "duoi": self.row.scope}
        query.update({PARAM_PREFIX + k: v for k, v in self.params.items()})
        return query


def _params_of(row: CycleRow) -> dict[str, str]:
    try:
        found = json.loads(row.params or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def cycle_list(engine: Engine, viewer: Viewer) -> list[CycleLine]:
    """'Chu kỳ báo cáo': the cycles holding obligations under the admin's unit, and whether each
    may be re-planned here (its pack in force, its scope within the admin's unit)."""
    require_admin(viewer)
    in_force = {e.pack.id: e for e in pack_entries(engine)}
    lines = []
    for row in cycles_under(engine, viewer.unit):
        params = _params_of(row)
        entry: PackEntry | None = None
        why_not = None
        if row.pack_id not in in_force:
            why_not = "gói này không còn trong danh sách gói"
        else:
            entry = in_force[row.pack_id]
            codes = [c for c in row.scope.split(",") if c]
            if not codes:
                why_not = "chu kỳ lập không theo đơn vị nào: lập lại bằng dòng lệnh"
            else:
                try:
                    dated = {k: date.fromisoformat(v) for k, v in params.items()}
                    check_scope(engine, viewer, entry.pack, row.year, codes, dated)
                except (DunghanError, ValueError):
                    why_not = f"phạm vi «{row.scope}» rộng hơn hoặc ngoài đơn vị của bạn"
        lines.append(CycleLine(row, entry, params, why_not))
    return lines


@dataclass(frozen=True)
class PlanForm:
    """The planning form: the packs to choose from, the chosen one's years and parameters."""

    entries: list[PackEntry]
    entry: PackEntry | None
    years: list[int]
    year: int | None
    under: str
    fields: list[ParamField]


def plan_form(
    engine: Engine, viewer: Viewer, *, pack_id: str | None, year: int | None, under: str | None,
    values: Mapping[str, str], at: datetime,
) -> PlanForm:  # fmt: skip
    """The form, filled with what was chosen (``values``: parameters by name, YYYY-MM-DD)."""
    require_admin(viewer)
    entries = pack_entries(engine)
    entry = next((e for e in entries if e.pack.id == pack_id), None) if pack_id else None
    if entry is None:
        return PlanForm(entries, None, [], None, under or viewer.unit.code, [])
    today = at.astimezone(VIETNAM).date()
    years = offered_years(entry.pack, today)
    chosen = year if year in years else (today.year if today.year in years else years[-1])
    default_under = under if under is not None else ", ".join(_default_scope(engine, viewer, entry.pack, chosen))
    return PlanForm(entries, entry, years, chosen, default_under, param_fields(entry.pack, values))


def _default_scope(engine: Engine, viewer: Viewer, pack: Pack, year: int) -> list[str]:
    """The pack's own scope when it lies within the admin's unit, else the admin's unit."""
    if pack.scope:
        try:
            check_scope(engine, viewer, pack, year, pack.scope, {})
            return list(pack.scope)
        except DunghanError:
            pass
    return [viewer.unit.code]
