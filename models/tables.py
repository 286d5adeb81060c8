"""What dunghan remembers: the administrative tree, contacts, cycles, obligations, the audit trail.

Units carry their validity (valid_from, valid_to, merged_into) so that a period is planned and
rolled up over the tree that was valid then: 2024 cycles keep their districts, 2026 cycles have
none. ``path`` is the unit's chain of codes from the root ("/27/256/9136/"), so "everything under
a unit" is a prefix query.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.columns import Instant

OPEN_STATES = ("pending", "returned")
# Written out, not bound: a planner can use a partial index only when it sees these very values.
OPEN_CONDITION = text("state IN ('pending', 'returned')")
OPEN_OBLIGATION = text("obligation.state IN ('pending', 'returned')")


class Unit(SQLModel, table=True):
    """An administrative unit or agency (đơn vị): ministry, province, district, commune, department."""

    __table_args__ = (
        UniqueConstraint("code", "valid_from", name="uq_unit_code_valid_from"),
        Index("ix_unit_path", "path"),
        Index("ix_unit_level_type", "level", "unit_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, index=True, description="GSO code where official, else our own")
    name: str = Field(max_length=255)
    level: str = Field(max_length=16, description="ministry, province, district, commune")
    unit_type: str = Field(max_length=40)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    path: str = Field(max_length=255)
    valid_from: date = Field(default=date(1900, 1, 1))
    valid_to: date | None = None
    merged_into: str | None = Field(
        default=None, max_length=255, description="as imported; the lineage table holds what it resolves to"
    )
    source: str = Field(default="", max_length=80)


class UnitLineage(SQLModel, table=True):
    """A unit taken over by another on a day (kế thừa): merged, split or succeeded across a reform.

    Many-to-one and one-to-many: an old province merged with others has one successor, an old
    commune split between several new ones has several. Rows join unit ids, never codes: a GSO code
    names another unit after the 2025 reform. ``took_over_on`` is the successor's first day.
    """

    __tablename__ = "unit_lineage"
    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id", name="uq_unit_lineage_pair"),
        Index("ix_unit_lineage_successor", "successor_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    predecessor_id: int = Field(foreign_key="unit.id")
    successor_id: int = Field(foreign_key="unit.id")
    took_over_on: date
    source: str = Field(default="", max_length=80)


class Contact(SQLModel, table=True):
    """A person who receives reminders: focal point (cán bộ đầu mối), head (thủ trưởng)…"""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=24)
    email: str | None = Field(default=None, max_length=254)
    zalo_phone: str | None = Field(default=None, max_length=16, description="84… for ZNS")
    zalo_user_id: str | None = Field(default=None, max_length=64, description="OA follower id")
    channels: str = Field(default="zalo,email", max_length=64, description="preferred, in order")
    active: bool = True


class Cycle(SQLModel, table=True):
    """One planning of a pack for a year (and a part of the tree)."""

    __table_args__ = (UniqueConstraint("pack_id", "year", "scope", name="uq_cycle_pack_year_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    pack_id: str = Field(max_length=64)
    pack_version: str = Field(max_length=32)
    year: int
    scope: str = Field(default="", max_length=255, description="unit codes planned under, comma-separated")
    params: str = Field(default="{}", max_length=2000, description="JSON of the cycle parameters")
    planned_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    reminders: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True), description="the pack's ladders as planned (JSON)"
    )


TALLY_COLUMNS = (
    "cycle_id",
    "report_id",
    "period",
    "unit_level",
    "unit_id",
    "state",
    "due_at",
    "retired",
    "report_name",
)


class Obligation(SQLModel, table=True):
    """A unit's duty to send one report for one period along one hop (nghĩa vụ báo cáo)."""

    __table_args__ = (
        UniqueConstraint("cycle_id", "unit_id", "report_id", "period", "hop", name="uq_obligation_key"),
        Index(  # the overdue list walks this in order and stops: ties are many (one instant per period)
            "ix_obligation_open_due",
            "due_at",
            "unit_id",
            "report_id",
            "period",
            "hop",
            postgresql_where=OPEN_CONDITION,
            sqlite_where=OPEN_CONDITION,
        ),
        Index("ix_obligation_cycle_state", "cycle_id", "state"),
        # The rates count a year's obligations group by group in this order, reading only the index.
        Index("ix_obligation_tally", *TALLY_COLUMNS),
    )

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    unit_level: str = Field(max_length=16, description="the unit's level, kept here so counts need no join")
    report_id: str = Field(max_length=64)
    report_name: str = Field(max_length=255)
    period: str = Field(max_length=16)
    hop: int
    recipient_name: str = Field(max_length=255)
    recipient_unit_id: int | None = Field(
        default=None, foreign_key="unit.id", description="none when a body above the ministries receives it"
    )
    also_recipients: str | None = Field(
        default=None, max_length=2000, description="JSON list of the names the report is also sent to (đồng gửi)"
    )
    wording: str = Field(max_length=255)
    nominal_date: date
    due_date: date
    rolled_reason: str | None = Field(default=None, max_length=120)
    assumed: str | None = Field(
        default=None,
        sa_column=Column(Text, nullable=True),
        description="what the date assumed, in Vietnamese: the pack's note, or that it is an estimate (a Tết "
        "not decided yet); none for obligations planned before",
    )
    due_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    state: str = Field(default="pending", max_length=16)
    late_with_permission: bool = False
    retired: bool = Field(default=False, description="no longer asked by the pack; kept for its history")
    returned_at: datetime | None = Field(
        default=None, sa_column=Column(Instant(), nullable=True), description="last return; its ladder starts here"
    )


