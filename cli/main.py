"""The `dunghan` command: a thin shell over the library."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Annotated

import typer

from app import workspace
from cli import (
    activity_commands,
    calendar_commands,
    cycle_commands,
    db_commands,
    demo_command,
    indicator_commands,
    obligation_commands,
    occasion_commands,
    org_commands,
    remind_commands,
    rollup_commands,
    rules_commands,
    runs_command,
    serve_command,
    submissions_commands,
    supervision_commands,
    token_commands,
    user_commands,
)
from rules.errors import DEBUG_ENV, Interrupted
from rules.i18n import _

# Every command module registers itself the same way, in the order `dunghan --help` lists them.
COMMANDS = (
    demo_command,
    rules_commands,
    calendar_commands,
    org_commands,
    cycle_commands,
    submissions_commands,
    indicator_commands,
    activity_commands,
    db_commands,
    user_commands,
    token_commands,
    obligation_commands,
    occasion_commands,
    supervision_commands,
    remind_commands,
    rollup_commands,
    runs_command,
    serve_command,
)

app = typer.Typer(
    name="dunghan",
    help=_("dunghan (đúng hạn): deadlines, reminders and roll-ups for Vietnamese government reporting."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # hard-wrapped docstrings read as paragraphs
    add_completion=False,
)
for module in COMMANDS:
    module.register(app)


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help=_("Show the traceback of an error as well (as DUNGHAN_DEBUG=1 does)."))
    ] = False,
) -> None:
    if debug:
        os.environ[DEBUG_ENV] = "1"


INTERRUPTED_EXIT = 130  # as a shell reports a command stopped by SIGINT


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def main() -> None:
    """Run the command; Ctrl+C or SIGTERM stops it at once with exit 130, what it was writing
    rolled back (every write is one transaction) and its run recorded as stopped."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    workspace.announce = lambda text: typer.echo(f"dunghan: {text}", err=True)
    try:
        app(prog_name="dunghan")
    except Interrupted:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C does not cut the message short
        typer.echo(_("dunghan: stopped; what was being written is not saved, what was done is kept"), err=True)
        sys.exit(INTERRUPTED_EXIT)


if __name__ == "__main__":
    main()
