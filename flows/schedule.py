"""The schedule of ``prefect.yaml`` on one machine, served by Prefect's runner.

`dunghan serve` starts this module in a process of its own (``python -m flows.schedule``), with
``PREFECT_API_URL`` pointing at the Prefect API it started (its scheduler creates the runs). Each
deployment of ``prefect.yaml`` is registered as written there (its crons, time zone, parameters,
concurrency limit), without its work pool: the runner itself runs each flow run, in a child
process. A server (``PREFECT_API_URL`` set by the operator) never gets here: its workers run the
same deployments deployed with ``prefect deploy``.

Starting again after a stop loses nothing: registering a deployment again replaces its schedule,
and a scheduled time missed while nothing ran (the machine was off at 07:30) is caught up once,
at start, when it is less than a day old and its job has not run since; older ones are left to
the next run, which catches up by itself (the sweep sends the latest step due of each obligation).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from app import runs
from app.orchestration import Deployment, ScheduleEntry, cron_overrides, load_flow, scheduled_deployments
from app.workspace import database
from rules.clock import system_clock

log = logging.getLogger("dunghan.flows")
CATCH_UP_WITHIN = timedelta(days=1)


def last_fire(schedules: Iterable[ScheduleEntry], now: datetime) -> tuple[datetime, ScheduleEntry] | None:
    """The latest scheduled time at or before ``now`` within :data:`CATCH_UP_WITHIN`, and its schedule."""
    from prefect.server.schemas.schedules import CronSchedule

    found: list[tuple[datetime, ScheduleEntry]] = []
    for entry in schedules:
        cron = CronSchedule(cron=entry.cron, timezone=entry.timezone)
        for window in (timedelta(hours=1), CATCH_UP_WITHIN):  # the last hour first: at most 60 times to look at
            dates = asyncio.run(cron.get_dates(n=1000, start=now - window, end=now))
            if dates:
                found.append((max(dates), entry))
                break
    return max(found, key=lambda pair: pair[0]) if found else None


def missed(
    deployments: Iterable[Deployment], now: datetime, started: Mapping[str, datetime]
) -> list[tuple[Deployment, ScheduleEntry]]:
    """The deployments whose latest scheduled time (within a day) has no run of their job since;
    ``started``: when each flow's job last started a run (dunghan's record of runs, whoever ran
    it: the schedule or a command).

    >>> from app.orchestration import scheduled_deployments
    >>> from rules.clock import parse_at
    >>> daily = [d for d in scheduled_deployments() if d.name == "daily"]
    >>> [d.name for d, _ in missed(daily, parse_at("2026-12-22T09:00"), {})]
    ['daily']
    >>> missed(daily, parse_at("2026-12-22T09:00"), {"send_reminders": parse_at("2026-12-22T07:31")})
    []
    >>> missed(daily, parse_at("2026-12-22T07:00"), {"send_reminders": parse_at("2026-12-20T07:31")})[0][1].slug
    'daily-sweep'
    >>> quick = scheduled_deployments(overrides={"daily-sweep": "* * * * *"})
    >>> last_fire(next(d for d in quick if d.name == "daily").schedules, parse_at("2026-12-22T09:00:30"))[0].isoformat()
    '2026-12-22T09:00:00+07:00'
    """
    found = []
    for deployment in deployments:
        fire = last_fire(deployment.schedules, now)
        if fire is None:
            continue
        when, entry = fire
        last = started.get(deployment.flow_name)
        if last is None or last < when:
            found.append((deployment, entry))
    return found


def runner_deployment(deployment: Deployment) -> Any:
    """The deployment as Prefect's runner serves it: the flow of its entrypoint, its schedules."""
    from prefect.schedules import Cron

    flow = load_flow(deployment.entrypoint)
    return flow.to_deployment(
        name=deployment.name,
        description=deployment.description,
        tags=deployment.tags,
        parameters=deployment.parameters,
        concurrency_limit=deployment.concurrency_limit,
        schedules=[
            Cron(s.cron, timezone=s.timezone, slug=s.slug or None, parameters=s.parameters)
            for s in deployment.schedules
        ],
    )


def _runner() -> Any:
    from prefect.runner import Runner

    class StoppedBySigterm(Runner):
        """Prefect's runner, stopped by SIGTERM as by Ctrl+C: the run loop is cancelled and the
        runner's exit ends the flow runs in progress (Prefect's own handler calls an async stop
        from the signal handler, which never runs)."""

        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            signal.raise_signal(signal.SIGINT)

    return StoppedBySigterm(name="dunghan", pause_on_shutdown=False)


def serve() -> None:
    """Register every deployment, catch up what was missed, and run the schedule until stopped."""
    from prefect.client.orchestration import get_client

    deployments = scheduled_deployments(overrides=cron_overrides(os.environ))
    runner = _runner()
    ids = {d.name: runner.add_deployment(runner_deployment(d)) for d in deployments}
    late = missed(deployments, system_clock(), runs.last_started(database()))
    if late:
        with get_client(sync_client=True) as client:
            for deployment, entry in late:
                client.create_flow_run_from_deployment(ids[deployment.name], parameters=entry.parameters)
                log.warning(
                    "catching up %s/%s, missed at its last scheduled time", deployment.flow_name, deployment.name
                )
    with contextlib.suppress(KeyboardInterrupt):  # SIGINT, or SIGTERM made one: the runner has stopped
        asyncio.run(runner.start())


if __name__ == "__main__":
    serve()
