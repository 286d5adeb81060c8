"""A document in the Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP, Phụ lục I), as
plain data: who issues it, its kind and subject, whom it is sent to, a body of headings,
paragraphs, tables and images, and the signature block. ``reports.word.write_docx`` lays it out;
``reports.render.render_document`` fills it from a Jinja2 template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Issuer:
    """The issuing body (cơ quan ban hành) under its direct parent (cơ quan chủ quản)."""

    name: str  # "Sở Lao động – Thương binh và Xã hội"; written in capitals
    parent: str | None = None  # "UBND tỉnh Bắc Ninh"
    place: str = "…"  # địa danh of the date line: "Bắc Ninh"
    abbreviation: str = "…"  # in the number: Số: …/BC-SLĐTBXH


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: "I. KẾT QUẢ…", 2: "1. …", 3: "1.1. …" (italic)


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Bullet:
    """A '- ' item, as administrative documents list things."""

    text: str


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths_cm: Sequence[float] | None = None  # None: shared equally
    bold_rows: frozenset[int] = frozenset()  # indexes into rows: headings of the table
    centered_columns: frozenset[int] = frozenset()  # indexes of short columns (TT, units, figures)
    caption: str | None = None
    font_size: float = 12


@dataclass(frozen=True)
class Image:
    png: bytes
    width_cm: float = 15
    caption: str | None = None


Block = Heading | Paragraph | Bullet | Table | Image


@dataclass(frozen=True)
class Appendix:
    """A phụ lục after the signature, on pages of its own: 'Phụ lục 01', its title, then the line
    that ties it to the document (:func:`attached_line`) and its body."""

    label: str  # "Phụ lục 01"
    title: str
    body: Sequence[Block]
    landscape: bool = True


@dataclass(frozen=True)
class AdministrativeDocument:
    issuer: Issuer
    kind: str  # tên loại văn bản: "BÁO CÁO"
    subject: str  # trích yếu nội dung
    body: Sequence[Block]
    recipients: Sequence[str] = ()  # Kính gửi
    copies_to: Sequence[str] = ("Như trên;", "Lưu: VT.")  # Nơi nhận
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"  # quyền hạn, chức vụ; lines split by "\n" (KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC)
    signer_name: str | None = None
    kind_code: str = "BC"  # in the number: BC báo cáo, KH kế hoạch, TB thông báo…
    number: str | None = None  # None: "…", to be written when the document is registered
    day: date | None = None  # None: "ngày … tháng … năm 2026", dated when signed
    year: int | None = None  # the year of an undated document: printed in its date line
    landscape: bool = False
    appendices: Sequence[Appendix] = ()


def number_line(document: AdministrativeDocument) -> str:
    """'Số: …/BC-SLĐTBXH' until the document is registered."""
    return f"Số: {document.number or '…'}/{document.kind_code}-{document.issuer.abbreviation}"


def date_line(place: str, day: date | None, year: int | None = None) -> str:
    """'Bắc Ninh, ngày 05 tháng 02 năm 2025': days below 10 and the months 1 and 2 take a
    leading 0 (Nghị định 30/2020, Phụ lục I, mục II.5); undated, dots stand for the day and
    the month, and for the year too when it is not known.

    >>> date_line("Bắc Ninh", date(2025, 2, 5)), date_line("Bắc Ninh", date(2024, 12, 20))
    ('Bắc Ninh, ngày 05 tháng 02 năm 2025', 'Bắc Ninh, ngày 20 tháng 12 năm 2024')
    >>> date_line("Bắc Ninh", None, 2026), date_line("Bắc Ninh", None)
    ('Bắc Ninh, ngày … tháng … năm 2026', 'Bắc Ninh, ngày … tháng … năm …')
    """
    return f"{place}, {date_words(day, year)}"


def date_words(day: date | None, year: int | None = None) -> str:
    """'ngày 05 tháng 02 năm 2025'; undated: 'ngày … tháng … năm 2026'."""
    if day is None:
        return f"ngày … tháng … năm {year or '…'}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def attached_line(document: AdministrativeDocument) -> str:
    """'(Kèm theo Báo cáo số …/BC-SNV ngày … tháng … năm 2026 của Sở Nội vụ)': under an appendix's title."""
    kind = document.kind.capitalize()
    number = number_line(document).removeprefix("Số: ")
    return f"(Kèm theo {kind} số {number} {date_words(document.day, document.year)} của {document.issuer.name})"


def abbreviation(name: str) -> str:
    """The initials that stand for a body in document numbers.

    >>> abbreviation("Sở Lao động – Thương binh và Xã hội"), abbreviation("Sở Nội vụ")
    ('SLĐTBXH', 'SNV')
    """
    words = [w for w in re.split(r"[\s–-]+", name) if w and w.lower() != "và"]
    return "".join(w[0].upper() for w in words)
