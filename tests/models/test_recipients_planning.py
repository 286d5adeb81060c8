"""Planning stores a hop's principal recipient and those also sent the report (đồng gửi); a body
above the ministries is recorded by name, with no unit, and never looked for in the tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import col

from models.obligation_lookup import find_obligation
from models.obligations import ObligationKey
from models.planning import Tree, also_recipient_names, plan_cycle
from models.tables import Obligation, Unit
from models.worklist import Viewer, obligation
from rules.loader import calendar_for
from rules.schema import Hop
from tests.models.recipient_pack import NOW, plan_recipient_pack, recipient_pack


def _rows(engine: Engine) -> dict[tuple[str, int], list[tuple[str, int | None, str | None, int]]]:
    """Per (reporter's code, hop): recipient name, recipient unit, also-recipients, obligation id."""
    found: dict[tuple[str, int], list[tuple[str, int | None, str | None, int]]] = {}
    with engine.connect() as c:
        for code, hop, name, unit_id, also, ident in c.execute(
            select(
                col(Unit.code),
                col(Obligation.hop),
                col(Obligation.recipient_name),
                col(Obligation.recipient_unit_id),
                col(Obligation.also_recipients),
                col(Obligation.id),
            ).join(Unit, col(Unit.id) == col(Obligation.unit_id))
        ):
            found.setdefault((code, hop), []).append((name, unit_id, also, ident))
    return found


def _unit_id(engine: Engine, code: str) -> int:
    with engine.connect() as c:
        found = c.execute(select(col(Unit.id)).where(col(Unit.code) == code)).scalar_one()
    assert found is not None
    return found


def test_the_principal_and_the_others_are_stored(engine: Engine, tmp_path: Path) -> None:
    plan_recipient_pack(engine, tmp_path)
    rows = _rows(engine)
    snv = _unit_id(engine, "24-SNV")
    [(name, unit_id, also, _id)] = rows[("24-SYT", 1)]
    assert (name, unit_id) == ("Sở Nội vụ", snv)
    assert json.loads(also or "") == ["UBND tỉnh"] and also_recipient_names(also) == ["UBND tỉnh"]
    [(name, unit_id, also, _id)] = rows[("24-SNV", 2)]
    assert (name, unit_id, also) == ("Bộ Nội vụ", _unit_id(engine, "BNV"), None)


def test_a_body_is_recorded_by_name_with_no_unit(engine: Engine, tmp_path: Path) -> None:
    plan_recipient_pack(engine, tmp_path)
    [(name, unit_id, also, ident)] = _rows(engine)[("BNV", 3)]
    assert (name, unit_id) == ("Chính phủ", None)
    assert also_recipient_names(also) == ["Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam"]
    found = find_obligation(engine, ObligationKey("BNV", "bdg-nam", "2026", 3))
    assert found.id == ident
    view = obligation(engine, Viewer(0, "", "test", "admin", found.unit), ident, at=NOW, calendar=calendar_for())
    assert (view.row.recipient, view.row.also_recipients) == (
        "Chính phủ",
        ("Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam",),
    )


def test_a_body_is_never_looked_for_in_the_tree(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    looked_up = Tree.recipient

    def spy(self: Tree, hop: Hop, reporter):  # type: ignore[no-untyped-def]
        asked.append(hop.to.name)
        return looked_up(self, hop, reporter)

    monkeypatch.setattr(Tree, "recipient", spy)
    summary = plan_recipient_pack(engine, tmp_path)
    assert summary.created == len([o for rows in _rows(engine).values() for o in rows]) > 0
    assert "Chính phủ" not in asked and {"Sở Nội vụ", "Bộ Nội vụ"} <= set(asked)


def test_replanning_compares_the_also_recipients(engine: Engine, tmp_path: Path) -> None:
    first = plan_recipient_pack(engine, tmp_path)
    pack = recipient_pack(tmp_path)
    again = plan_cycle(engine, pack, 2026, calendar_for(pack), params={}, scope=["BNV"], now=NOW, actor="admin")
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    fewer = pack.model_copy(
        update={
            "reports": [
                pack.reports[0].model_copy(
                    update={
                        "chain": [
                            pack.reports[0].chain[0].model_copy(update={"recipients": [pack.reports[0].chain[0].to]}),
                            *pack.reports[0].chain[1:],
                        ]
                    }
                )
            ]
        }
    )
    changed = plan_cycle(
        engine, fewer, 2026, calendar_for(pack), params={}, scope=["BNV"], now=NOW, actor="admin", preview=True
    )
    hop_one = len([o for (code, hop), rows in _rows(engine).items() if hop == 1 for o in rows])
    assert changed.updated == hop_one
    assert {c.fields for c in changed.changes} == {("also_recipients",)}
