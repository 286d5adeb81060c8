"""Rule packs on the admin's pages: the packs in force, a pack's reports and dated deadlines, and
uploading a new or corrected pack.

Where uploaded packs live: the data folder's ``packs/`` (``<home>/packs/<id>.yaml``), read beside
the packs shipped in ``rules/packs``. An uploaded pack with the id of a shipped pack must carry a
higher version (``2026.2`` after ``2026.1``): it then replaces the shipped pack for everything
planned afterwards (a corrected regime, when the guidance fixing its deadlines arrives). A pack
uploaded again replaces the earlier upload, likewise only with a higher version; the file it
replaces is kept in ``packs/cu/``. Packs are shared by the whole system: what one admin uploads
every admin may plan (each within their own unit).

An upload is checked first, with the findings of ``dunghan rules check`` (``file:line:col``);
while it has an error nothing is written. A pack that passes is written under a temporary name,
then renamed, and its upload is recorded in the audit trail.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from app.packs_in_force import in_force, is_newer, uploaded, uploaded_folder, version_key
from app.worklist import ROLE_NAMES, NotAllowed, Viewer
from models.admin_regime import PackUpload, pack_uploads, record_pack_upload
from rules.calendar import VIETNAM, WorkCalendar
from rules.deadlines import Deadline, pack_deadlines
from rules.errors import DunghanError, PackNotFound
from rules.i18n import _
from rules.lint import lint_pack
from rules.loader import (
    MAX_PACK_BYTES,
    Finding,
    LoadedPack,
    PackLoadError,
    calendar_for,
    parse_pack,
    shipped_packs,
)
from rules.periods import period_name
from rules.schema import Pack
from rules.yaml_source import YamlSyntaxError, decode_utf8

SHIPPED = "shipped"
UPLOADED = "uploaded"
REPLACED_FOLDER = "cu"  # where a replaced upload is kept
SEVERITY_NAMES = {"error": "lỗi", "warning": "cảnh báo"}
FREQUENCY_NAMES = {
    "yearly": "hằng năm",
    "half_yearly": "6 tháng",
    "quarterly": "hằng quý",
    "monthly": "hằng tháng",
    "nine_months": "9 tháng",
    "school_year": "năm học",
    "campaign": "theo đợt",
    "once": "một lần",
    "weekly": "hằng tuần",
    "daily": "hằng ngày",
}


def require_admin(viewer: Viewer) -> None:
    """Only admins manage packs, cycles and the dashboard (within their unit)."""
    if viewer.role != "admin":
        raise NotAllowed(
            _("the role {role} may not see this page").format(role=ROLE_NAMES.get(viewer.role, viewer.role))
        )


@dataclass(frozen=True)
class PackEntry:
    """A pack in force: shipped, or uploaded (then perhaps replacing a shipped one)."""

    loaded: LoadedPack
    source: str  # SHIPPED or UPLOADED
    replaces: str | None = None  # the version of the shipped pack it replaces
    upload: PackUpload | None = None

    @property
    def pack(self) -> Pack:
        return self.loaded.pack

    @property
    def validity(self) -> str:
        pack = self.pack
        until = f" đến {pack.valid_to:%d/%m/%Y}" if pack.valid_to else ""
        return f"từ {pack.valid_from:%d/%m/%Y}{until}"

    @property
    def source_name(self) -> str:
        if self.source == SHIPPED:
            return "có sẵn"
        return f"tải lên, thay bản có sẵn {self.replaces}" if self.replaces else "tải lên"


def _in_force(uploads: dict[str, PackUpload] | None = None) -> tuple[list[PackEntry], list[str]]:
    """The packs in force by id, and what is wrong with the uploaded folder."""
    chosen, notes = in_force()
    entries = [
        PackEntry(c.loaded, UPLOADED, c.replaces, (uploads or {}).get(pack_id))
        if c.uploaded
        else PackEntry(c.loaded, SHIPPED)
        for pack_id, c in chosen.items()
    ]
    return sorted(entries, key=lambda e: (-e.pack.valid_from.toordinal(), e.pack.id)), notes


# The pages.


@dataclass(frozen=True)
class PackList:
    entries: list[PackEntry]
    problems: list[str]  # uploaded files that are not used, and why


def pack_list(engine: Engine, viewer: Viewer) -> PackList:
    """'Gói quy định': every pack in force, the newest first."""
    require_admin(viewer)
    entries, problems = _in_force(pack_uploads(engine))
    return PackList(entries, problems)


def pack_entries(engine: Engine) -> list[PackEntry]:
    """Every pack in force, the newest first, with its latest upload."""
    return _in_force(pack_uploads(engine))[0]


def entry_of(engine: Engine, pack_id: str) -> PackEntry:
    """The pack in force with ``pack_id``; :class:`PackNotFound` otherwise."""
    for entry in pack_entries(engine):
        if entry.pack.id == pack_id:
            return entry
    raise PackNotFound(_("no pack {name!r}").format(name=pack_id))


@dataclass(frozen=True)
class DeadlineLine:
    """A row of the ``rules deadlines`` table, worded for the page."""

    deadline: Deadline

    @property
    def report_name(self) -> str:
        return self.deadline.report_name

    @property
    def hop(self) -> int:
        return self.deadline.hop

    @property
    def hop_from(self) -> str:
        return self.deadline.hop_from

    @property
    def hop_to(self) -> str:
        return self.deadline.hop_to

    @property
    def period(self) -> str:
        return period_name(self.deadline.period.label)

    @property
    def wording(self) -> str:
        return self.deadline.wording

    @property
    def nominal_date(self) -> date | None:
        return self.deadline.nominal_date

    @property
    def due_date(self) -> date | None:
        return self.deadline.due_date

    @property
    def reason(self) -> str | None:
        if self.deadline.missing_param == "event":
            return "tính từ mỗi sự kiện hoặc văn bản yêu cầu được ghi nhận"
        if self.deadline.missing_param == "on_request":
            return "theo yêu cầu: hạn do từng văn bản yêu cầu đặt"
        if self.deadline.missing_param:
            return f"chưa đặt tham số {self.deadline.missing_param}: đặt khi lập kế hoạch"
        d = self.deadline
        if d.reason is None:
            return None
        return f"lùi vì {d.reason}" if d.rolled else f"{d.reason}, giữ như văn bản ghi"

    @property
    def assumed(self) -> str | None:
        return self.deadline.assumed


@dataclass(frozen=True)
class PackPage:
    entry: PackEntry
    year: int
    years: list[int]
    deadlines: list[DeadlineLine]
    applies: bool

    @property
    def pack(self) -> Pack:
        return self.entry.pack

    @property
    def assumed_count(self) -> int:
        return sum(1 for d in self.deadlines if d.assumed)


def offered_years(pack: Pack, today: date) -> list[int]:
    """The years a pack's page and the planning form offer: its validity, within two years of today."""
    first = max(pack.valid_from.year, today.year - 2)
    last = min(pack.valid_to.year, today.year + 1) if pack.valid_to else today.year + 1
    years = list(range(first, last + 1))
    if not years:  # a pack that ended long ago, or begins later
        years = list(range(pack.valid_from.year, (pack.valid_to or pack.valid_from).year + 1))[-3:]
    return years


