"""`dunghan user token …`: personal keys to the JSON API, made for a person, listed, revoked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from cli.errors import report_errors
from cli.options import AtOption, FormatOption
from cli.output import Format, format_rows
from cli.user_commands import user_app
from rules.i18n import _

TOKEN_COLUMNS = [
    ("id", _("no.")),
    ("name", _("name")),
    ("created_at", _("created at")),
    ("created_by", _("created by")),
    ("last_used_at", _("last used")),
    ("revoked_at", _("revoked at")),
]


@report_errors
def token(
    email: Annotated[str, typer.Argument(help=_("The person's e-mail: the token acts as them."))],
    name: Annotated[str | None, typer.Option("--name", help=_("What the token is for (the program using it)."))] = None,
    by: Annotated[str | None, typer.Option("--by", help=_("Who makes it (for the audit trail)."))] = None,
    at: AtOption = None,
) -> None:
    from app import api_tokens
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    made = api_tokens.create_for(database(), email, name=name, at=clock_for(at)(), actor=current_actor(by))
    typer.echo(
        _("token {id} ({name}) for {email}; shown only this once:").format(
            id=made.id, name=made.name, email=email.strip().casefold()
        ),
        err=True,
    )
    typer.echo(made.secret)


@report_errors
def token_list(
    email: Annotated[str, typer.Argument(help=_("The person's e-mail."))],
    fmt: FormatOption = Format.table,
) -> None:
    import dataclasses

    from app import api_tokens
    from app.workspace import database
    from rules.calendar import VIETNAM

    rows = [
        {k: v.astimezone(VIETNAM) if isinstance(v, datetime) else v for k, v in dataclasses.asdict(t).items()}
        for t in api_tokens.tokens_for(database(reading=True), email)
    ]
    typer.echo(format_rows(rows, TOKEN_COLUMNS, fmt))


@report_errors
def token_revoke(
    email: Annotated[str, typer.Argument(help=_("The person's e-mail."))],
    token_id: Annotated[int, typer.Option("--id", help=_("The token's number (dunghan user token-list)."))],
    by: Annotated[str | None, typer.Option("--by", help=_("Who revokes it (for the audit trail)."))] = None,
    at: AtOption = None,
) -> None:
    from app import api_tokens
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    api_tokens.revoke_for(database(), email, token_id, at=clock_for(at)(), actor=current_actor(by))
    typer.echo(_("revoked token {id} of {email}").format(id=token_id, email=email.strip().casefold()))


def register(app: typer.Typer) -> None:
    """The commands join `dunghan user` (registered before this module)."""
    user_app.command(
        "token",
        help=_(
            "Make an API token for a person and print it, once: only its SHA-256 is kept. It has the\n"
            "person's role and scope, and stops working when revoked or when the person is disabled.\n"
            "\n"
            'Example: dunghan user token hoa@snv.bacninh.gov.vn --name "Bảng tổng hợp"'
        ),
    )(token)
    user_app.command(
        "token-list",
        help=_(
            "List a person's API tokens (never the secrets): live ones first.\n"
            "\n"
            "Example: dunghan user token-list hoa@snv.bacninh.gov.vn"
        ),
    )(token_list)
    user_app.command(
        "token-revoke",
        help=_(
            "Revoke one of a person's API tokens: it stops working at once.\n"
            "\n"
            "Example: dunghan user token-revoke hoa@snv.bacninh.gov.vn --id 3"
        ),
    )(token_revoke)
