"""Indicator figures in the database: who answers for which row, typing, correcting, all-or-nothing
imports, and the table of a year (on SQLite and PostgreSQL)."""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.indicators import ValueRow, responsible_units, save_values, table_for, table_results
from models.org_rows import ImportRefused
from models.planning import plan_cycle
from models.tables import AuditEvent, IndicatorValue, Obligation, Unit
from rules.indicators import IndicatorError, typed_indicators
from rules.loader import calendar_for, resolve_packs
from tests.models.bac_ninh_2024 import bac_ninh_2024
from tests.models.factory import at

PACK = resolve_packs(["bac-ninh-2024"])[0].pack
TABLE = table_for(PACK, 2024)
NOW = at("2024-12-20T09:00:00")
DISTRICTS = ["256", "258", "259", "260", "261", "262", "263", "264"]


def test_the_agency_column_maps_to_units(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bac_ninh_2024(engine, tmp_path)
    responsible = responsible_units(engine, table=TABLE)
    assert {code: unit.agencies for code, unit in responsible.items()} == {
        **{d: ("Các huyện, thành phố",) for d in DISTRICTS},
        "27-CTK": ("Cục Thống kê",),
        "27-SGDDT": ("Sở Giáo dục và Đào tạo",),
        "27-SLDTBXH": ("Sở Lao động – TB&XH",),
        "27-SNV": ("Sở Nội vụ",),
        "27-STTTT": ("Sở Thông tin và Truyền thông",),
        "27-SVHTTDL": ("Sở Văn hóa, Thể thao và Du lịch",),
        "27-SYT": ("Sở Y tế",),
    }
    rows = {u: [i.code for i in typed_indicators(TABLE.form, r.agencies)] for u, r in responsible.items()}
    assert rows["27-SYT"] == ["IV.1", "IV.2", "IV.3", "IV.4"]
    assert rows["256"] == ["I.1.4.a", "I.1.4.b"]
    assert "V.1" in rows["27-SGDDT"]  # for the teacher-training schools, which the tree lacks
    every_typed = {i.code for i in TABLE.form.indicators if i.is_entered}
    assert {code for codes in rows.values() for code in codes} == every_typed  # nobody's row is left out


def test_every_responsible_unit_has_an_obligation_to_send_the_table(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bac_ninh_2024(engine, tmp_path)
    plan_cycle(engine, PACK, 2024, calendar_for(PACK), params={}, scope=PACK.scope, now=NOW, actor="admin")
    with engine.connect() as c:
        owing = dict(
            c.execute(
                select(col(Unit.code), col(Obligation.hop))
                .join(Unit, col(Unit.id) == col(Obligation.unit_id))
                .where(col(Obligation.report_id) == TABLE.report.id, col(Obligation.period) == "2024")
            ).all()
        )
    responsible = set(responsible_units(engine, table=TABLE))
    assert len(responsible) == 8 + 7 and responsible <= set(owing)  # the districts and seven Sở
    assert owing["27-SLDTBXH"] == 2 and owing["27-SYT"] == 1  # the Sở compiles and enters its own rows
    progress = {u.unit.code: u for u in table_results(engine, table=TABLE).units}
    assert progress["27-SYT"].due_date is not None and progress["27-SYT"].due_date.isoformat() == "2024-12-24"
    assert (progress["27-SYT"].typed, progress["27-SYT"].expected, progress["27-SYT"].state) == (0, 4, "pending")


def test_typing_correcting_and_the_table(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bac_ninh_2024(engine, tmp_path)
    rows = [ValueRow(None, d, "I.1.4.a", 10) for d in DISTRICTS] + [ValueRow(None, "256", "I.1.4.b", 4)]
    rows += [ValueRow(None, "27-SLDTBXH", "III.3.1", 12), ValueRow(None, "27-SLDTBXH", "III.3.2", 9)]
    assert save_values(engine, table=TABLE, rows=rows, at=NOW, actor="admin", source="cli").created == 11
    again = save_values(
        engine,
        table=TABLE,
        rows=[ValueRow(None, "27-SLDTBXH", "III.3.2", 12), ValueRow(None, "27-SLDTBXH", "III.3.1", 12)],
        at=NOW,
        actor="admin",
        source="cli",
    )
    assert (again.created, again.changed, again.unchanged) == (0, 1, 1)
    with engine.connect() as c:
        notes = (
            c.execute(select(col(AuditEvent.note)).where(col(AuditEvent.entity) == "indicator_value")).scalars().all()
        )
        assert (
            c.execute(select(col(IndicatorValue.value)).where(col(IndicatorValue.indicator_code) == "III.3.2")).scalar()
            == 12
        )
    assert "27-SLDTBXH III.3.2 2024: 9 → 12 (cli)" in notes
    results = {r.indicator.code: r for r in table_results(engine, table=TABLE).rows}
    assert results["III.3.3"].value == 100.0 and results["III.3.3"].progress.met  # type: ignore[union-attr]
    assert results["I.1.4.a"].value == 80  # eight districts, added up
    assert results["I.1.4"].value is None and results["I.1.4"].missing == tuple(DISTRICTS[1:])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (ValueRow(None, "27-SLDTBXH", "III.3.3", 75), "is a ratio computed as III.3.2 / III.3.1 × 100"),
        (ValueRow(None, "27-SYT", "III.3.1", 5), "27-SYT does not answer for III.3.1: its agency is Sở Lao động"),
        (ValueRow(None, "27-STP", "IV.1", 5), "unit '27-STP' answers for no indicator of phu-luc-01 in 2024"),
        (ValueRow(None, "27-SYT", "IV.9", 5), "has no indicator 'IV.9'"),
        (ValueRow(None, "27-SYT", "IV", 5), "is a heading"),
    ],
)
def test_refused_figures(engine, tmp_path: Path, row: ValueRow, message: str) -> None:  # type: ignore[no-untyped-def]
    bac_ninh_2024(engine, tmp_path)
    with pytest.raises(IndicatorError, match=message):
        save_values(engine, table=TABLE, rows=[row], at=NOW, actor="admin", source="cli")


def test_an_import_with_one_bad_row_keeps_nothing(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bac_ninh_2024(engine, tmp_path)
    rows = [
        ValueRow(2, "27-SYT", "IV.1", 112),
        ValueRow(3, "27-SYT", "IV.2", -3),
        ValueRow(4, "27-SYT", "IV.1", 110),
        ValueRow(5, "27-SYT", "IV.4", 1),
    ]
    with pytest.raises(ImportRefused) as refused:
        save_values(engine, table=TABLE, rows=rows, at=NOW, actor="admin", source="f.xlsx", label="f.xlsx")
    assert refused.value.errors == [
        "f.xlsx: row 3, column Kết quả (27-SYT IV.2): -3 is negative",
        "f.xlsx: row 4, column Kết quả (27-SYT IV.1): 27-SYT IV.1 is also on row 2",
    ]
    with engine.connect() as c:
        assert c.execute(select(col(IndicatorValue.id))).first() is None
