"""Flow run names that carry their parameters: `send_reminders at=2026-12-22 07:30`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from rules.calendar import VIETNAM
from rules.clock import parse_at, system_clock


def describe(flow: str, parameters: Mapping[str, Any], now: datetime) -> str:
    """A run's name: the flow and its parameters; an empty ``at`` shows the instant it ran for.

    >>> from datetime import UTC
    >>> describe("send_reminders", {"at": None, "dry_run": False}, datetime(2026, 12, 22, 0, 30, tzinfo=UTC))
    'send_reminders at=2026-12-22 07:30'
    >>> describe("plan_cycle", {"pack": "hai-cap-2026", "year": 2026, "under": ["24"]}, datetime.now(UTC))
    'plan_cycle pack=hai-cap-2026 year=2026 under=24'
    """
    shown = dict(parameters)
    if "at" in shown:
        instant = parse_at(str(shown["at"])) if shown["at"] else now
        shown["at"] = f"{instant.astimezone(VIETNAM):%Y-%m-%d %H:%M}"
    parts = []
    for name, value in shown.items():
        if value in (None, False, [], {}):
            continue
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ",".join(f"{k}:{v}" for k, v in value.items())
        parts.append(f"{name}={value}")
    return " ".join([flow, *parts])


def actor(flow: str, deployment: str | None) -> str:
    """Who a flow run is, as its run record names it: its flow and, when a schedule or a worker
    started it, its deployment.

    >>> actor("send_reminders", "daily"), actor("send_digests", None)
    ('prefect:send_reminders/daily', 'prefect:send_digests')
    """
    return f"prefect:{flow}/{deployment}" if deployment else f"prefect:{flow}"


def flow_actor(flow: str, given: str | None = None) -> str:
    """``given`` (the command that ran the flow says who it was), else the flow and deployment."""
    if given:
        return given
    from prefect.runtime import deployment

    return actor(flow, deployment.name)


def run_name(flow: str) -> Callable[[], str]:
    """For ``@flow(flow_run_name=...)``: names each run from the parameters it was given."""

    def name() -> str:
        from prefect.runtime import flow_run

        return describe(flow, flow_run.parameters, system_clock())

    return name
