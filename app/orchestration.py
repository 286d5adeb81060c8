"""Running the jobs: directly, as flows (ephemeral or on a server), and on the schedule.

A command runs a job through :func:`run_job`. Without ``PREFECT_API_URL`` the job's function in
:mod:`app.runs` is called directly: no Prefect, an answer in about a second, the run recorded in
dunghan's database. With ``PREFECT_API_URL`` set (or ``--via-prefect``) the job's flow runs
instead, through :func:`run_flow`, against that server (shown in its UI) or, without one, against
the API of a running ``dunghan serve`` or Prefect's ephemeral mode: a temporary API on 127.0.0.1
with its database in ``<data folder>/prefect``, analytics off, quiet logging. Prefect reads its
settings once, when it is first imported, so that preparation happens before the import.

A flow is loaded from its entrypoint (as ``prefect.yaml`` names it for the deployments), so no
door imports the flows and commands that need no flow never load Prefect.

``dunghan serve`` keeps the schedule on one machine (:class:`Supervisor`): it starts a Prefect
API of its own (with its scheduler, its database in ``<data folder>/prefect``), Prefect's runner
serving the deployments of ``prefect.yaml`` with their crons and time zone
(``python -m flows.schedule``), and the web pages; each a child process in a process group of its
own, all stopped together.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.parent_watch import watched
from app.settings import get_settings
from rules.errors import DEBUG_ENV, DunghanError
from rules.i18n import _

# Set only where the environment says nothing: an operator's own values always win.
QUIET_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The temporary API takes 7-15 s to start on a small machine; Prefect's default gives up at 20.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def prefect_environment(home: Path, environ: dict[str, str]) -> dict[str, str]:
    """The variables to add to ``environ`` before Prefect is imported.

    >>> prefect_environment(Path("/data"), {})["PREFECT_HOME"]
    '/data/prefect'
    >>> "PREFECT_HOME" in prefect_environment(Path("/data"), {"PREFECT_API_URL": "http://127.0.0.1:4200/api"})
    False
    >>> prefect_environment(Path("/data"), {"PREFECT_LOGGING_LEVEL": "INFO"}).get("PREFECT_LOGGING_LEVEL")
    """
    added = {name: value for name, value in QUIET_DEFAULTS.items() if name not in environ}
    if not environ.get("PREFECT_API_URL") and "PREFECT_HOME" not in environ:
        added["PREFECT_HOME"] = str(home / "prefect")
    return added


def prepare_prefect() -> None:
    """Point Prefect at the data folder (or the configured server, or the API of a running
    ``dunghan serve`` on this data folder) before anything imports it."""
    if "prefect" in sys.modules:
        return  # already imported (tests, a flow calling a flow): its settings are fixed
    home = get_settings().home
    added = prefect_environment(home, dict(os.environ))
    if not os.environ.get("PREFECT_API_URL") and (url := serving_api(home)):
        added["PREFECT_API_URL"] = url  # runs show beside the schedule's; no temporary API to start
    os.environ.update(added)
    if "PREFECT_HOME" in added:
        Path(added["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)


def watch_ephemeral_server() -> None:
    """Make Prefect's temporary API a child that ends with this process, ``kill -9`` included.

    Prefect starts it with ``python -m uvicorn …`` (``SubprocessASGIServer``, Prefect 3.8);
    the same command goes through :mod:`app.parent_watch`, which ends it once its parent is gone.
    """
    import subprocess
    import types

    from prefect.server.api import server as prefect_server

    if getattr(prefect_server, "_dunghan_watched", False):
        return

    def popen(args: list[str], **options: Any) -> subprocess.Popen[Any]:
        if args[1:3] == ["-m", "uvicorn"]:
            args = watched(*args[2:])
        return subprocess.Popen(args, **options)

    prefect_server.subprocess = types.SimpleNamespace(  # type: ignore[assignment,attr-defined]
        Popen=popen, TimeoutExpired=subprocess.TimeoutExpired, PIPE=subprocess.PIPE
    )
    prefect_server._dunghan_watched = True  # type: ignore[attr-defined]


@contextmanager
def orchestration() -> Iterator[None]:
    """Prepare Prefect, run what the block runs, and turn an unreachable server into a sentence."""
    prepare_prefect()
    if not os.environ.get("PREFECT_API_URL"):
        watch_ephemeral_server()
    try:
        yield
    except RuntimeError as exc:
        if not str(exc).startswith("Failed to reach API"):
            raise
        raise DunghanError(
            _(
                "{reason} (PREFECT_API_URL): start the Prefect server, or unset PREFECT_API_URL to run "
                "the command without Prefect"
            ).format(reason=exc.args[0])
        ) from None


# The flows by name, as prefect.yaml's deployments name their entrypoints (a test keeps them equal).
FLOWS = {
    "plan_cycle": "flows/plan_cycle.py:plan_cycle",
    "send_reminders": "flows/send_reminders.py:send_reminders",
    "send_digests": "flows/send_digests.py:send_digests",
    "retry_notices": "flows/retry_notices.py:retry_notices",
    "rollup_action_month": "flows/rollup_action_month.py:rollup_action_month",
}


def load_flow(entrypoint: str) -> Any:
    """The flow an entrypoint names (``flows/send_reminders.py:send_reminders``), imported as a module."""
    path, function = entrypoint.split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, function)


# Who reports a failed run on the console: Prefect's task and flow engines, and our failure hook.
FAILURE_LOGGERS = ("prefect.task_runs", "prefect.flow_runs", "dunghan.flows")


class _FailureToTheCaller(logging.Filter):
    """Keeps a failed run's log lines (a traceback each) off the console: the error itself goes
    up to the command, which says it in one line; Prefect's API and the run's state keep them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.WARNING and record.name.startswith(FAILURE_LOGGERS))


