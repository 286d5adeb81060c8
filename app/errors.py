"""Named errors become one sentence on stderr and an exit code, at the edge and nowhere else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from rules.errors import DunghanError

P = ParamSpec("P")
R = TypeVar("R")


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
                typer.echo(f"dunghan: {len(exc.findings)} error(s) in rule packs; nothing was done", err=True)
                raise typer.Exit(1) from None
            typer.echo(f"dunghan: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper
