"""`dunghan serve`: the web pages on the configured database."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.errors import report_errors
from cli.options import AtOption

WEB_APP = "web.main:app_from_environment"  # the pages, as uvicorn builds them in each worker
CLOCK_ENV = "DUNGHAN_SERVE_AT"


def serve(
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (PostgreSQL: several).")] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips", help="Reverse proxies whose X-Forwarded-* headers are believed (comma-separated)."
        ),
    ] = "127.0.0.1",
    at: AtOption = None,
) -> None:
    """Serve the web pages for officers, reviewers, supervisors and admins.

    The database is created or migrated first, then the workers start. With --at the pages' clock
    starts at that instant and runs on (a replayed day, as after `dunghan demo --at`).

    Example: dunghan serve --port 8000
    """
    import uvicorn

    from app.workspace import database
    from rules.clock import parse_at

    if at is not None:
        os.environ[CLOCK_ENV] = parse_at(at).isoformat()
    else:
        os.environ.pop(CLOCK_ENV, None)
    database().dispose()  # migrated once here, before any worker opens it
    typer.echo(f"dunghan: trang web tại http://{host}:{port}/ (Ctrl+C để dừng)", err=True)
    uvicorn.run(
        WEB_APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="warning",
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(report_errors(serve))
