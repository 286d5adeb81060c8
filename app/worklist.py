"""What a person does on the web pages, the use cases: see their work, open an obligation, submit
files, review (accept, return, several at once), extend, reopen, download a file, open a unit's
page. Each takes the acting :class:`Viewer`; scope is in the SQL (``models.worklist``), and the
rights of each role are checked here, once, whatever the door.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from app.packs_in_force import packs_in_force
from app.settings import get_settings
from models import obligations, worklist
from models.database import read_connection
from models.lifecycle import STATE_NAMES as STATE_NAMES
from models.obligations import Outcome
from models.outbox import NoticeDraft
from models.units import unit_by_id
from models.users import SessionUser
from models.worklist import ROLE_NAMES as ROLE_NAMES
from models.worklist import NotVisible as NotVisible
from models.worklist import ObligationView, StoredFileRef
from models.worklist import Viewer as Viewer
from models.worklist import WorkRow as WorkRow
from notifications.receipt import receipt_key as notice_key
from notifications.receipt import receipt_notice
from rules.calendar import end_of_day
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.loader import calendar_for
from rules.numbers import vn_number
from rules.text import clean_text, note_text

# What the submit form takes: the formats offices exchange reports in, and a cap per file.
ALLOWED_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
MAX_NAME = 255  # a file's name as kept in the database
MAX_NOTE = 2000  # a note or a reason, as kept in the database


class NotAllowed(DunghanError):
    """The person sees the obligation but their role may not do this to it."""


def viewer_for(engine: Engine, user: SessionUser) -> Viewer:
    """The person behind a live session, with the unit they act for."""
    with read_connection(engine) as connection:
        unit = unit_by_id(connection, user.unit_id)
    return Viewer(user.user_id, user.email, user.name, user.role, unit)


def todo(engine: Engine, viewer: Viewer, *, at: datetime) -> list[WorkRow]:
    """'Việc cần làm': what the person's unit has still to send, most urgent first."""
    return worklist.todo(engine, viewer, at=at, calendar=calendar_for())


def review_queue(engine: Engine, viewer: Viewer, *, at: datetime) -> list[WorkRow]:
    """'Chờ tiếp nhận': what was sent to the person's unit and waits, oldest first."""
    return worklist.review_queue(engine, viewer, at=at, calendar=calendar_for())


@dataclass(frozen=True)
class FormInfo:
    title: str
    kind: str
    sections: list[str]


@dataclass(frozen=True)
class ReportInfo:
    """What the pack says of a report: what to write, how to send it, on what legal basis."""

    pack_title: str
    content: str
    legal_basis: list[str]
    forms: list[FormInfo]
    methods: list[str]


@dataclass(frozen=True)
class ObligationPage:
    view: ObligationView
    report: ReportInfo | None  # None when the pack that planned it is no longer shipped

    @property
    def receipts(self) -> dict[int, str]:
        return {s.id: obligations.receipt_number(s.id) for s in self.view.submissions}


METHOD_NAMES = {
    "paper": "văn bản giấy",
    "email": "thư điện tử",
    "software": "phần mềm báo cáo",
    "document_system": "hệ thống quản lý văn bản",
}


def report_info(pack_id: str, report_id: str) -> ReportInfo | None:
    for loaded in packs_in_force():
        if loaded.pack.id != pack_id:
            continue
        for report in loaded.pack.reports:
            if report.id == report_id:
                return ReportInfo(
                    loaded.pack.title,
                    report.content,
                    list(report.legal_basis or loaded.pack.legal_basis),
                    [FormInfo(f.title, f.kind, list(f.sections)) for f in report.forms],
                    [METHOD_NAMES.get(str(m), str(m)) for m in report.method],
                )
    return None


def obligation_page(engine: Engine, viewer: Viewer, obligation_id: int, *, at: datetime) -> ObligationPage:
    """The obligation page (the link in every message); :class:`NotVisible` out of scope."""
    view = worklist.obligation(engine, viewer, obligation_id, at=at, calendar=calendar_for())
    return ObligationPage(view, report_info(view.pack_id, view.row.report))


def _check(engine: Engine, viewer: Viewer, ids: Sequence[int], *, roles: tuple[str, ...], doing: str) -> None:
    if len(worklist.may_act_on(engine, viewer, list(ids))) != len(set(ids)):
        raise NotVisible()
    if viewer.role not in roles:
        raise NotAllowed(
            _("the role {role} may not {doing}").format(
                role=worklist.ROLE_NAMES.get(viewer.role, viewer.role), doing=doing
            )
        )


@dataclass(frozen=True)
class Upload:
    """A file as the form sent it: the name on the sender's machine, where it waits now, its size."""

    name: str
    path: Path
    size: int


