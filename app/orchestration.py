"""Running flows from the CLI: Prefect's ephemeral mode inside the data folder, or a real server.

Prefect reads its settings once, when it is first imported, so everything here happens before
that import. Without ``PREFECT_API_URL`` the flows run in Prefect's ephemeral mode: a temporary
API on 127.0.0.1 with its database in ``<data folder>/prefect``, analytics off, quiet logging.
With ``PREFECT_API_URL`` set, the same flows run against that server and show in its UI.

A door runs a use case as a flow through :func:`run_flow`, by the flow's name: the flow is
loaded from its entrypoint (as ``prefect.yaml`` names it for the deployments), so no door imports
the flows and commands that need no flow never load Prefect.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.settings import get_settings
from rules.errors import DunghanError

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
    """Point Prefect at the data folder (or the configured server) before anything imports it."""
    if "prefect" in sys.modules:
        return  # already imported (tests, a flow calling a flow): its settings are fixed
    added = prefect_environment(get_settings().home, dict(os.environ))
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
            args = [args[0], "-m", "app.parent_watch", *args[2:]]
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
            f"{exc.args[0]} (PREFECT_API_URL): start the Prefect server, or unset PREFECT_API_URL to run "
            "the flow in this process without one"
        ) from None


# The flows by name, as prefect.yaml's deployments name their entrypoints (a test keeps them equal).
FLOWS = {
    "plan_cycle": "flows/plan_cycle.py:plan_cycle",
    "send_reminders": "flows/send_reminders.py:send_reminders",
    "send_digests": "flows/send_digests.py:send_digests",
    "retry_notices": "flows/retry_notices.py:retry_notices",
    "rollup_action_month": "flows/rollup_action_month.py:rollup_action_month",
}


def run_flow(name: str, **parameters: Any) -> Any:
    """Run the flow ``name`` with ``parameters`` (ephemeral, or on the configured server) and
    return its result; a failed run raises the use case's own error."""
    path, function = FLOWS[name].split(":")
    with orchestration():
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        return getattr(module, function)(**parameters)
