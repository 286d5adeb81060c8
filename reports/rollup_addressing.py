"""Who issues the Action Month report of a roll-up, to whom it goes and who signs it.

The report is the compiling body's. The unit rolled up under (``--under``; without it the pack's
one scope unit, else the whole country) decides, following the chain of the pack's report on the
campaign (``frequency: campaign``; the yearly report when the pack has none), with the names of
the tree valid on the window's last day:

- a province: the body that receives the hop to the province (from 01/03/2025 the Sở Nội vụ,
  before it the Sở LĐTBXH) under the UBND tỉnh, to the UBND tỉnh and the next hop's recipients;
- a district or a commune: its people's committee (ỦY BAN NHÂN DÂN XÃ …), unless the hop to the
  district names an agency, to whom its hop goes;
- a department or organisation: itself, under the UBND tỉnh, to whom its hop goes;
- the whole country (or the ministry): the ministry of the year (Bộ Nội vụ; Bộ LĐTBXH before
  03/2025), to the Prime Minister and the national committee for the advancement of women.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from models.lookups import UnitBrief, units_on
from models.rollup import Rollup
from reports.document import Issuer, abbreviation
from rules.errors import DunghanError
from rules.i18n import _
from rules.schema import Hop, Pack, Recipient, Report

NATIONAL_RECIPIENTS = ("Thủ tướng Chính phủ", "Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam")
CAPITAL = "Hà Nội"  # the địa danh of a ministry's documents
_TERRITORY = re.compile(r"^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn|Đặc khu)\s+(.+)$")


@dataclass(frozen=True)
class Addressing:
    issuer: Issuer
    recipients: tuple[str, ...]  # Kính gửi
    signer_title: str
    where: str  # what it covers: "trên địa bàn tỉnh Bắc Ninh", "tại Sở Y tế tỉnh Bắc Ninh", "trên phạm vi toàn quốc"
    legal_basis: str | None = None  # what the report answers, when the pack's report names it


def territory(name: str) -> tuple[str, str]:
    """The area a territory's name stands for and its địa danh.

    >>> territory("Tỉnh Bắc Ninh"), territory("Xã Vôi"), territory("Thành phố Hà Nội")
    (('tỉnh Bắc Ninh', 'Bắc Ninh'), ('xã Vôi', 'Vôi'), ('thành phố Hà Nội', 'Hà Nội'))
    """
    match = _TERRITORY.match(name)
    if not match:
        return name, name
    return f"{match.group(1).lower()} {match.group(2)}", match.group(2)


def _short(name: str, area: str) -> str:
    """'Sở Nội vụ tỉnh Bắc Ninh' → 'Sở Nội vụ': the area is in the parent line already."""
    return re.sub(rf"\s+{re.escape(area)}$", "", name)


def _signer(name: str) -> str:
    return "GIÁM ĐỐC" if name.startswith("Sở ") else "THỦ TRƯỞNG CƠ QUAN"


def _ancestors(engine: Engine, unit: UnitBrief, day: date) -> list[UnitBrief]:
    """``unit`` and the units above it, nearest first."""
    found = [unit]
    while found[-1].parent_id is not None:
        parents = units_on(engine, day, unit_id=found[-1].parent_id)
        if not parents:
            break
        found.append(parents[0])
    return found


def _report(pack: Pack, campaign_id: str) -> Report | None:
    reports = [r for r in pack.reports if r.campaign == campaign_id]
    reports += [r for r in pack.reports if r.frequency == "yearly"]
    return reports[0] if reports else None


def _hop_from(report: Report | None, unit: UnitBrief) -> Hop | None:
    for hop in report.chain if report else []:
        if any(s.matches(unit.level, unit.unit_type, unit.code) for s in hop.from_):
            return hop
    return None


def _hop_to(report: Report | None, level: str) -> Hop | None:
    return next((hop for hop in (report.chain if report else []) if hop.to.level == level), None)


def _names(engine: Engine, day: date, to: Recipient, above: list[UnitBrief]) -> list[str]:
    """The recipient of a hop as the tree names it ('Sở Nội vụ tỉnh Bắc Ninh'), else as the pack does."""
    written = [part.strip() for part in to.name.split(";") if part.strip()]
    if to.code:
        fixed = units_on(engine, day, code=to.code)
        return [fixed[0].name] if fixed else written
    if to.level == "ministry":
        return written  # "Bộ Nội vụ (Vụ Công tác thanh niên và Bình đẳng giới)" says more than the tree
    home = next((u for u in above if u.level == to.level and u.unit_type == "people_committee"), None)
    if home is None:
        return written
    if to.unit_type in (None, "people_committee"):
        return [f"UBND {territory(home.name)[0]}"]
    body = units_on(engine, day, parent_id=home.id, unit_type=to.unit_type)
    return [body[0].name] if body else written


def _hop_names(engine: Engine, day: date, hop: Hop, above: list[UnitBrief]) -> list[str]:
    """Every recipient of a hop (the first, then those it is also sent to), each named once."""
    names: list[str] = []
    for to in hop.recipients:
        names += [name for name in _names(engine, day, to, above) if name not in names]
    return names


def _ministry(engine: Engine, day: date) -> Addressing:
    ministries = units_on(engine, day, level="ministry")
    name = ministries[0].name if ministries else "Bộ Nội vụ"
    return Addressing(
        Issuer(name, None, CAPITAL, abbreviation(name)), NATIONAL_RECIPIENTS, "BỘ TRƯỞNG", "trên phạm vi toàn quốc"
    )


def rollup_addressing(engine: Engine, result: Rollup, pack: Pack | None = None) -> Addressing:
    """Who issues ``result``'s report; ``pack`` is the one that states the campaign (looked up among
    the shipped packs by ``result.pack_id`` when not given)."""
    if pack is None:
        from rules.loader import shipped_packs

        found_pack = next((p.pack for p in shipped_packs() if p.pack.id == result.pack_id), None)
        if found_pack is None:
            raise DunghanError(
                _("pack {pack} is not a shipped pack: pass the pack the roll-up used").format(pack=result.pack_id)
            )
        pack = found_pack
    day = result.tree_day
    code = result.under or (pack.scope[0] if len(pack.scope) == 1 else None)
    found = units_on(engine, day, code=code) if code else []
    if not found or found[0].level == "ministry":
        return _ministry(engine, day)
    top = found[0]
    above = _ancestors(engine, top, day)
    report = _report(pack, result.campaign_id)
    basis = report.legal_basis[0] if report and report.legal_basis else None
    home = next((u for u in above if u.unit_type == "people_committee"), None)
    area, place = territory(home.name) if home else (top.name, top.name)
    committee = f"UBND {area}"

    if top.unit_type != "people_committee":  # a department, an organisation: itself
        name = _short(top.name, area)
        hop = _hop_from(report, top)
        recipients = _hop_names(engine, day, hop, above) if hop else []
        issuer = Issuer(name, committee if home else None, place, abbreviation(name))
        return Addressing(issuer, tuple(recipients), _signer(name), f"tại {top.name}", basis)

    into = _hop_to(report, top.level)
    if into is not None and into.to.unit_type not in (None, "people_committee"):  # the Sở that compiles
        bodies = units_on(engine, day, parent_id=top.id, unit_type=into.to.unit_type)
        body = bodies[0] if bodies else None
        name = _short(body.name if body else into.to.name, area)
        onward = _hop_from(report, body) if body else None
        onward_names = _hop_names(engine, day, onward, [body, *above]) if onward and body else []
        recipients = [committee, *(name for name in onward_names if name != committee)]
        return Addressing(
            Issuer(name, committee, place, abbreviation(name)),
            tuple(recipients),
            _signer(name),
            f"trên địa bàn {area}",
            basis,
        )

    hop = _hop_from(report, top)
    recipients = _hop_names(engine, day, hop, above) if hop else []
    issuer = Issuer(f"Ủy ban nhân dân {area}", None, place, "UBND")
    return Addressing(issuer, tuple(recipients), "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", f"trên địa bàn {area}", basis)
