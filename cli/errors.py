"""Named errors become one sentence on stderr and an exit code, at the edge and nowhere else."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from rules.errors import DEBUG_ENV, DunghanError
from rules.i18n import _

P = ParamSpec("P")
R = TypeVar("R")


def database_failure(exc: BaseException) -> str | None:
    """The sentence for a database that failed under a command (PostgreSQL stopped, the disk is
    full), or None when ``exc`` is something else. Only the driver's first line is kept: the
    statement is left out, and its parameters are never in the text (``hide_parameters``)."""
    if "sqlalchemy" not in sys.modules:  # never loaded, so not one of its errors
        return None
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError):
        return None  # anything else is a fault of ours: its traceback is wanted
    reason = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
    return _("the database stopped answering: {reason}; what was being written was not saved; try again later").format(
        reason=reason
    )


def flag(field: str) -> str:
    """How the CLI names an input that an error points at: its option."""
    return f"--{field.replace('_', '-')}"


def command(action: str) -> str:
    """How the CLI names what to do next: its command."""
    return f"dunghan {action}"


def worded(exc: DunghanError) -> str:
    """The CLI's words for an error: the input it points at as this door's flag, what to do
    next as its command."""
    return exc.worded(flag, command)


def report_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command: a :class:`DunghanError` prints ``dunghan: …`` and exits 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except DunghanError as exc:
            from rules.loader import PackLoadError  # loaded already whenever one was raised

            if isinstance(exc, PackLoadError):
                for finding in exc.findings:
                    typer.echo(str(finding), err=True)
                summary = _("{count} error(s) in rule packs; nothing was done").format(count=len(exc.findings))
                typer.echo(f"dunghan: {summary}", err=True)
                raise typer.Exit(1) from None
            if os.environ.get(DEBUG_ENV) == "1":
                traceback.print_exc()
            typer.echo(f"dunghan: {worded(exc)}", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            if (sentence := database_failure(exc)) is None:
                raise
            if os.environ.get(DEBUG_ENV) == "1":
                traceback.print_exc()
            typer.echo(f"dunghan: {sentence}", err=True)
            raise typer.Exit(1) from None

    return wrapper