def pack_page(engine: Engine, viewer: Viewer, pack_id: str, *, year: int | None, at: datetime) -> PackPage:
    """A pack's page: its reports and the dated deadlines of every hop and period of ``year``
    (by default this year, or the nearest year it applies in)."""
    require_admin(viewer)
    entry = entry_of(engine, pack_id)
    today = at.astimezone(VIETNAM).date()
    years = offered_years(entry.pack, today)
    chosen = year if year is not None else (today.year if today.year in years else years[-1])
    applies = entry.pack.applies_in(chosen)
    rows: list[DeadlineLine] = []
    if applies:
        calendar = calendar_for(entry.pack)
        rows = [DeadlineLine(d) for d in pack_deadlines(entry.pack, chosen, calendar)]
    return PackPage(entry, chosen, sorted(set(years) | {chosen}), rows, applies)


# Uploading.


@dataclass(frozen=True)
class FindingLine:
    """A finding as the page shows it: where, how bad, about what, what."""

    finding: Finding

    @property
    def location(self) -> str:
        f = self.finding
        return f"{f.file}:{f.line}:{f.col}"

    @property
    def severity(self) -> str:
        return SEVERITY_NAMES.get(self.finding.severity, self.finding.severity)

    @property
    def is_error(self) -> bool:
        return self.finding.severity == "error"

    @property
    def entry(self) -> str:
        return self.finding.entry or ""

    @property
    def message(self) -> str:
        return self.finding.message


@dataclass(frozen=True)
class UploadOutcome:
    """What an upload did: the findings (errors and warnings), and the pack written when there
    was no error (``stored``), with the version it replaced, if any."""

    file_name: str
    findings: list[FindingLine] = field(default_factory=list)
    stored: PackEntry | None = None
    replaced: str | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def shown_name(name: str | None) -> str:
    """The uploaded file's own name (no folders), as findings name it."""
    base = Path((name or "").replace("\\", "/")).name.strip()
    base = re.sub(r"[^\w.\- ]", "_", base)[:100]
    return base or "goi.yaml"


def _calendar(item: LoadedPack) -> tuple[WorkCalendar | None, list[Finding]]:
    """The pack's working-day calendar, or where its calendar choice fails."""
    try:
        return calendar_for(item.pack), []
    except (PackNotFound, PackLoadError) as exc:
        mark = item.mark("calendar", "overrides")
        return None, [Finding("error", item.path.name, mark.line, mark.col, str(exc))]


