"""The indicator table of a year as a report in the administrative layout (DOCX): the compiling
agency's report (portrait, template ket-qua-chi-tieu.j2) with the table of Phụ lục 01, targets and
progress, as a landscape appendix "Phụ lục 01 (Kèm theo Báo cáo số …)"."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from models.indicators import IndicatorResults
from reports.document import Appendix, Issuer, Table, abbreviation
from reports.indicator_rows import columns, printed_rows
from reports.render import render_document
from reports.word import write_docx
from rules.clock import system_clock
from rules.numbers import vn_number
from rules.periods import period_name
from rules.schema import Pack, Report

WIDTHS_CM = (2.0, 6.5, 2.0, 2.3, 3.6, 1.8, 2.2, 2.2, 2.6)  # landscape A4: 25.2 cm of text; TT fits "III.3.1.a"


def issuer_of(pack: Pack, report: Report) -> Issuer:
    """The agency that compiles the report (the recipient of its first hop), under the pack's issuer.

    >>> from rules.loader import resolve_packs
    >>> pack = resolve_packs(["bac-ninh-2024"])[0].pack
    >>> issuer = issuer_of(pack, pack.reports[0])
    >>> issuer.name, issuer.parent, issuer.place, issuer.abbreviation
    ('Sở Lao động – Thương binh và Xã hội', 'UBND tỉnh Bắc Ninh', 'Bắc Ninh', 'SLĐTBXH')
    """
    place = re.sub(r"^(UBND|Ủy ban nhân dân)\s+(tỉnh|thành phố)\s+", "", pack.issuer, flags=re.IGNORECASE)
    name = re.sub(rf"\s+(tỉnh|thành phố)\s+{re.escape(place)}$", "", report.chain[0].to.name)
    return Issuer(name=name, parent=pack.issuer, place=place, abbreviation=abbreviation(name))


def recipients_of(report: Report, place: str = "") -> list[str]:
    """Whom the compiled report goes to: the last hop's recipients, a bare "UBND tỉnh" with the
    province's name.
    """
    names = [part.strip() for to in report.chain[-1].recipients for part in to.name.split(";") if part.strip()]
    bare = re.compile(r"^(UBND|Ủy ban nhân dân)\s+(tỉnh|thành phố)$", re.IGNORECASE)
    return [f"{name} {place}" if place and bare.match(name) else name for name in names]


def _with_unit(value: float | None, unit: str | None) -> str:
    text = "" if value is None else vn_number(value)
    return text if not unit else f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _count(number: int) -> str:
    return vn_number(number, 0)


def indicator_document_context(results: IndicatorResults, issuer: Issuer) -> dict[str, object]:
    """What the report's text says; every figure in it written by :func:`rules.numbers.vn_number`,
    as the appendix's table writes them."""
    table = results.table
    rows = [r for r in results.rows if not r.indicator.heading]
    measured = [r for r in rows if r.indicator.targets]
    short = [r for r in measured if r.progress is not None and not r.progress.met]
    missing = [u for u in results.units if u.typed < u.expected]
    return {
        "form_title": table.form.title,
        "recipients": recipients_of(table.report, issuer.place),
        "legal_basis": table.report.legal_basis[0] if table.report.legal_basis else table.pack.legal_basis[0],
        "issuer_name": issuer.name,
        "period_name": period_name(table.period.label),
        "units_total": _count(len(results.units)),
        "units_done": _count(len(results.units) - len(missing)),
        "units_missing": [f"{u.unit.name} ({_count(u.typed)}/{_count(u.expected)})" for u in missing],
        "typed": _count(sum(u.typed for u in results.units)),
        "expected": _count(sum(u.expected for u in results.units)),
        "measured": _count(len(measured)),
        "with_value": _count(sum(1 for r in measured if r.value is not None)),
        "met": _count(sum(1 for r in measured if r.progress is not None and r.progress.met)),
        "not_met": _count(len(short)),
        "short_of_target": [
            {
                "code": r.indicator.code,
                "name": r.indicator.name,
                "value": _with_unit(r.value, r.indicator.unit),
                "progress": r.progress.text if r.progress else "",
            }
            for r in short
        ],
    }


def write_indicator_docx(results: IndicatorResults, path: Path, *, today: date | None = None) -> Path:
    """The report, portrait, dated in the year of ``today`` (default: today), with the table as Phụ lục 01."""
    today = today or system_clock().date()
    table = results.table
    issuer = issuer_of(table.pack, table.report)
    printed = printed_rows(results)
    grid = Table(
        columns=columns(table.year),
        rows=[[p.code, p.name, p.value_text, p.unit, p.agency, p.period, *p.targets, p.progress] for p in printed],
        widths_cm=WIDTHS_CM,
        bold_rows=frozenset(i for i, p in enumerate(printed) if p.heading),
        centered_columns=frozenset({0, 2, 3, 5, 6, 7}),
        font_size=11,
    )
    document = render_document(
        "ket-qua-chi-tieu.j2",
        indicator_document_context(results, issuer),
        issuer=issuer,
        appendices=(Appendix("Phụ lục 01", table.form.title.upper(), (grid,)),),
        year=today.year,
    )
    return write_docx(document, path)
