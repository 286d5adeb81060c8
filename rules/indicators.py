"""Indicator tables (Phụ lục 01): who types which row, ratios, and progress against the targets.

A row is a heading (Mục tiêu, Chỉ tiêu: no value), a ratio (tỷ lệ = tử số / mẫu số × 100, computed
from two other rows and never typed) or a value the agencies of its 'đơn vị chủ trì' column enter.
When several units enter the same row, counts (người, đơn vị, cơ sở) are added up (eight districts
each count their communes); any other value is the first-named agency's (the one that leads). A
ratio is computed only when every unit that answers for its two rows has entered them.

Progress is measured against the strategy's next target: for a 2024 report the 2025 target, from
2026 the 2030 one. "Khoảng 60%" (about) counts as met from 95% of the target up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.numbers import vn_number
from rules.schema import Form, Indicator, Pack, Report, Target

COUNT_UNITS = frozenset({"người", "đơn vị", "cơ sở"})
PERIOD_NAMES = {"year": "Theo năm", "school_year": "Theo năm học"}
ABOUT_TOLERANCE = 0.05  # "khoảng": within 5% below the target
_SIGNS = {"at_least": "≥", "at_most": "≤", "about": "≈"}


@dataclass(frozen=True)
class Entry:
    """One unit's figure for one row."""

    unit: str  # the unit's code
    agency: str  # the agency of the row it answers as
    value: float


@dataclass(frozen=True)
class Combined:
    value: float | None
    note: str | None = None


@dataclass(frozen=True)
class Progress:
    target: Target
    met: bool
    met_central: bool | None  # None where the document gives no national target
    gap: float  # how far short, in the row's unit; 0 when met
    text: str


@dataclass(frozen=True)
class ResultRow:
    indicator: Indicator
    value: float | None
    note: str | None
    progress: Progress | None
    entered_by: tuple[str, ...]  # units that typed a figure (for a ratio: those of its two rows)
    missing: tuple[str, ...]  # units that should have and have not


class IndicatorError(DunghanError):
    """A figure that cannot be typed, or a table that does not exist."""


def indicator_tables(pack: Pack) -> list[tuple[Report, Form]]:
    """Every indicator table of a pack with the report it belongs to."""
    return [(r, f) for r in pack.reports for f in r.forms if f.kind == "indicator_table"]


def indicator_table(pack: Pack, form_id: str | None = None) -> tuple[Report, Form]:
    """The pack's indicator table (the one named ``form_id`` when it has several)."""
    tables = indicator_tables(pack)
    chosen = [(r, f) for r, f in tables if form_id is None or f.id == form_id]
    if not chosen:
        known = ", ".join(f.id for _report, f in tables) or _("none")
        if form_id:
            raise IndicatorError(
                _("pack {pack} has no indicator table {form!r} (its indicator tables: {known})").format(
                    pack=pack.id, form=form_id, known=known
                )
            )
        raise IndicatorError(
            _("pack {pack} has no indicator table (its indicator tables: {known})").format(pack=pack.id, known=known)
        )
    if len(chosen) > 1:
        raise IndicatorError(
            _("pack {pack} has several indicator tables ({forms}): choose with {field}").format(
                pack=pack.id, forms=", ".join(f.id for _report, f in chosen), field=FIELD
            ),
            field="form",
        )
    return chosen[0]


def is_count(indicator: Indicator) -> bool:
    """A count adds up across the units that enter it."""
    return indicator.unit in COUNT_UNITS


def typed_indicators(form: Form, agencies: Iterable[str]) -> list[Indicator]:
    """The rows a unit types, given the agencies it stands for in the form's mapping."""
    names = set(agencies)
    return [i for i in form.indicators if i.is_entered and names.intersection(i.agencies())]


def refusal(indicator: Indicator) -> str | None:
    """Why a figure may not be typed for this row, or None when it may.

    >>> from rules.schema import Indicator
    >>> print(refusal(Indicator(code="III.3.3", name="Tỷ lệ", unit="%", numerator="III.3.2", denominator="III.3.1")))
    III.3.3 (Tỷ lệ) is a ratio computed as III.3.2 / III.3.1 × 100: enter III.3.2 and III.3.1, never the ratio
    """
    if indicator.heading:
        return _("{code} ({name}) is a heading: enter the rows under it").format(
            code=indicator.code, name=indicator.name
        )
    if indicator.is_ratio:
        return _(
            "{code} ({name}) is a ratio computed as {numerator} / {denominator} × 100: "
            "enter {numerator} and {denominator}, never the ratio"
        ).format(
            code=indicator.code, name=indicator.name, numerator=indicator.numerator, denominator=indicator.denominator
        )
    return None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator × 100, in percent; None when a figure is missing or the
    denominator is 0 (no victim detected: the share is undefined, not 0% or 100%).

    >>> ratio(3, 8), ratio(3, 0), ratio(None, 8)
    (37.5, None, None)
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def combine(indicator: Indicator, entries: Sequence[Entry]) -> Combined:
    """The province's figure for a typed row from every unit's entry."""
    if not entries:
        return Combined(None)
    if is_count(indicator):
        return Combined(sum(e.value for e in entries))
    values = {e.value for e in entries}
    if len(values) == 1:
        return Combined(entries[0].value)
    order = {name: i for i, name in enumerate(indicator.agencies())}
    ranked = sorted(entries, key=lambda e: (order.get(e.agency, len(order)), e.unit))
    lead = [e for e in ranked if e.agency == ranked[0].agency]
    others = "; ".join(f"{e.unit}: {vn_number(e.value)}" for e in ranked if e not in lead[:1])
    if len({e.value for e in lead}) > 1:
        return Combined(None, f"số liệu khác nhau ({'; '.join(f'{e.unit}: {vn_number(e.value)}' for e in ranked)})")
    return Combined(lead[0].value, f"theo {lead[0].agency}; số liệu khác: {others}")


