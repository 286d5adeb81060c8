"""What an admin does within their unit, the use cases: the units and contacts under it (list,
edit, deactivate, import with a preview, export), whom nobody can tell, the people who log in,
and the outbox. Only admins; every query is scoped to the admin's unit in SQL."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from app import users as accounts
from app.notifying import deliver_ready
from app.settings import get_settings
from app.worklist import NotAllowed, Viewer
from models import admin_scope
from models.admin_scope import (
    ContactChange as ContactChange,
)
from models.admin_scope import (
    ContactListRow,
    GapRow,
    NoticeMessage,
    NoticeRow,
    UnitListRow,
    UserListRow,
)
from models.org_rows import ImportRefused
from models.outbox import enqueue, requeue
from models.tree import ImportSummary, import_org
from models.units import unit_at
from models.worklist import ROLE_NAMES
from notifications.account import password_link_notice
from reports.org_files import read_org_file
from rules.calendar import VIETNAM
from rules.errors import FIELD, DunghanError
from rules.i18n import _

IMPORT_SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")
MAX_IMPORT_BYTES = 10 * 1024 * 1024
PAGE = 100
LAST_PAGE = 100_000  # a page number past any list; larger ones are read as this


def require_admin(viewer: Viewer) -> None:
    if viewer.role != "admin":
        raise NotAllowed(
            _("only an administrator may do this (your role: {role})").format(
                role=ROLE_NAMES.get(viewer.role, viewer.role)
            )
        )


def _today(at: datetime) -> date:
    return at.astimezone(VIETNAM).date()


def units(
    engine: Engine,
    viewer: Viewer,
    *,
    at: datetime,
    q: str = "",
    level: str | None = None,
    page: int = 1,
) -> tuple[list[UnitListRow], int]:
    require_admin(viewer)
    return admin_scope.units(
        engine,
        viewer.unit,
        day=_today(at),
        q=q,
        level=level or None,
        limit=PAGE,
        offset=(min(max(page, 1), LAST_PAGE) - 1) * PAGE,
    )


def contacts(
    engine: Engine,
    viewer: Viewer,
    *,
    q: str = "",
    role: str | None = None,
    active: bool | None = None,
    page: int = 1,
) -> tuple[list[ContactListRow], int]:
    require_admin(viewer)
    return admin_scope.contacts(
        engine,
        viewer.unit,
        q=q,
        role=role or None,
        active=active,
        limit=PAGE,
        offset=(min(max(page, 1), LAST_PAGE) - 1) * PAGE,
    )


def contact(engine: Engine, viewer: Viewer, contact_id: int) -> ContactListRow:
    require_admin(viewer)
    return admin_scope.contact(engine, viewer.unit, contact_id)


def update_contact(
    engine: Engine,
    viewer: Viewer,
    contact_id: int,
    change: ContactChange,
    *,
    at: datetime,
) -> None:
    require_admin(viewer)
    admin_scope.update_contact(engine, viewer.unit, contact_id, change, at=at, actor=viewer.actor)


def gaps(engine: Engine, viewer: Viewer, *, at: datetime) -> list[GapRow]:
    require_admin(viewer)
    return admin_scope.gaps(engine, viewer.unit, day=_today(at))


# The import: the file is kept (by its sha256) between the preview and the confirmation, so what
# is written is exactly what was previewed.


@dataclass(frozen=True)
class ImportPreview:
    name: str
    sha256: str
    units: int
    contacts: int
    summary: ImportSummary | None  # what it would do; None when refused
    errors: list[str]  # every problem, by row; nothing is written while there is one


def _safe_name(name: str) -> str:
    """The uploaded file's own name, without folders or characters a file system may refuse."""
    kept = "".join(c for c in Path(name.replace("\\", "/")).name if c.isalnum() or c in " ._-()")
    return kept.strip(" .")[:120] or "tep"


def _staged(sha: str, name: str) -> Path:
    return get_settings().home / "imports" / sha / _safe_name(name)