def _version_findings(item: LoadedPack, current: PackEntry | None) -> list[Finding]:
    """An id in use needs a higher version (numbers: 2026.2 after 2026.1)."""
    if current is None:
        return []
    mark = item.mark("version")
    what = _("a shipped pack") if current.source == SHIPPED else _("an uploaded pack")
    if version_key(item.pack.version) is None or version_key(current.pack.version) is None:
        message = _(
            "the pack id {pack!r} is taken ({what}, version {version}): to replace it, the version must be "
            "numbers separated by dots, e.g. 2026.2"
        ).format(pack=item.pack.id, what=what, version=current.pack.version)
    elif not is_newer(item.pack.version, current.pack.version):
        message = _(
            "the pack id {pack!r} is taken ({what}, version {version}): a replacement needs a higher version "
            "(the uploaded version: {uploaded}); or give the pack another id"
        ).format(pack=item.pack.id, what=what, version=current.pack.version, uploaded=item.pack.version)
    else:
        return []
    return [Finding("error", item.path.name, mark.line, mark.col, message, f"pack {item.pack.id}")]


def check_upload(name: str, data: bytes, *, today: date) -> tuple[LoadedPack | None, list[Finding]]:
    """The findings of ``dunghan rules check`` on an uploaded file (named ``name``), and the
    pack when it loads; plus the rule on ids in use (a higher version replaces)."""
    path = Path(shown_name(name))
    if len(data) > MAX_PACK_BYTES:
        limit = f"{MAX_PACK_BYTES // (1 << 20)} MiB"
        refused = _("the file is larger than {limit}, the limit: refused").format(limit=limit)
        return None, [Finding("error", path.name, 1, 1, refused)]
    try:
        text = decode_utf8(data)
    except YamlSyntaxError as exc:
        return None, [Finding("error", path.name, exc.mark.line, exc.mark.col, exc.message)]
    item, findings = parse_pack(text, path)
    if item is None:
        return None, sorted(findings, key=lambda f: (f.line, f.col, f.severity))
    entries = {e.pack.id: e for e in _in_force()[0]}
    known = [e.loaded for e in entries.values() if e.pack.id != item.pack.id] + [item]
    calendar, problems = _calendar(item)
    findings = list(problems) + _version_findings(item, entries.get(item.pack.id))
    if calendar is not None:
        findings += lint_pack(item, calendar, today, None, packs=known)
    return item, sorted(findings, key=lambda f: (f.line, f.col, f.severity))


def _write(item: LoadedPack, data: bytes, *, at: datetime) -> str | None:
    """Write the pack as ``<id>.yaml`` in the uploaded folder (a temporary name, then renamed);
    an earlier upload of the same id is moved to ``cu/``. The replaced version, if any."""
    folder = uploaded_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{item.pack.id}.yaml"
    replaced = None
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tai-len-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            earlier = next((p for p in uploaded()[0] if p.path == target), None)
            replaced = earlier.pack.version if earlier else None
            keep = folder / REPLACED_FOLDER
            keep.mkdir(exist_ok=True)
            stamp = at.astimezone(VIETNAM).strftime("%Y%m%d-%H%M%S")
            os.replace(target, keep / f"{item.pack.id}-{replaced or 'cu'}-{stamp}.yaml")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return replaced


def upload_pack(engine: Engine, viewer: Viewer, name: str | None, data: bytes, *, at: datetime) -> UploadOutcome:
    """Check an uploaded pack; write it and record it only when it has no error."""
    require_admin(viewer)
    file_name = shown_name(name)
    if not data:
        raise DunghanError(_("choose a regulation pack file (YAML) to upload"), field="file")
    item, findings = check_upload(file_name, data, today=at.astimezone(VIETNAM).date())
    lines = [FindingLine(f) for f in findings]
    if item is None or any(f.severity == "error" for f in findings):
        return UploadOutcome(file_name, lines)
    shipped = {p.pack.id: p.pack.version for p in shipped_packs()}
    replaced = _write(item, data, at=at) or shipped.get(item.pack.id)
    note = f"tệp {file_name}" + (f", thay phiên bản {replaced}" if replaced else "")
    record_pack_upload(engine, at=at, actor=viewer.actor, pack_id=item.pack.id, version=item.pack.version, note=note)
    return UploadOutcome(file_name, lines, entry_of(engine, item.pack.id), replaced)


def frequency_name(frequency: str) -> str:
    return FREQUENCY_NAMES.get(frequency, frequency)


def report_lines(pack: Pack) -> Sequence[tuple[str, str, str]]:
    """Each report of a pack: (id, name, how often)."""
    return [(r.id, r.name, frequency_name(str(r.frequency))) for r in pack.reports]