def target_for(indicator: Indicator, year: int) -> Target | None:
    """The next target from ``year`` on; past the last one, the last one.

    >>> from rules.schema import Indicator, Target
    >>> row = Indicator(code="x", name="x", targets=[Target(year=2025, value=60), Target(year=2030, value=75)])
    >>> [target_for(row, y).year for y in (2024, 2025, 2026, 2031)]
    [2025, 2025, 2030, 2030]
    """
    ordered = sorted(indicator.targets, key=lambda t: t.year)
    if not ordered:
        return None
    return next((t for t in ordered if t.year >= year), ordered[-1])


def target_text(target: Target, unit: str | None, *, central: bool = False) -> str:
    """'≥ 60%', '≤ 1,7 lần', '≈ 60%' (the national value with ``central``)."""
    value = target.central if central and target.central is not None else target.value
    suffix = unit if unit == "%" else f" {unit}" if unit else ""
    return f"{_SIGNS[target.direction]} {vn_number(value)}{suffix}"


def _meets(value: float, wanted: float, direction: str) -> bool:
    if direction == "at_most":
        return value <= wanted
    if direction == "about":
        return value >= wanted * (1 - ABOUT_TOLERANCE)
    return value >= wanted


def progress(indicator: Indicator, value: float | None, year: int) -> Progress | None:
    """Where ``value`` stands against the next target; None without a target or a value."""
    target = target_for(indicator, year)
    if target is None or value is None:
        return None
    met = _meets(value, target.value, target.direction)
    gap = 0.0 if met else abs(value - target.value)
    if target.direction == "about" and not met:
        gap = target.value * (1 - ABOUT_TOLERANCE) - value
    met_central = None if target.central is None else _meets(value, target.central, target.direction)
    wanted = target_text(target, indicator.unit)
    gap_unit = " điểm %" if indicator.unit == "%" else f" {indicator.unit}" if indicator.unit else ""
    text = (
        f"Đạt mục tiêu {target.year} ({wanted})"
        if met
        else (f"Chưa đạt mục tiêu {target.year} ({wanted}): còn cách {vn_number(gap)}{gap_unit}")
    )
    if met_central is not None:
        central = target_text(target, indicator.unit, central=True)
        text += f"; mục tiêu TW ({central}): {'đạt' if met_central else 'chưa đạt'}"
    return Progress(target, met, met_central, gap, text)


def results(
    form: Form,
    entries: Mapping[str, Sequence[Entry]],
    year: int,
    expected: Mapping[str, Sequence[str]] | None = None,
) -> list[ResultRow]:
    """Every row of the table in order: typed rows combined, ratios computed, progress measured.

    ``entries`` and ``expected`` (the units that should type a row) are keyed by indicator code.
    """
    expected = expected or {}
    typed: dict[str, Combined] = {i.code: combine(i, entries.get(i.code, ())) for i in form.indicators if i.is_entered}
    rows = []
    for indicator in form.indicators:
        entered = tuple(sorted({e.unit for e in entries.get(indicator.code, ())}))
        if indicator.heading:
            rows.append(ResultRow(indicator, None, None, None, (), ()))
            continue
        if indicator.is_ratio:
            assert indicator.numerator is not None and indicator.denominator is not None
            parts = (indicator.numerator, indicator.denominator)
            units = {e.unit for code in parts for e in entries.get(code, ())}
            missing = {
                u for code in parts for u in expected.get(code, ()) if all(e.unit != u for e in entries.get(code, ()))
            }
            lacking = [code for code in parts if typed[code].value is None]
            note = f"= {parts[0]} / {parts[1]} × 100"
            value = None  # never from a partial sum: one district missing would skew the share
            if lacking:
                note += f"; chưa tính được: thiếu số liệu {', '.join(lacking)}"
            elif missing:
                note += f"; chưa tính được: thiếu số liệu của {', '.join(sorted(missing))}"
            else:
                value = ratio(typed[parts[0]].value, typed[parts[1]].value)
                if value is None:
                    note += f"; chưa tính được: {parts[1]} bằng 0"
            rows.append(
                ResultRow(
                    indicator,
                    value,
                    note,
                    progress(indicator, value, year),
                    tuple(sorted(units)),
                    tuple(sorted(missing)),
                )
            )
            continue
        combined = typed[indicator.code]
        absent = tuple(u for u in expected.get(indicator.code, ()) if u not in entered)
        rows.append(
            ResultRow(
                indicator, combined.value, combined.note, progress(indicator, combined.value, year), entered, absent
            )
        )
    return rows


def value_problem(indicator: Indicator, value: float) -> str | None:
    """What is wrong with a typed figure, or None.

    >>> from rules.schema import Indicator
    >>> people = Indicator(code="III.3.1", name="Tổng số nạn nhân", unit="người")
    >>> share = Indicator(code="II.1", name="Tỷ lệ", unit="%")
    >>> value_problem(people, 2.5), value_problem(share, 120), value_problem(share, 48.5)
    ('2,5 is not a whole number of người', '120 is not a percentage between 0 and 100', None)
    """
    if value < 0:
        return _("{value} is negative").format(value=vn_number(value))
    if indicator.unit == "%" and value > 100:
        return _("{value} is not a percentage between 0 and 100").format(value=vn_number(value))
    if is_count(indicator) and not float(value).is_integer():
        return _("{value} is not a whole number of {unit}").format(value=vn_number(value), unit=indicator.unit)
    return None
