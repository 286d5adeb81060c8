"""From the settings to the sweep: which channels exist, with what limits, and the whole run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine

from app.settings import Settings
from models.outbox import NoticeDraft, RetryPolicy, enqueue
from models.reminders import ContactRow
from notifications.admin import admin_notices
from notifications.channels import AppriseChannel, Channel, FolderChannel, SmtpChannel, ZaloChannel
from notifications.delivery import Delivered, deliver
from notifications.digest import digests
from notifications.rate_limit import RateLimiter
from notifications.sweep import Gap, SweepOptions, due_notices, gap_notices
from rules.calendar import VIETNAM
from rules.errors import DunghanError
from rules.i18n import _
from rules.ladder import QuietHours
from rules.loader import calendar_for
from rules.scope import EVERYWHERE

CHANNEL_NAMES = {"email": "thư điện tử", "zalo": "Zalo OA", "zns": "Zalo ZNS", "apprise": "Apprise"}


T = TypeVar("T")


class Step(Protocol):
    """Runs one named step of a use case: :func:`direct`, or a flow's task runner."""

    def __call__(self, name: str, action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T: ...


def sweep_options(settings: Settings) -> SweepOptions:
    return SweepOptions(
        sender=settings.sender_name,
        sender_contact=settings.sender_contact,
        salutation=settings.salutation,
        link_base=settings.link_base,
        quiet=QuietHours(settings.quiet_start, settings.quiet_end),
        zns_templates=dict(settings.zns_templates),
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(max_attempts=settings.retry_max_attempts, base=timedelta(minutes=settings.retry_base_minutes))


def channels(settings: Settings, clock: Callable[[], datetime]) -> dict[str, Channel]:
    """The configured channels; in folder mode every channel writes to the outbox folder. Mail
    comes from the agency ``DUNGHAN_SENDER_NAME`` names; a ZNS template's report name is the
    pack's short one."""
    agency = sender_agency(settings)
    short = short_names()
    if settings.delivery == "folder":
        return {
            name: FolderChannel(
                name, settings.outbox_dir, sender=settings.email_from, clock=clock, agency=agency, short_names=short
            )
            for name in ("email", "zalo", "zns", "apprise")
        }
    found: dict[str, Channel] = {}
    if not settings.smtp_url:
        raise DunghanError(_("DUNGHAN_DELIVERY=send needs DUNGHAN_SMTP_URL (an Apprise mailto:// or mailtos:// URL)"))
    found["email"] = SmtpChannel(
        settings.smtp_url,
        sender=settings.email_from,
        clock=clock,
        limiter=RateLimiter(settings.rate_email),
        batch=settings.smtp_batch,
        trip_after=settings.channel_trip_after,
        agency=agency,
    )
    if settings.zalo_oa_token:
        found["zalo"] = ZaloChannel(
            "zalo",
            token=settings.zalo_oa_token.get_secret_value(),
            base_url=settings.zalo_oa_url,
            limiter=RateLimiter(settings.rate_zalo),
            trip_after=settings.channel_trip_after,
        )
    if settings.zns_token:
        found["zns"] = ZaloChannel(
            "zns",
            token=settings.zns_token.get_secret_value(),
            base_url=settings.zns_url,
            limiter=RateLimiter(settings.rate_zns),
            mode=settings.zns_mode,
            trip_after=settings.channel_trip_after,
            short_names=short,
        )
    found["apprise"] = AppriseChannel(RateLimiter(settings.rate_apprise))
    return found


def sender_agency(settings: Settings) -> str | None:
    """The agency mail says it comes from: the one the settings name, none while they name none."""
    default = Settings.model_fields["sender_name"].default
    return settings.sender_name if settings.sender_name and settings.sender_name != default else None


def short_names() -> dict[str, str]:
    """Each report's short name by its full name, from every pack in force (for ZNS's limit)."""
    from app.packs_in_force import packs_in_force
    from rules.schema import report_short_names

    return report_short_names(report for loaded in packs_in_force() for report in loaded.pack.reports)


def concurrency(settings: Settings) -> dict[str, int]:
    return {"email": settings.concurrency_email, "zalo": settings.concurrency_zalo, "zns": settings.concurrency_zns}


@dataclass
class SweepResult:
    queued: list[NoticeDraft] = field(default_factory=list)  # new in the outbox this time
    planned: list[NoticeDraft] = field(default_factory=list)  # decided (all of them, in a dry run)
    delivered: list[Delivered] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


def decide(engine: Engine, settings: Settings, *, at: datetime) -> SweepResult:
    """The sweep's decisions for ``at``: every notice due, and the admin's list of gaps."""
    options = sweep_options(settings)
    decided = due_notices(engine, at=at, options=options, under=EVERYWHERE)  # the sweep is national
    admin = gap_notices(
        decided.gaps,
        at=at,
        admin_emails=settings.admin_emails,
        admin_urls=settings.admin_urls,
        options=options,
        unreachable=unreachable(engine, settings, decided.unreached),
    )
    return SweepResult(planned=decided.drafts + admin, gaps=decided.gaps, warnings=decided.warnings)


def unreachable(engine: Engine, settings: Settings, contacts: list[ContactRow]) -> list[dict[str, str]]:
    """The admin's rows for the contacts a message was due to and no configured channel reaches."""
    if not contacts:
        return []
    from app.org import reach
    from models.database import read_connection
    from models.units import unit_by_id
    from notifications.admin import unreachable_rows

    with read_connection(engine) as connection:
        units = {u.id: (u.code, u.name) for u in (unit_by_id(connection, i) for i in {c.unit_id for c in contacts})}
    return unreachable_rows(contacts, reach(settings), units)


def queue(engine: Engine, drafts: list[NoticeDraft], *, at: datetime) -> list[NoticeDraft]:
    """Write the drafts to the outbox; the ones that were not there yet."""
    new = enqueue(engine, drafts, at=at)
    return [d for d in drafts if d.key in new]


def direct(name: str, action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run one step of a use case as a plain call (the CLI, tests); a flow runs each as a task."""
    return action(*args, **kwargs)


def compose_digests(engine: Engine, settings: Settings, *, at: datetime) -> list[NoticeDraft]:
    """Every supervisor's digest for ``at`` (none on a day off)."""
    return digests(engine, at=at, calendar=calendar_for(), options=sweep_options(settings))


def run_sweep(
    engine: Engine,
    settings: Settings,
    *,
    at: datetime,
    clock: Callable[[], datetime],
    dry_run: bool = False,
    step: Step = direct,
) -> SweepResult:
    """The daily reminder sweep: decide, enqueue, deliver. ``step`` runs each step (a flow: as a task)."""
    result = step("decide_reminders", decide, engine, settings, at=at)
    result.dry_run = dry_run
    if dry_run:
        return result
    result.queued = step("queue_notices", queue, engine, result.planned, at=at)
    result.delivered = step("deliver_notices", deliver_ready, engine, settings, at=at, clock=clock)
    return result


def run_digests(
    engine: Engine, settings: Settings, *, at: datetime, clock: Callable[[], datetime], step: Step = direct
) -> SweepResult:
    """The supervisors' digests: compose, enqueue, deliver those just composed."""
    drafts = step("compose_digests", compose_digests, engine, settings, at=at)
    result = SweepResult(planned=drafts, queued=step("queue_digests", queue, engine, drafts, at=at))
    keys = [d.key for d in drafts]
    result.delivered = (
        step("deliver_digests", deliver_ready, engine, settings, at=at, clock=clock, keys=keys) if drafts else []
    )
    return result


def decide_hour_steps(engine: Engine, settings: Settings, *, at: datetime) -> list[NoticeDraft]:
    """The hour steps due at ``at`` (the ladders of reports due at a clock time). No list of gaps:
    the morning sweep tells the admin those, once a day under the day's key."""
    return due_notices(engine, at=at, options=sweep_options(settings), under=EVERYWHERE, hours_only=True).drafts


def run_retry(
    engine: Engine, settings: Settings, *, at: datetime, clock: Callable[[], datetime], step: Step = direct
) -> SweepResult:
    """The hourly run: queue the hour steps that have come since the last one, then deliver every
    notice whose time has come (those, failed ones past their back-off, held ones). Day steps are
    the morning sweep's alone; the outbox's keys keep any step from being queued twice."""
    result = SweepResult(planned=step("decide_hour_steps", decide_hour_steps, engine, settings, at=at))
    if result.planned:
        result.queued = step("queue_notices", queue, engine, result.planned, at=at)
    result.delivered = step("deliver_ready_notices", deliver_ready, engine, settings, at=at, clock=clock)
    return result


def channel_down_alert(engine: Engine, settings: Settings, *, at: datetime) -> Callable[[str, str], None]:
    """What a run does when it switches a channel off: queue one message to the admin, keyed by
    channel and day, so a morning of failures is told once, not once per notice or per run."""

    def alert(channel: str, reason: str) -> None:
        drafts = admin_notices(
            "channel_down",
            {
                "sender": settings.sender_name,
                "channel_name": CHANNEL_NAMES.get(channel, channel),
                "reason": reason,
                "at": at,
            },
            key=f"channel-down:{channel}:{at.astimezone(VIETNAM).date().isoformat()}",
            at=at,
            admin_emails=settings.admin_emails,
            admin_urls=settings.admin_urls,
        )
        enqueue(engine, drafts, at=at)

    return alert


def deliver_ready(
    engine: Engine,
    settings: Settings,
    *,
    at: datetime,
    clock: Callable[[], datetime],
    ids: list[int] | None = None,
    keys: list[str] | None = None,
) -> list[Delivered]:
    """Deliver what is ready (or only the notices with these ids or keys) on the configured channels."""
    return deliver(
        engine,
        channels(settings, clock),
        at=at,
        clock=clock,
        policy=retry_policy(settings),
        concurrency=concurrency(settings),
        ids=ids,
        keys=keys,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        chunk=settings.delivery_chunk,
        alert=channel_down_alert(engine, settings, at=clock()),
    )