def check_uploads(uploads: Sequence[Upload]) -> None:
    """Refuse what the form may not take, naming the file."""
    if not uploads:
        raise DunghanError(_("{field}: choose at least one report file").format(field=FIELD), field="files")
    if len(uploads) > MAX_FILES:
        raise DunghanError(
            _("{field}: at most {count} files at a time").format(field=FIELD, count=MAX_FILES), field="files"
        )
    for upload in uploads:
        if clean_text(upload.name) != upload.name:
            raise DunghanError(
                _("{field}: the file name {name!r} has control characters").format(
                    field=FIELD, name=clean_text(upload.name)
                ),
                field="files",
            )
        if len(upload.name) > MAX_NAME:
            raise DunghanError(
                _("{field}: the file name {name!r}… is longer than {limit} characters: give it a shorter name").format(
                    field=FIELD, name=upload.name[:40], limit=MAX_NAME
                ),
                field="files",
            )
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            kinds = ", ".join(s.lstrip(".") for s in ALLOWED_SUFFIXES)
            raise DunghanError(
                _("{field}: the file {name!r} is not of a kind taken ({kinds})").format(
                    field=FIELD, name=upload.name, kinds=kinds
                ),
                field="files",
            )
        if upload.size > MAX_FILE_BYTES:
            raise DunghanError(
                _("{field}: the file {name!r} is larger than {size} MB").format(
                    field=FIELD, name=upload.name, size=MAX_FILE_BYTES // (1024 * 1024)
                ),
                field="files",
            )
        if upload.size == 0:
            raise DunghanError(
                _("{field}: the file {name!r} is empty").format(field=FIELD, name=upload.name), field="files"
            )


def written(text: str | None, field: str) -> str | None:
    """A note or reason from a form, cleaned (no control characters), or refused when too long."""
    cleaned = note_text(text or "")
    if len(cleaned) > MAX_NOTE:
        raise DunghanError(
            _("{field}: {length} characters long, at most {limit}").format(
                field=FIELD, length=vn_number(len(cleaned), 0), limit=vn_number(MAX_NOTE, 0)
            ),
            field=field,
        )
    return cleaned or None


def obligation_link(obligation_id: int) -> str | None:
    base = get_settings().link_base
    return f"{base.rstrip('/')}/nghia-vu/{obligation_id}" if base else None


def submit(
    engine: Engine, viewer: Viewer, obligation_id: int, *, uploads: Sequence[Upload], note: str | None, at: datetime
) -> Outcome:
    """Submit files for an obligation of the person's unit; its receipt goes to their e-mail
    through the outbox (keyed by the receipt: never twice), queued with the submission."""
    _check(engine, viewer, [obligation_id], roles=("officer", "admin"), doing=_("submit reports"))
    check_uploads(uploads)
    note = written(note, "note")
    row = worklist.obligation(engine, viewer, obligation_id, at=at, calendar=calendar_for()).row
    settings = get_settings()

    def receipt(outcome: Outcome) -> list[NoticeDraft]:
        return [
            receipt_notice(
                receipt=outcome.receipt or "",
                obligation_id=obligation_id,
                person=viewer.name,
                email=viewer.email,
                unit_name=row.unit_name,
                report_name=row.report_name,
                period=row.period,
                recipient=row.recipient,
                submitted_at=at,
                timeliness=outcome.timeliness or "",
                files=[u.name for u in uploads],
                note=note or None,
                link=obligation_link(obligation_id),
                sender=settings.sender_name,
            )
        ]

    outcome = obligations.submit(
        engine,
        obligation_id,
        at=at,
        actor=viewer.actor,
        calendar=calendar_for(),
        files=[(u.name, u.path) for u in uploads],
        files_dir=settings.files_dir,
        note=note or None,
        notices=receipt,  # in the submission's transaction: never a submission without its receipt
    )
    return outcome


def receipt_key(outcome: Outcome, email: str) -> str:
    """The outbox key of the receipt of ``outcome`` (to deliver it at once)."""
    return notice_key(outcome.receipt or "", email)


def review(
    engine: Engine,
    viewer: Viewer,
    obligation_ids: Sequence[int],
    decision: str,
    *,
    reason: str | None,
    at: datetime,
) -> list[Outcome]:
    """Accept (one or several, all or none) or return with a reason what was sent to the person's unit."""
    if not obligation_ids:
        raise DunghanError(_("{field}: choose at least one report").format(field=FIELD), field="ids")
    _check(engine, viewer, obligation_ids, roles=("reviewer", "admin"), doing=_("accept or return reports"))
    from app.obligations import acceptance_receipts

    return obligations.review_many(
        engine,
        list(obligation_ids),
        decision,
        at=at,
        actor=viewer.actor,
        reason=written(reason, "reason"),
        notices=lambda outcome: acceptance_receipts(engine, outcome, at=at),  # in the review's transaction
    )


def extend(engine: Engine, viewer: Viewer, obligation_id: int, *, until: date, reason: str, at: datetime) -> Outcome:
    """Grant an extension to the end of ``until`` (Vietnam time), with a reason."""
    _check(engine, viewer, [obligation_id], roles=("reviewer", "admin"), doing=_("extend deadlines"))
    return obligations.extend(
        engine,
        obligation_id,
        new_due=end_of_day(until),
        at=at,
        actor=viewer.actor,
        reason=written(reason, "reason") or "",
    )


def reopen(engine: Engine, viewer: Viewer, obligation_id: int, *, reason: str, at: datetime) -> Outcome:
    """Undo an acceptance or an exemption, with a reason."""
    _check(engine, viewer, [obligation_id], roles=("reviewer", "admin"), doing=_("reopen reports"))
    return obligations.reopen(engine, obligation_id, at=at, actor=viewer.actor, reason=written(reason, "reason") or "")


def stored_file(engine: Engine, viewer: Viewer, file_id: int) -> StoredFileRef:
    """A submitted file the person may see; :class:`NotVisible` otherwise."""
    return worklist.stored_file(engine, viewer, file_id)
