"""The Action Month's campaign page, the use cases: a unit's roll-up for a year (coverage, totals by
type and by sex, media products, budget, the chart, the previous year beside it) and its files.

The roll-up is ``app.rollups.roll_up`` under the unit, the very computation ``dunghan rollup
--under`` runs, and the files are the ones it writes; the unit is one the person may see in the
tree of the campaign's year (a condition in the SQL, ``models.activity_entries.campaign_unit``),
so a supervisor reads their unit and every unit under it, an officer their own.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine

from app import rollups
from app.activity_entry import CAMPAIGN, CampaignYear, campaign_year, campaign_years, current_year
from app.settings import get_settings
from models.activity_entries import campaign_unit, may_write, unit_chain
from models.rollup import Figures, Rollup, UnitFigures
from models.units import UnitRef
from models.worklist import Viewer
from reports.rollup_svg import rollup_svg
from reports.rollup_xlsx import sheet_title
from rules.activity import MEDIA_KINDS
from rules.calendar import VIETNAM
from rules.numbers import vn_number

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Compared:
    """One line of the comparison with the previous year."""

    name: str
    now: int
    before: int

    @property
    def change(self) -> str:
        """'+12', '−3' (a minus sign, as printed), '0'."""
        difference = self.now - self.before
        if difference > 0:
            return f"+{vn_number(difference, 0)}"
        return f"−{vn_number(-difference, 0)}" if difference < 0 else "0"


@dataclass(frozen=True)
class CampaignPage:
    campaign: CampaignYear
    unit: UnitRef
    chain: list[UnitRef]  # from the highest unit the person sees down to this one
    years: list[int]
    result: Rollup
    chart: str  # SVG
    writable: bool  # the person may log the unit's activities

    @property
    def missing(self) -> list[UnitFigures]:
        """The units expected to log that have not."""
        return [u for u in self.result.units if u.expected and not u.logged]

    @property
    def logging_units(self) -> int:
        return sum(level.logging_units for level in self.result.levels)

    @property
    def media(self) -> list[tuple[str, int]]:
        """Media products by kind, in the fixed order: (name, count)."""
        return [(name, self.result.total.media[kind]) for kind, name in MEDIA_KINDS.items()]

    @property
    def previous_by_type(self) -> dict[str, Figures]:
        return self.result.previous.by_type if self.result.previous else {}

    @property
    def compared(self) -> list[Compared]:
        previous = self.result.previous
        if previous is None:
            return []
        now, before = self.result.total, previous.figures
        return [
            Compared("Số đơn vị có hoạt động", self.logging_units, previous.logging_units),
            Compared("Số hoạt động", now.activities, before.activities),
            Compared("Người tham gia: nam", now.male, before.male),
            Compared("Người tham gia: nữ", now.female, before.female),
            Compared("Người tham gia: tổng số", now.participants, before.participants),
            Compared("Sản phẩm truyền thông", now.media_total, before.media_total),
            Compared("Kinh phí (đồng)", now.budget, before.budget),
        ]


def level_name(level: str) -> str:
    """'commune' → 'Cấp xã'."""
    return sheet_title(level)


def _rolled(
    engine: Engine, viewer: Viewer, *, at: datetime, year: int | None, unit: str | None
) -> tuple[CampaignYear, UnitRef, Rollup]:
    chosen = campaign_year(year if year is not None else current_year(at))
    found = campaign_unit(engine, viewer, unit or viewer.unit.code, chosen.tree_day)
    result = rollups.roll_up(engine, campaign=CAMPAIGN, year=chosen.year, under=found.code)
    return chosen, found, result


def campaign_page(
    engine: Engine, viewer: Viewer, *, at: datetime, year: int | None = None, unit: str | None = None
) -> CampaignPage:
    """The roll-up of ``unit`` (a code; the person's own unit by default) in the campaign of
    ``year`` (the current one by default); :class:`NotVisible` out of scope."""
    chosen, found, result = _rolled(engine, viewer, at=at, year=year, unit=unit)
    return CampaignPage(
        chosen,
        found,
        unit_chain(engine, viewer, found, chosen.tree_day),
        campaign_years(found, at),
        result,
        rollup_svg(result),
        may_write(engine, viewer, found.id),
    )


def rollup_file(
    engine: Engine,
    viewer: Viewer,
    kind: Literal["xlsx", "docx"],
    *,
    at: datetime,
    year: int | None = None,
    unit: str | None = None,
) -> tuple[str, bytes]:
    """The roll-up's workbook or report, as ``dunghan rollup --under UNIT --format xlsx|docx``
    writes it: (file name, content)."""
    _, _, result = _rolled(engine, viewer, at=at, year=year, unit=unit)
    name = f"{rollups.file_stem(result)}.{kind}"
    with tempfile.TemporaryDirectory(prefix="dunghan-rollup-") as folder:
        target = Path(folder) / name
        home = get_settings().home
        if kind == "xlsx":
            rollups.write_workbook(result, home, target)
        else:
            rollups.write_document(engine, result, home, target, today=at.astimezone(VIETNAM).date())
        return name, target.read_bytes()