@contextmanager
def failures_to_the_caller() -> Iterator[None]:
    """While a command runs a flow: its failure reaches the person once, as the command's sentence
    (``DUNGHAN_DEBUG=1`` keeps Prefect's lines and tracebacks)."""
    if os.environ.get(DEBUG_ENV) == "1":
        yield
        return
    console = [
        handler
        for logger in (logging.getLogger(), logging.getLogger("prefect"), logging.getLogger("dunghan"))
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
    ]
    quiet = _FailureToTheCaller()
    for handler in console:
        handler.addFilter(quiet)
    try:
        yield
    finally:
        for handler in console:
            handler.removeFilter(quiet)


def run_flow(name: str, **parameters: Any) -> Any:
    """Run the flow ``name`` with ``parameters`` (ephemeral, or on the configured server) and
    return its result; a failed run raises the use case's own error, said once by the caller."""
    with orchestration():
        flow = load_flow(FLOWS[name])  # importing Prefect sets up its console handlers
        with failures_to_the_caller():
            return flow(**parameters)


def via_prefect(forced: bool = False) -> bool:
    """Whether a command runs its job as a flow: ``--via-prefect``, or a server is configured."""
    return forced or bool(os.environ.get("PREFECT_API_URL"))


def run_job(name: str, *, forced: bool = False, **parameters: Any) -> Any:
    """Run the job ``name`` (a flow's name) with the flow's ``parameters``: as that flow when
    :func:`via_prefect` says so, else by calling its function in :mod:`app.runs` directly (the
    one the flow calls); either way the run is recorded. Returns what the flow returns."""
    if via_prefect(forced):
        return run_flow(name, **parameters)
    from app import runs
    from app.workspace import database

    if name == "plan_cycle":
        return runs.plan_cycle(database(), **parameters)
    job = {"send_reminders": runs.send_reminders, "send_digests": runs.send_digests}[name]
    return job(database(), get_settings(), **parameters)


# The schedule on one machine: `dunghan serve`.

PREFECT_YAML = Path(__file__).resolve().parents[1] / "prefect.yaml"
SERVE_API_FILE = "serve-api.json"  # in <data folder>/prefect: where the running serve's API is
# For tests only: cron strings replacing those of prefect.yaml, by schedule slug, as JSON
# ({"daily-sweep": "* * * * *"}), so that a test sees the schedule fire within a minute.
CRON_OVERRIDE_ENV = "DUNGHAN_SERVE_CRON"


