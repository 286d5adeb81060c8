"""A planned obligation keeps what its date assumed: a date depending on a Tết break not decided
yet is marked as an estimate (in Vietnamese, whatever the planner's language), a date far from
Tết is not, and planning again once the calendar decides the year clears the mark, audited.

Tết Đinh Mùi: lunar 1/1 is Saturday 06/02/2027; the holidays package gives 04/02–10/02 off. The
shipped calendar is decided through 2026.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from cli.main import app as cli
from models.planning import plan_cycle
from rules.calendar import WorkCalendar
from rules.loader import calendar_for
from tests.models.estimate_pack import ESTIMATE_2027, NOW, estimate_pack
from tests.models.factory import at, bac_ninh_2026


def _decided_through_2027(calendar: WorkCalendar) -> WorkCalendar:
    """The same calendar once a document has decided Tết 2027 (the days it gives unchanged)."""
    return WorkCalendar(
        calendar.overrides.values(),
        culture_day=calendar.culture_day,
        state=calendar.state,
        decided_through=2027,
        tet=calendar.tet_decisions.values(),
    )


def _notes(engine: Engine, period: str) -> list[tuple[str, object, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT u.code, o.due_date, o.assumed FROM obligation o JOIN unit u ON u.id = o.unit_id "
                "WHERE o.period = :period AND u.code = '24-SYT'"
            ),
            {"period": period},
        ).all()
    return [(code, due if isinstance(due, date) else date.fromisoformat(str(due)), note) for code, due, note in rows]


def test_a_date_near_an_undecided_tet_is_stored_as_an_estimate_until_the_year_is_decided(
    engine: Engine, tmp_path: Path
) -> None:
    bac_ninh_2026(engine)
    pack = estimate_pack(tmp_path)
    calendar = calendar_for(pack)
    first = plan_cycle(engine, pack, 2027, calendar, params={}, scope=["24"], now=NOW, actor="admin")
    assert first.created > 0
    # January 2027 ends Sunday 31/01; 5 working days: 01, 02, 03/02, then Tết 04–10/02, 11 and 12/02.
    # Stored in Vietnamese though the tests run in English.
    assert _notes(engine, "2027-01") == [("24-SYT", date(2027, 2, 12), ESTIMATE_2027)]
    # May 2027 ends Monday 31/05: Tuesday 01 to Monday 07/06, far from Tết.
    assert _notes(engine, "2027-05") == [("24-SYT", date(2027, 6, 7), None)]

    again = plan_cycle(engine, pack, 2027, calendar, params={}, scope=["24"], now=NOW, actor="admin")
    assert (again.updated, again.unchanged) == (0, first.created)  # the note compares equal

    decided = _decided_through_2027(calendar)
    preview = plan_cycle(engine, pack, 2027, decided, params={}, scope=["24"], now=NOW, actor="admin", preview=True)
    januaries = [c for c in preview.changes if c.period == "2027-01"]
    assert januaries and all(
        (c.kind, c.fields, c.due_after) == ("updated", ("assumed",), c.due_before) for c in januaries
    )
    assert preview.updated == len(januaries) and preview.created == 0

    later = plan_cycle(engine, pack, 2027, decided, params={}, scope=["24"], now=at("2027-01-10T08:00:00"), actor="snv")
    assert (later.created, later.updated, later.retired) == (0, len(januaries), 0)
    assert _notes(engine, "2027-01") == [("24-SYT", date(2027, 2, 12), None)]
    with engine.connect() as connection:
        audited = connection.execute(
            text(
                "SELECT e.action, e.note, e.actor FROM auditevent e JOIN obligation o ON o.id = e.entity_id "
                "JOIN unit u ON u.id = o.unit_id WHERE e.entity = 'obligation' AND u.code = '24-SYT'"
            )
        ).all()
    assert [tuple(r) for r in audited] == [("replanned", "assumed", "snv")]


@pytest.mark.usefixtures("own_settings")
def test_obligation_show_says_the_date_is_an_estimate(engine: Engine, tmp_path: Path) -> None:
    bac_ninh_2026(engine)
    pack = estimate_pack(tmp_path)
    plan_cycle(engine, pack, 2027, calendar_for(pack), params={}, scope=["24"], now=NOW, actor="admin")
    env = {"DUNGHAN_HOME": str(tmp_path / "home"), "DUNGHAN_DATABASE_URL": engine.url.render_as_string(False)}
    runner = CliRunner()
    january = runner.invoke(
        cli, ["obligation", "show", "24-SYT", "bao-cao-thang", "2027-01", "--at", NOW.isoformat()], env=env
    )
    assert january.exit_code == 0, january.output
    assert f"  note on the date: {ESTIMATE_2027}" in january.stdout.splitlines()
    may = runner.invoke(
        cli, ["obligation", "show", "24-SYT", "bao-cao-thang", "2027-05", "--at", NOW.isoformat()], env=env
    )
    assert may.exit_code == 0 and "note on the date" not in may.stdout
