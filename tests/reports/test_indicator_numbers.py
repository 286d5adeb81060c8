"""The indicator report writes every figure one way, the Vietnamese one: dots between thousands, a
comma before the decimals (1.234.567; 37,5; 82,27), in the workbook's cells and in the report's
text and appendix alike, as LibreOffice prints them whatever its own locale."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from models.indicators import IndicatorResults, Responsible, UnitProgress, table_for
from reports.indicator_docx import write_indicator_docx
from reports.indicator_xlsx import write_indicator_xlsx
from rules.indicators import Entry, results
from rules.loader import resolve_packs
from tests.reports.rendering import Rendered, png_pages, render

FIGURES = {
    "I.1.4.a": 1234567.0,  # communes: a count in the millions
    "II.1": 37.5,  # a percentage with one decimal
    "III.1": 1.75,  # two decimals
    "III.2.1.1": 12345.0,
    "III.2.1.1.1": 1000.0,
    "III.3.1": 1500.0,
    "III.3.2": 1234.0,  # III.3.3 = 1234 / 1500 × 100 = 82,27%
    "IV.2": 45.6,
}
# A figure written the English way: a comma between thousands (vn_number never shows three
# decimals), or a decimal point (not a row's code such as III.2.1, and not a dot between thousands).
ENGLISH = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\w.,])\d+\.\d{1,2}(?![\d.])")


@pytest.fixture(scope="module")
def figures() -> IndicatorResults:
    pack = resolve_packs(["bac-ninh-2024"])[0].pack
    table = table_for(pack, 2024)
    entries = {code: [Entry("27-SYT", "Sở Y tế", value)] for code, value in FIGURES.items()}
    unit = Responsible(1, "27-SYT", "Sở Y tế", ("Sở Y tế",))
    return IndicatorResults(table, results(table.form, entries, 2024), [UnitProgress(unit, 1234, 2345, None, None)])


def _text(rendered: Rendered) -> str:
    return " ".join(" ".join(rendered.pages).split())


def _figures_are_vietnamese(text: str) -> None:
    assert ENGLISH.findall(text) == []
    for shown in ("1.234.567", "37,5", "1,75", "12.345", "1.000", "1.234", "82,27", "45,6"):
        assert re.search(rf"(?<![\d.,]){re.escape(shown)}(?![\d])", text), f"{shown} is not in the report"


def test_the_pattern_tells_english_figures_from_vietnamese_ones() -> None:
    assert ENGLISH.findall("1,234,567 và 37.5 và 82.27") == ["1,234,567", "37.5", "82.27"]
    assert ENGLISH.findall("1.234.567; 37,5; 1,75; III.2.1.1; 08/4/2024; /100.000 trẻ") == []


def test_the_workbook_prints_every_figure_the_vietnamese_way(figures: IndicatorResults, tmp_path: Path) -> None:
    path = write_indicator_xlsx(figures, tmp_path / "chi-tieu.xlsx")
    rendered = render(path, tmp_path)
    _figures_are_vietnamese(_text(rendered))
    assert len(png_pages(rendered, tmp_path)) == rendered.count


def test_the_report_writes_every_figure_the_vietnamese_way(figures: IndicatorResults, tmp_path: Path) -> None:
    path = write_indicator_docx(figures, tmp_path / "chi-tieu.docx", today=date(2025, 1, 10))
    rendered = render(path, tmp_path)
    text = _text(rendered)
    _figures_are_vietnamese(text)
    assert "1.234/2.345" in text  # the counts of the text too
    body = "".join(rendered.pages[: rendered.page_of("Phụ lục 01") - 1]).replace(" ", "")
    assert "37,5%" in body and "82,27%" in body  # the text's figures, before the appendix
    assert len(png_pages(rendered, tmp_path)) == rendered.count