@dataclass(frozen=True)
class ScheduleEntry:
    cron: str
    timezone: str
    slug: str
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Deployment:
    """A deployment of ``prefect.yaml``, as `dunghan serve` serves it (its work pool left aside)."""

    name: str
    entrypoint: str
    description: str
    tags: list[str]
    parameters: dict[str, Any]
    concurrency_limit: int | None
    schedules: list[ScheduleEntry]

    @property
    def flow_name(self) -> str:
        return self.entrypoint.rsplit(":", 1)[1]


def cron_overrides(environ: Mapping[str, str]) -> dict[str, str]:
    """The test-only cron overrides (:data:`CRON_OVERRIDE_ENV`), by slug.

    >>> cron_overrides({"DUNGHAN_SERVE_CRON": '{"daily-sweep": "* * * * *"}'})
    {'daily-sweep': '* * * * *'}
    """
    text = environ.get(CRON_OVERRIDE_ENV)
    if not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise DunghanError(
            _('{variable}: expected a JSON object of crons by slug, {{"daily-sweep": "* * * * *"}}').format(
                variable=CRON_OVERRIDE_ENV
            )
        )
    return {str(k): v for k, v in found.items()}


def scheduled_deployments(path: Path = PREFECT_YAML, overrides: Mapping[str, str] | None = None) -> list[Deployment]:
    """The deployments of ``prefect.yaml`` with their schedules (crons, time zone, parameters),
    read from the file itself so that `dunghan serve` and a Prefect server keep one schedule.

    >>> daily = next(d for d in scheduled_deployments() if d.name == "daily")
    >>> daily.flow_name, [(s.cron, s.timezone, s.slug) for s in daily.schedules]
    ('send_reminders', [('30 7 * * *', 'Asia/Ho_Chi_Minh', 'daily-sweep')])
    """
    import yaml

    overrides = dict(overrides or {})
    try:
        written = yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise DunghanError(
            _("cannot read the deployments of {path} ({error}): run dunghan from its source folder").format(
                path=path, error=type(exc).__name__
            )
        ) from None
    found = []
    for entry in written:
        schedules = [
            ScheduleEntry(
                cron=overrides.get(s.get("slug", ""), s["cron"]),
                timezone=s.get("timezone", "Asia/Ho_Chi_Minh"),
                slug=s.get("slug", ""),
                parameters=dict(s.get("parameters") or {}),
            )
            for s in entry.get("schedules") or []
        ]
        found.append(
            Deployment(
                name=entry["name"],
                entrypoint=entry["entrypoint"],
                description=entry.get("description", ""),
                tags=list(entry.get("tags") or []),
                parameters=dict(entry.get("parameters") or {}),
                concurrency_limit=entry.get("concurrency_limit"),
                schedules=schedules,
            )
        )
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(api_url: str, timeout: float = 1.0) -> bool:
    """Whether the Prefect API at ``api_url`` answers its health check."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serving_api(home: Path) -> str | None:
    """The API of a `dunghan serve` running on the data folder ``home``, if one answers."""
    try:
        found = json.loads((home / "prefect" / SERVE_API_FILE).read_text(encoding="utf-8"))
        url, pid = str(found["url"]), int(found["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if _alive(pid) and healthy(url, timeout=0.5) else None


def prefect_api_command(port: int) -> list[str]:
    """Prefect's API with its services (the scheduler above all), as `prefect server start` runs
    it, on 127.0.0.1; a child that ends with its parent (:mod:`app.parent_watch`)."""
    return watched(
        "uvicorn",
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    )


def schedule_command() -> list[str]:
    """Prefect's runner serving the deployments (:mod:`flows.schedule`)."""
    return watched("flows.schedule")


def web_command(*, host: str, port: int, workers: int, forwarded_allow_ips: str) -> list[str]:
    """The web pages: uvicorn's workers on a socket bound by ``web.serve`` (so that keep-alive
    answers are not held back by Nagle's algorithm when there are several workers)."""
    return watched(
        "web.serve",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--forwarded-allow-ips",
        forwarded_allow_ips,
    )


class Stopped(Exception):
    """SIGINT or SIGTERM reached `dunghan serve`."""


class ChildEnded(DunghanError):
    """A part of `dunghan serve` ended on its own."""


@dataclass
class Child:
    name: str  # as people read it: "the web pages", "the Prefect API", "the schedule"
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # A process group of its own: stopping it reaches what it started (uvicorn's workers,
        # the runner's flow runs), and a Ctrl+C in the terminal reaches only the supervisor.
        self.process = subprocess.Popen(self.command, env=self.env, process_group=0)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)


