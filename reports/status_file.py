"""The submissions spreadsheet (dunghan submissions import): its rows read and checked;
models.bulk_status applies them, all rows or none."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from models.bulk_status import ACTIONS, COLUMNS, HEADINGS, StatusRow
from models.obligations import ObligationKey
from models.org_rows import ImportRefused
from reports.spreadsheet import read_sheets
from rules.clock import read_instant
from rules.errors import DunghanError
from rules.i18n import _
from rules.text import cell_text


def _instant(text: str) -> datetime:
    return read_instant(text, day_at=time(12))  # a day alone: its noon


def read_status_rows(path: Path) -> list[StatusRow]:
    if path.suffix.lower() != ".xlsx":
        raise DunghanError(_("{path}: submissions import takes an .xlsx file").format(path=path))
    if not path.exists():
        raise DunghanError(_("{path}: no such file").format(path=path))
    errors: list[str] = []
    rows: list[StatusRow] = []
    for _title, records in read_sheets(path, HEADINGS):
        for number, raw in records:
            values = {k: cell_text(raw.get(k)) for k in COLUMNS}
            if values["unit"]:
                where = _("{file}: row {row} ({code})").format(file=path.name, row=number, code=values["unit"])
            else:
                where = _("{file}: row {row}").format(file=path.name, row=number)
            missing = [k for k in ("unit", "report", "period", "action", "at") if not values[k]]
            if missing:
                errors.append(_("{where}: missing {columns}").format(where=where, columns=", ".join(missing)))
                continue
            action = ACTIONS.get(values["action"].lower())
            if action is None:
                errors.append(
                    _("{where}: action {value!r} is not one of submit, accept, return, exempt").format(
                        where=where, value=values["action"]
                    )
                )
                continue
            try:
                at = _instant(values["at"])
            except ValueError:
                errors.append(
                    _("{where}: at {value!r} is not a date or an instant (YYYY-MM-DD[THH:MM])").format(
                        where=where, value=values["at"]
                    )
                )
                continue
            if values["hop"] and not values["hop"].isdigit():
                errors.append(_("{where}: hop {value!r} is not a number").format(where=where, value=values["hop"]))
                continue
            key = ObligationKey(
                values["unit"], values["report"], values["period"], int(values["hop"]) if values["hop"] else None
            )
            rows.append(StatusRow(number, key, action, at, values["by"] or None, values["note"] or None))
    if errors:
        raise ImportRefused(errors)
    return rows
