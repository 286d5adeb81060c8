"""A campaign's activity logs, the use cases: write a unit's form, read a filled-in form and
record it, record one entry, list the logs, delete one."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from app.campaigns import choose_campaign
from models.activity_entries import StoredLog, remove_log, unit_logs
from models.activity_logs import LogRow, Recorded, find_units, logging_unit, record_logs, tree_day
from models.worklist import NotVisible
from reports.activity_form import HEADINGS, FormContent, read_form, write_form
from rules.activity import ActivityEntry, ActivityError, PackCampaign
from rules.i18n import _


def write_template(engine: Engine, path: Path, *, chosen: PackCampaign, year: int, unit: str) -> Path:
    """Write the XLSX form the unit ``unit`` (a code) fills in for the campaign's ``year``; a
    unit that cannot log in the campaign is refused with the reason."""
    found = logging_unit(engine, unit, chosen, year)
    write_form(path, chosen=chosen, year=year, unit_code=found.code, unit_name=found.name)
    return path


def read_filled_form(path: Path, pack: str | None = None) -> FormContent:
    """A filled-in form: its campaign (stated by ``pack`` when given, else by the form's own
    pack), year, unit, rows, and the errors found while reading it."""
    return read_form(path, lambda form_pack, campaign, year: choose_campaign(pack or form_pack, campaign, year))


def record_form(engine: Engine, form: FormContent, path: Path, *, now: datetime, actor: str) -> Recorded:
    """Record a form read from ``path``: every row checked, all written or none. A file already
    imported is refused; a new file of the same unit and campaign year replaces the activities
    its earlier file gave."""
    return record_logs(
        engine,
        form.rows,
        chosen=form.chosen,
        year=form.year,
        now=now,
        actor=actor,
        source=path.name,
        label=path.name,
        columns=HEADINGS,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        earlier_errors=form.errors,
    )


def record_entry(
    engine: Engine,
    unit: str,
    entry: ActivityEntry,
    *,
    chosen: PackCampaign,
    year: int,
    now: datetime,
    actor: str,
    source: str,
    columns: Mapping[str, str],
) -> Recorded:
    """Record one activity of the unit ``unit`` (a code), checked like a row of the form;
    ``source`` says where it was typed (the door), ``columns`` names each field as the person
    gave it there."""
    return record_logs(
        engine,
        [LogRow(None, unit, entry)],
        chosen=chosen,
        year=year,
        now=now,
        actor=actor,
        source=source,
        label=source,
        columns=columns,
    )


def list_logs(engine: Engine, *, chosen: PackCampaign, year: int, unit: str | None = None) -> list[StoredLog]:
    """The campaign year's logs, of the unit ``unit`` (a code, the unit holding it on the
    window's last day) or of every unit, by unit and day."""
    unit_id = None
    if unit is not None:
        day = tree_day(chosen, year)
        found = find_units(engine, [unit], day).get(unit)
        if found is None:
            raise ActivityError(_("no unit {unit!r} valid on {day:%d/%m/%Y}").format(unit=unit, day=day))
        unit_id = found.id
    return unit_logs(engine, campaign_id=chosen.campaign.id, year=year, unit_id=unit_id)


def delete_log(engine: Engine, log_id: int, *, now: datetime, actor: str) -> StoredLog:
    """Delete one log by its id (``activity list`` shows it); the audit trail keeps what it said."""
    try:
        return remove_log(engine, log_id, at=now, actor=actor)
    except NotVisible:
        raise ActivityError(
            _("no activity log {log_id}: `dunghan activity list` shows their ids").format(log_id=log_id)
        ) from None