class Occasion(SQLModel, table=True):
    """Something that happened and started reports: an event of a pack's kind at a unit
    ("phát hiện vụ việc"), or a request for a report received by a unit. Recorded once: the same
    event or request again is the one already recorded."""

    __table_args__ = (UniqueConstraint("pack_id", "kind", "name", "unit_id", "day", name="uq_occasion"),)

    id: int | None = Field(default=None, primary_key=True)
    pack_id: str = Field(max_length=64)
    kind: str = Field(max_length=8, description="event or request")
    name: str = Field(max_length=64, description="the event kind's id, or the requested report's id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    day: date = Field(description="the day it happened, or the day the request was received")
    recorded_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    actor: str = Field(max_length=120)
    reference: str | None = Field(default=None, max_length=255, description="the request's document, e.g. số 12/SNV")
    note: str | None = Field(default=None, max_length=2000)


class Submission(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    obligation_id: int = Field(foreign_key="obligation.id", index=True)
    submitted_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    actor: str = Field(max_length=120)
    file_name: str | None = Field(default=None, max_length=255)
    file_path: str | None = Field(default=None, max_length=500)
    sha256: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


class SubmissionFile(SQLModel, table=True):
    """Each file of a submission, stored under the data folder by its sha256 (a submission from
    the CLI has one, one from the web pages one or more)."""

    __tablename__ = "submission_file"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    file_name: str = Field(max_length=255, description="the name it was sent under")
    file_path: str = Field(max_length=500)
    sha256: str = Field(max_length=64)
    size_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class Extension(SQLModel, table=True):
    """A granted extension (gia hạn): the old and new due instants and who granted it."""

    id: int | None = Field(default=None, primary_key=True)
    obligation_id: int = Field(foreign_key="obligation.id", index=True)
    old_due_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    new_due_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    reason: str = Field(max_length=2000)
    granted_by: str = Field(max_length=120)
    granted_at: datetime = Field(sa_column=Column(Instant(), nullable=False))


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, from which state to which (nhật ký)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(Instant(), nullable=False, index=True))
    actor: str = Field(max_length=120)
    entity: str = Field(max_length=24)
    entity_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=40)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, max_length=4000)


NOTICE_STATES = ("pending", "sent", "failed", "dead")


