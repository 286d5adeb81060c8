"""Imported text is cleaned by one pure function: NFC, one line, no control characters, trimmed."""

from __future__ import annotations

import ast
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.text import clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Nguyễn Thị\nHoa", "Nguyễn Thị Hoa"),  # Alt+Enter in an Excel cell
        ("Nguyễn Thị\r\n\r\nHoa", "Nguyễn Thị Hoa"),
        ("  Sở Y tế\t", "Sở Y tế"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # decomposed, as some keyboards type it
        ("Hoa\u2028Lan", "Hoa Lan"),  # the line separator Word pastes
        ("\ufeffSở Nội vụ", "Sở Nội vụ"),  # a byte-order mark left at the start of a CSV cell
        ("a\x00b\x1bc\x7fd\x85e", "a b c d e"),
        ("", ""),
    ],
)
def test_examples(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@settings(max_examples=300)
@given(st.text())
def test_one_nfc_line_without_control_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in cleaned)
    assert "  " not in cleaned
    assert clean_text(cleaned) == cleaned


def test_the_module_uses_the_standard_library_only() -> None:
    tree = ast.parse(Path("rules/text.py").read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names) | {"__future__"}
