"""Report series across packs: a report and the reports of earlier packs it continues.

A reform replaces a pack but not the reporting it asks for: the two-tier regime's six-month report
carries on the six-month reports of the 2024 plans. A report says so with ``continues`` (see
:class:`rules.schema.ReportLink`); its obligations continue the series of the linked reports, and a
trend over years reads the linked reports' years before this pack's. Pure: packs in, packs out.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.errors import DunghanError, PackNotFound
from rules.i18n import _
from rules.schema import Pack, Report


class SeriesError(DunghanError):
    """A series names a report no pack holds."""


def _report(packs: dict[str, Pack], pack_id: str, report_id: str) -> tuple[Pack, Report]:
    pack = packs.get(pack_id)
    if pack is None:
        raise PackNotFound(
            _("no pack {name!r}: one of {known}").format(name=pack_id, known=", ".join(sorted(packs)) or _("none"))
        )
    report = next((r for r in pack.reports if r.id == report_id), None)
    if report is None:
        known = ", ".join(r.id for r in pack.reports) or _("none")
        raise SeriesError(
            _("pack {pack} has no report {report!r} (reports: {known})").format(
                pack=pack_id, report=report_id, known=known
            )
        )
    return pack, report


def report_series(packs: Iterable[Pack], pack_id: str, report_id: str) -> list[tuple[Pack, Report]]:
    """The report and every report it continues, transitively, oldest first.

    Reports whose packs begin on the same day keep the order their links name them in; each report
    appears once, and a loop of links (which the lint refuses) is followed only once round.

    >>> from rules.loader import shipped_packs
    >>> packs = [p.pack for p in shipped_packs()]
    >>> [f"{p.id}/{r.id}" for p, r in report_series(packs, "hai-cap-2026", "bdg-6-thang")]
    ['lang-giang-2024/so-ket-6-thang', 'hai-cap-2026/bdg-6-thang']
    """
    by_id = {pack.id: pack for pack in packs}
    found: list[tuple[Pack, Report]] = []
    seen: set[tuple[str, str]] = set()

    def visit(pack_id: str, report_id: str) -> None:
        if (pack_id, report_id) in seen:
            return
        seen.add((pack_id, report_id))
        pack, report = _report(by_id, pack_id, report_id)
        for link in report.continues:
            visit(link.pack, link.report)
        found.append((pack, report))  # after what it continues

    visit(pack_id, report_id)
    # Links point to packs that ended before, so by first day is also after what each continues.
    return sorted(found, key=lambda pair: pair[0].valid_from)