@dataclass
class Supervisor:
    """Starts the parts of `dunghan serve` and stops them all together.

    The web pages start at once; the Prefect API starts beside them, and once it answers, the
    runner that serves the schedule. SIGINT (Ctrl+C) or SIGTERM stops everything: the runner and
    the pages first, then the API; what has not ended after :attr:`grace` seconds is killed,
    with everything in its process group.
    """

    home: Path
    say: Callable[[str], None]
    web: list[str] | None = None
    schedule: bool = False
    grace: float = 5.0
    api_timeout: float = 180.0
    children: list[Child] = field(default_factory=list)
    api_url: str | None = None

    def _environment(self, **extra: str) -> dict[str, str]:
        """This process's environment with Prefect's quiet defaults and its home in the data
        folder, and ``extra``; the only API a part is given is the one started here."""
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        return {**env, **prefect_environment(self.home, env), **extra}

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> Child:
        child = Child(name, command, env)
        child.start()
        self.children.append(child)
        return child

    def _watch(self) -> None:
        for child in self.children:
            if not child.running:
                code = child.process.returncode if child.process else None
                raise ChildEnded(
                    _("{part} stopped (exit code {code}); stopping the rest of dunghan serve").format(
                        part=child.name, code=code
                    )
                )

    def _wait_for_api(self, url: str) -> None:
        deadline = time.monotonic() + self.api_timeout
        while not healthy(url, timeout=1.0):
            self._watch()
            if time.monotonic() > deadline:
                raise ChildEnded(
                    _("the Prefect API did not answer within {seconds:.0f} seconds; stopping dunghan serve").format(
                        seconds=self.api_timeout
                    )
                )
            time.sleep(0.3)

    def _api_file(self) -> Path:
        return self.home / "prefect" / SERVE_API_FILE

    def run(self) -> None:
        """Start everything and wait; returns once stopped by a signal, raises :class:`ChildEnded`
        when a part ended on its own (after stopping the others)."""

        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            if not stopping:  # a second signal (Ctrl+C twice, systemd and a terminal) changes nothing
                stopping = True
                raise Stopped

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if self.web:
                self._start(_("the web pages"), self.web, self._environment())
            if self.schedule:
                (self.home / "prefect").mkdir(parents=True, exist_ok=True)
                port = free_port()
                url = f"http://127.0.0.1:{port}/api"
                env = self._environment(PREFECT__SERVER_FINAL="1")
                env.setdefault("PREFECT_UI_ENABLED", "false")
                self._start(_("the Prefect API"), prefect_api_command(port), env)
                self._wait_for_api(url)
                self.api_url = url
                self._api_file().write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
                self._start(_("the schedule"), schedule_command(), self._environment(PREFECT_API_URL=url))
                self.say(
                    _("dunghan: the schedule of prefect.yaml runs (Vietnam time), the Prefect API at {url}").format(
                        url=url
                    )
                )
            while True:
                self._watch()
                time.sleep(0.5)
        except Stopped:
            pass
        finally:
            # Stopping is not cut short by a second Ctrl+C or SIGTERM (systemd's SIGKILL ends it anyway).
            for sig in previous:
                signal.signal(sig, signal.SIG_IGN)
            try:
                self.stop()
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    def stop(self) -> None:
        """Stop every part: SIGTERM (the runner and the pages first, then the API), then SIGKILL
        for whatever is still there after :attr:`grace` seconds, each with its process group."""
        if self.api_url:
            self._api_file().unlink(missing_ok=True)
        deadline = time.monotonic() + self.grace
        api = [c for c in self.children if c.name == _("the Prefect API")]
        first = [c for c in self.children if c not in api]
        for child in first:
            child.signal(signal.SIGTERM)
        _wait(first, min(deadline, time.monotonic() + self.grace / 2))
        for child in api:
            child.signal(signal.SIGTERM)
        _wait(self.children, deadline)
        for child in self.children:
            child.signal(signal.SIGKILL)  # the group: also what a part left behind
        _wait(self.children, time.monotonic() + 5)


def _wait(children: Sequence[Child], deadline: float) -> None:
    for child in children:
        if child.process is None:
            continue
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
