"""Rendering rows for people (aligned tables) and for programs (JSON arrays of objects)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from rules.calendar import VIETNAM
from rules.i18n import _


class Format(StrEnum):
    table = "table"
    json = "json"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_json(value: Any) -> str:
    """JSON with ISO dates and Vietnamese kept readable (no \\u escapes)."""
    return json.dumps(_plain(value), ensure_ascii=False, indent=2)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, datetime):  # in Vietnam time, as people there read it
        return (value.astimezone(VIETNAM) if value.tzinfo else value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]], *, max_width: int = 48) -> str:
    """An aligned text table of ``rows`` showing ``columns`` as (key, heading) pairs."""
    cells = [[_cell(row.get(key)) for key, _heading in columns] for row in rows]
    cells = [[c if _width(c) <= max_width else c[: max_width - 1] + "…" for c in line] for line in cells]
    headings = [heading for _key, heading in columns]
    widths = [max([_width(h)] + [_width(line[i]) for line in cells]) for i, h in enumerate(headings)]

    def aligned(line: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(line, widths, strict=True)).rstrip()

    out = [aligned(headings), aligned(["-" * w for w in widths])]
    out += [aligned(line) for line in cells]
    return "\n".join(out)


def format_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]], fmt: Format) -> str:
    """Rows as JSON (every key) or as a table of ``columns``."""
    return to_json(list(rows)) if fmt is Format.json else to_table(rows, columns)