def stage_import(source: Path, name: str) -> tuple[str, Path]:
    """Keep an uploaded file for its preview and confirmation; its sha256 and where it is."""
    suffix = Path(name).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise DunghanError(
            _("{field}: the file {name!r} must be {kinds}").format(
                field=FIELD, name=name, kinds=", ".join(IMPORT_SUFFIXES)
            ),
            field="file",
        )
    if source.stat().st_size > MAX_IMPORT_BYTES:
        raise DunghanError(
            _("{field}: the file {name!r} is larger than {size} MB").format(
                field=FIELD, name=name, size=MAX_IMPORT_BYTES // (1024 * 1024)
            ),
            field="file",
        )
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    target = _staged(sha, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return sha, target


def _import(engine: Engine, viewer: Viewer, sha: str, name: str, *, at: datetime, preview: bool) -> ImportPreview:
    require_admin(viewer)
    if len(sha) != 64 or not all(c in "0123456789abcdef" for c in sha) or not _staged(sha, name).is_file():
        raise DunghanError(_("{field}: the previewed file is gone; upload it again").format(field=FIELD), field="file")
    path = _staged(sha, name)
    label = path.name
    try:
        unit_rows, contact_rows = read_org_file(path)
    except ImportRefused as refused:
        return ImportPreview(label, sha, 0, 0, None, refused.errors)
    day = _today(at)
    in_file = {u.code for u in unit_rows}
    errors = [
        _("{file}: unit {code} has no parent unit").format(file=label, code=u.code) for u in unit_rows if not u.parent
    ]
    stored_outside = set(admin_scope.codes_outside(engine, viewer.unit, in_file, day=day)) & admin_scope.known_codes(
        engine, in_file
    )
    for code in sorted(stored_outside):  # a stored unit of another place, which the row would change
        errors.append(_("{file}: unit {code} is not under {unit}").format(file=label, code=code, unit=viewer.unit.name))
    for code in admin_scope.codes_outside(
        engine,
        viewer.unit,
        {u.parent for u in unit_rows if u.parent} - in_file,
        day=day,
    ):
        errors.append(
            _("{file}: the parent unit {code} is not under {unit}").format(file=label, code=code, unit=viewer.unit.name)
        )
    for code in admin_scope.codes_outside(engine, viewer.unit, {c.unit for c in contact_rows} - in_file, day=day):
        errors.append(
            _("{file}: a contact of unit {code}, which is not under {unit}").format(
                file=label, code=code, unit=viewer.unit.name
            )
        )
    if errors:
        return ImportPreview(label, sha, len(unit_rows), len(contact_rows), None, errors)
    try:
        summary = import_org(
            engine,
            unit_rows,
            contact_rows,
            source=label[:80],
            label=label,
            at=day,
            preview=preview,
        )
    except ImportRefused as refused:
        return ImportPreview(label, sha, len(unit_rows), len(contact_rows), None, refused.errors)
    return ImportPreview(label, sha, len(unit_rows), len(contact_rows), summary, [])


def preview_import(engine: Engine, viewer: Viewer, sha: str, name: str, *, at: datetime) -> ImportPreview:
    """Every check of the import, and what it would write; nothing is written."""
    return _import(engine, viewer, sha, name, at=at, preview=True)


def apply_import(engine: Engine, viewer: Viewer, sha: str, name: str, *, at: datetime) -> ImportPreview:
    """The previewed file, imported: all of it, or nothing with every error."""
    return _import(engine, viewer, sha, name, at=at, preview=False)


def export_contacts(engine: Engine, viewer: Viewer) -> list[ContactListRow]:
    """Every contact under the admin's unit (for a file to correct and import back)."""
    require_admin(viewer)
    rows, _total = admin_scope.contacts(engine, viewer.unit, limit=1_000_000)
    return rows


# The people who log in.


def people(engine: Engine, viewer: Viewer) -> list[UserListRow]:
    require_admin(viewer)
    return admin_scope.users(engine, viewer.unit)


def _unit_inside(engine: Engine, viewer: Viewer, code: str, at: datetime) -> int:
    unit = unit_at(engine, code, _today(at))
    if admin_scope.codes_outside(engine, viewer.unit, {code}, day=_today(at)):
        raise DunghanError(
            _("{field}: the unit {name} ({code}) is not under {unit}").format(
                field=FIELD, name=unit.name, code=code, unit=viewer.unit.name
            ),
            field="unit",
        )
    return unit.id


def add_person(
    engine: Engine,
    viewer: Viewer,
    *,
    email: str,
    name: str,
    role: str,
    unit: str,
    at: datetime,
) -> accounts.AddedUser:
    """Add a user acting for a unit under the admin's; the one-time link to set a password goes
    to their e-mail through the outbox (and is shown to the admin once)."""
    require_admin(viewer)
    if role not in ROLE_NAMES:
        raise DunghanError(_("{field}: no role {role!r}").format(field=FIELD, role=role), field="role")
    _unit_inside(engine, viewer, unit.strip(), at)
    settings = get_settings()
    added = accounts.add_user(
        engine,
        email=email,
        name=name,
        role=role,
        unit=unit.strip(),
        at=at,
        actor=viewer.actor,
        password=None,
        link_base=settings.link_base,
    )
    _mail_link(engine, added, email=email, name=name, role=role, viewer=viewer, at=at)
    return added


def _mail_link(
    engine: Engine,
    added: accounts.AddedUser,
    *,
    email: str,
    name: str,
    role: str,
    viewer: Viewer,
    at: datetime,
) -> None:
    settings = get_settings()
    if added.link is None:
        return
    draft = password_link_notice(
        person=name,
        email=email.strip().casefold(),
        role_name=ROLE_NAMES.get(role, role),
        unit_name=added.unit_name,
        admin=f"{viewer.name} ({viewer.unit.name})",
        link=added.link,
        expires=at + accounts.LINK_VALID,
        at=at,
        sender=settings.sender_name,
    )
    enqueue(engine, [draft], at=at)
    deliver_ready(engine, settings, at=at, clock=lambda: at, keys=[draft.key])


def change_person(engine: Engine, viewer: Viewer, user_id: int, *, role: str, unit: str, at: datetime) -> None:
    require_admin(viewer)
    if role not in ROLE_NAMES:
        raise DunghanError(_("{field}: no role {role!r}").format(field=FIELD, role=role), field="role")
    admin_scope.change_user(
        engine,
        viewer.unit,
        user_id,
        role=role,
        unit_id=_unit_inside(engine, viewer, unit.strip(), at),
        at=at,
        actor=viewer.actor,
    )


def disable_person(engine: Engine, viewer: Viewer, user_id: int, *, at: datetime) -> None:
    require_admin(viewer)
    found = admin_scope.user(engine, viewer.unit, user_id)
    if found.id == viewer.user_id:
        raise DunghanError(_("you cannot disable your own account"))
    accounts.disable(engine, found.email, at=at, actor=viewer.actor)


# The outbox.


def notice_counts(engine: Engine, viewer: Viewer) -> dict[str, int]:
    require_admin(viewer)
    return admin_scope.notice_counts(engine, viewer.unit)


def notices(engine: Engine, viewer: Viewer, *, status: str | None, page: int = 1) -> tuple[list[NoticeRow], int]:
    require_admin(viewer)
    return admin_scope.notices(
        engine,
        viewer.unit,
        status=status or None,
        limit=PAGE,
        offset=(min(max(page, 1), LAST_PAGE) - 1) * PAGE,
    )


def notice(engine: Engine, viewer: Viewer, notice_id: int) -> NoticeMessage:
    require_admin(viewer)
    return admin_scope.notice(engine, viewer.unit, notice_id)


def retry_dead(engine: Engine, viewer: Viewer, *, at: datetime, ids: list[int] | None = None) -> int:
    """Make the dead (and failed) notices under the admin's unit ready again; how many. The next
    delivery run (the hourly retry) sends them."""
    require_admin(viewer)
    chosen = admin_scope.dead_notice_ids(engine, viewer.unit, ids)
    return requeue(engine, at=at, ids=chosen, dead=True) if chosen else 0