class Notice(SQLModel, table=True):
    """One message in the outbox (hộp thư đi), written before it is sent and kept after.

    ``key`` is unique: (obligation, ladder step and day, channel, recipient) for reminders, (contact,
    day, channel) for digests. Inserting an existing key does nothing, so a sweep run twice sends
    nothing twice. The rendered text is stored, so what was sent can always be shown.
    """

    __table_args__ = (
        UniqueConstraint("key", name="uq_notice_key"),
        Index("ix_notice_status_ready", "status", "not_before"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    kind: str = Field(max_length=16, description="reminder, digest or admin")
    obligation_id: int | None = Field(default=None, foreign_key="obligation.id", index=True)
    step: str | None = Field(default=None, max_length=100, description="ladder:step@day")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    recipient_role: str = Field(max_length=24)
    recipient_name: str = Field(max_length=120)
    channel: str = Field(max_length=16, description="email, zalo (OA), zns, or apprise")
    address: str = Field(max_length=500, description="e-mail address, Zalo user id, phone 84…, or Apprise URL")
    template: str = Field(max_length=24)
    subject: str = Field(max_length=255)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True), description="ZNS JSON")
    note: str | None = Field(default=None, max_length=500, description="why this channel, fallback of which")
    fallback_of: int | None = Field(default=None, foreign_key="notice.id")
    status: str = Field(default="pending", max_length=8, description="pending, sending, sent, failed, dead")
    owner: str | None = Field(default=None, max_length=80, description="the delivering process, while sending")
    lease_until: datetime | None = Field(
        default=None, sa_column=Column(Instant(), nullable=True), description="a claim older than this is reclaimed"
    )
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)
    result: str | None = Field(default=None, max_length=500, description="where it went: file, message id")
    created_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    not_before: datetime = Field(sa_column=Column(Instant(), nullable=False), description="quiet hours, back-off")
    sent_at: datetime | None = Field(default=None, sa_column=Column(Instant(), nullable=True))


ROLLUP_SUMS = (
    "participants_male",
    "participants_female",
    "participants_total",
    "media_news",
    "media_broadcast",
    "media_print",
    "media_panel",
    "media_online",
    "budget_vnd",
)


