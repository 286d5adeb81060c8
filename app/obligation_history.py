"""One obligation's history, the use case behind `dunghan obligation show`: what the obligation
page shows (its deadline and state, the submissions with their files and receipts, the
extensions, every audited step), for an obligation named by its key.

The command line has the whole database in hand, so it reads the page as an admin of the
obligation's unit would; the web pages keep reading it for the signed-in person.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from app.worklist import ObligationPage, obligation_page
from models.lifecycle import ACTION_NAMES as ACTION_NAMES  # how a door names a step of the history
from models.lifecycle import STATE_NAMES as STATE_NAMES
from models.obligation_lookup import find_obligation
from models.obligations import ObligationKey
from models.worklist import Viewer

COMMAND_LINE = "dòng lệnh"


def obligation_history(engine: Engine, key: ObligationKey, *, at: datetime, on: date | None = None) -> ObligationPage:
    """The page of the obligation ``key`` names (its unit the one holding the code on ``on``
    when given), with working days counted to ``at``."""
    found = find_obligation(engine, key, on=on)
    viewer = Viewer(0, "", COMMAND_LINE, "admin", found.unit)
    return obligation_page(engine, viewer, found.id, at=at)
