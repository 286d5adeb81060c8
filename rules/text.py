"""Imported text made tidy once, at the door: one form of each letter, one line, no stray spaces.

A name typed in Excel may carry a line break (Alt+Enter), a tab or an invisible control
character, and Vietnamese letters arrive composed (ệ) or decomposed (e + ̣ + ̂) depending on the
keyboard. Left as they are, the same person's name compares unequal to itself and a line break
inside a mail header breaks the message. Every reader of units, contacts, activities and
indicator figures passes its text through :func:`clean_text`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

# Runs of whitespace (line breaks and tabs included) and of control characters (Unicode category
# Cc, plus the line and paragraph separators U+2028/U+2029 and the byte-order mark).
_FOLD = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+")


def clean_text(text: str) -> str:
    """``text`` in Unicode NFC, every run of whitespace or control characters folded to one space,
    and trimmed.

    >>> clean_text("Nguyễn Thị\\r\\nHoa\\t ")
    'Nguyễn Thị Hoa'
    >>> clean_text("Nguye\\u0302\\u0303n") == "Nguyễn"
    True
    >>> clean_text("a\\x00\\x1bb")
    'a b'
    """
    return _FOLD.sub(" ", unicodedata.normalize("NFC", text)).strip()


def size_name(size: int) -> str:
    """A size in bytes as limits and refusals state it.

    >>> size_name(1 << 20), size_name(1_500_000_000), size_name(512)
    ('1 MiB', '1.4 GiB', '512 bytes')
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


MAX_CELL_CHARS = 32_767  # what Excel itself allows in a cell
SAMPLE_MARK = "#"  # the first cell of a template's example row


def cell_text(value: Any) -> str:
    """A cell as text: dates as ISO, whole numbers without '.0', text cleaned (NFC, one line).

    >>> cell_text(" Nguyễn Thị\\nHoa "), cell_text(12.0), cell_text(date(2026, 11, 15))
    ('Nguyễn Thị Hoa', '12', '2026-11-15')
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value))


def is_sample(values: Iterable[Any]) -> bool:
    """A row our templates write as an example: its first cell begins with ``#``.

    >>> is_sample(["# 24-SNV", "Sở Nội vụ"]), is_sample(["24-SNV", "#1"]), is_sample([])
    (True, False, False)
    """
    first = next(iter(values), None)
    return isinstance(first, str) and first.lstrip().startswith(SAMPLE_MARK)


def fold(text: str) -> str:
    """Text as a search compares it: no diacritics, đ as d, case folded, spaces collapsed.

    >>> fold("Xã  Đại Sơn"), fold("dai son") in fold("Xã Đại Sơn")
    ('xa dai son', True)
    """
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def note_text(text: str) -> str:
    """A note or a reason as typed in a form: NFC, line breaks kept (as \\n), every other control
    character dropped, trimmed.

    >>> note_text("  Thiếu mục 4\\r\\nBổ sung\\x00 ")
    'Thiếu mục 4\\nBổ sung'
    """
    return _CONTROL.sub("", unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")).strip()