class ActivityLog(SQLModel, table=True):
    """One activity of a campaign logged by a unit (nhật ký hoạt động): counts only.

    Kept by campaign id and year, so a campaign compares year with year even when the pack that
    states it changes (the 2024 plans, the two-tier pack). ``unit_id`` is the unit valid in the
    campaign's year; media products are counted in one column per kind (rules.activity.MEDIA_KINDS)
    so that the roll-up sums them in SQL.
    """

    __tablename__ = "activity_log"
    __table_args__ = (  # covering the roll-up: the database sums in index order, never touching the rows
        Index("ix_activity_log_rollup", "campaign_id", "year", "unit_id", "activity_type", *ROLLUP_SUMS),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(max_length=64)
    pack_id: str = Field(max_length=64, description="the pack that stated the campaign when logged")
    year: int
    unit_id: int = Field(foreign_key="unit.id")
    activity_date: date
    activity_type: str = Field(max_length=64)
    title: str = Field(max_length=255)
    participants_male: int = 0
    participants_female: int = 0
    participants_total: int = 0
    media_news: int = 0
    media_broadcast: int = 0
    media_print: int = 0
    media_panel: int = 0
    media_online: int = 0
    budget_vnd: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    note: str | None = Field(default=None, max_length=1000)
    source: str = Field(default="", max_length=120, description="the file it came from, or cli")
    source_sha256: str | None = Field(default=None, max_length=64, index=True, description="of an imported file")
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(sa_column=Column(Instant(), nullable=False))


class ActivityImport(SQLModel, table=True):
    """A file of activity logs imported (the form of ``dunghan activity import``), by its SHA-256.

    The SHA-256 is unique and the row is written in the same transaction as the file's logs, so
    the database itself refuses a file imported twice, even by two imports running at once.
    """

    __tablename__ = "activity_import"
    __table_args__ = (UniqueConstraint("sha256", name="uq_activity_import_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    source: str = Field(max_length=120, description="the file's name")
    campaign_id: str = Field(max_length=64)
    year: int
    units: int = Field(description="how many units the file logs for")
    activities: int = Field(description="how many logs it added")
    imported_by: str = Field(max_length=120)
    imported_at: datetime = Field(sa_column=Column(Instant(), nullable=False))


class IndicatorValue(SQLModel, table=True):
    """One unit's figure for one typed row of an indicator table (Phụ lục 01) for a year.

    Ratios are never stored: they are computed from their two rows when the table is read.
    ``unit_id`` is the unit valid in the report's period.
    """

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("pack_id", "form_id", "year", "indicator_code", "unit_id", name="uq_indicator_value_key"),
        Index("ix_indicator_value_form_year", "pack_id", "form_id", "year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pack_id: str = Field(max_length=64)
    form_id: str = Field(max_length=64)
    year: int
    indicator_code: str = Field(max_length=32)
    unit_id: int = Field(foreign_key="unit.id")
    value: float
    note: str | None = Field(default=None, max_length=1000)
    source: str = Field(default="", max_length=120, description="cli, or the file it came from")
    entered_by: str = Field(max_length=120)
    entered_at: datetime = Field(sa_column=Column(Instant(), nullable=False))


USER_ROLES = ("officer", "reviewer", "supervisor", "admin")


class User(SQLModel, table=True):
    """A person who logs in to the web pages: a role, and the unit whose scope they act in.

    ``email`` is stored lower-cased and is unique. ``password_hash`` is an Argon2 hash, or None
    until the person sets a password through a one-time link.
    """

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL
    __table_args__ = (UniqueConstraint("email", name="uq_app_user_email"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    name: str = Field(max_length=120)
    role: str = Field(max_length=16, description="officer, reviewer, supervisor or admin")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    created_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    created_by: str = Field(max_length=120)


class UserToken(SQLModel, table=True):
    """A one-time secret given to a person (a link to set a password): only its SHA-256 is kept."""

    __tablename__ = "user_token"
    __table_args__ = (UniqueConstraint("token_sha256", name="uq_user_token_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    purpose: str = Field(max_length=24, description="set_password")
    token_sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(Instant(), nullable=True))


class LoginAttempt(SQLModel, table=True):
    """One try at logging in, kept to slow down guessing (per account and per address)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    address: str = Field(max_length=64)
    at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    ok: bool


class WebSession(SQLModel, table=True):
    """A log-in on the web pages, kept on the server: ending it (log-out, the user disabled, 8
    hours idle) takes effect at once. Only the SHA-256 of the cookie's secret is stored."""

    __tablename__ = "web_session"
    __table_args__ = (UniqueConstraint("token_sha256", name="uq_web_session_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_sha256: str = Field(max_length=64)
    csrf: str = Field(max_length=64, description="the form token of this session")
    address: str = Field(max_length=64)
    started_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    seen_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(Instant(), nullable=True))


class ApiToken(SQLModel, table=True):
    """A person's key to the JSON API (only its SHA-256 is kept); revoked, it stays for the record."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("token_sha256", name="uq_api_token_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=80, description="what the owner called it: the program that uses it")
    token_sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    created_by: str = Field(max_length=120)
    last_used_at: datetime | None = Field(default=None, sa_column=Column(Instant(), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(Instant(), nullable=True))


RUN_OUTCOMES = ("running", "ok", "failed")


class Run(SQLModel, table=True):
    """One run of a job (lập kế hoạch, nhắc hạn, bản tổng hợp, gửi lại, tổng hợp): who started it,
    when, with what, how it ended and what it counted. A run is written when it starts and
    completed when it ends, so one stopped half-way stays ``running``.

    ``scope`` holds the unit codes the run was limited to (comma-separated), empty for a run over
    everything (the sweep); ``parameters`` and ``counts`` are JSON objects.
    """

    __table_args__ = (Index("ix_run_started_at", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, description="the job: plan_cycle, send_reminders, rollup…")
    how: str = Field(max_length=16, description="direct (a plain call) or prefect (a flow run)")
    who: str = Field(max_length=120, description="cli:LOGIN, web:EMAIL, prefect:DEPLOYMENT")
    scope: str = Field(default="", max_length=255)
    parameters: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    started_at: datetime = Field(sa_column=Column(Instant(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(Instant(), nullable=True))
    outcome: str = Field(default="running", max_length=8, description="running, ok, failed")
    message: str | None = Field(default=None, max_length=500)
    counts: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
