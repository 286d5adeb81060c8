"""`dunghan user …`: the people who log in to the web pages."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from cli.errors import report_errors
from cli.options import AtOption, FormatOption
from cli.output import Format, format_rows
from rules.i18n import _

user_app = typer.Typer(help=_("People who log in: add, list, disable, a new link."), no_args_is_help=True)

USER_COLUMNS = [
    ("email", "e-mail"),
    ("name", _("full name")),
    ("role", _("role")),
    ("unit_code", _("unit code")),
    ("unit_name", _("unit")),
    ("active", _("active")),
    ("has_password", _("password set")),
]


class Role(StrEnum):
    officer = "officer"
    reviewer = "reviewer"
    supervisor = "supervisor"
    admin = "admin"


@user_app.command(
    "add",
    help=_(
        "Add a person who logs in. Without --password-stdin, print a one-time link (valid 72 hours)\n"
        "for them to set their password.\n"
        "\n"
        'Example: dunghan user add hoa@snv.bacninh.gov.vn --name "Nguyễn Thị Hoa" --role reviewer --unit 24-SNV'
    ),
)
@report_errors
def add(
    email: Annotated[str, typer.Argument(help=_("The person's e-mail: their login."))],
    name: Annotated[str, typer.Option("--name", help=_("Their full name."))],
    role: Annotated[Role, typer.Option("--role", help=_("officer, reviewer, supervisor or admin."))],
    unit: Annotated[str, typer.Option("--unit", help=_("The unit (code, held today) whose scope they act in."))],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help=_("Read the password from standard input (one line)."))
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help=_("Who adds them (for the audit trail)."))] = None,
    at: AtOption = None,
) -> None:
    from app import users
    from app.settings import get_settings
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    added = users.add_user(
        database(),
        email=email,
        name=name,
        role=role.value,
        unit=unit,
        at=clock_for(at)(),
        actor=current_actor(by),
        password=password,
        link_base=get_settings().link_base,
    )
    typer.echo(
        _("added {email} ({role}, {unit})").format(
            email=email.strip().casefold(), role=role.value, unit=added.unit_name
        )
    )
    if added.link:
        typer.echo(_("one-time link to set the password (valid 72 hours): {link}").format(link=added.link))


@user_app.command(
    "link",
    help=_(
        "Print a new one-time link to set the password (the earlier links stop working).\n"
        "\n"
        "Example: dunghan user link hoa@snv.bacninh.gov.vn"
    ),
)
@report_errors
def link(
    email: Annotated[str, typer.Argument(help=_("The person's e-mail."))],
    at: AtOption = None,
) -> None:
    from app import users
    from app.settings import get_settings
    from app.workspace import database
    from rules.clock import clock_for

    typer.echo(users.new_link(database(), email, at=clock_for(at)(), link_base=get_settings().link_base))


@user_app.command("list", help=_("List the people who log in.\n\nExample: dunghan user list --format json"))
@report_errors
def list_(fmt: FormatOption = Format.table) -> None:
    import dataclasses

    from app import users
    from app.workspace import database

    rows = [dataclasses.asdict(u) for u in users.listing(database(reading=True))]
    typer.echo(format_rows(rows, USER_COLUMNS, fmt))


@user_app.command(
    "disable",
    help=_(
        "Disable a person: they can no longer log in (their history stays).\n"
        "\n"
        "Example: dunghan user disable hoa@snv.bacninh.gov.vn"
    ),
)
@report_errors
def disable(
    email: Annotated[str, typer.Argument(help=_("The person's e-mail."))],
    by: Annotated[str | None, typer.Option("--by", help=_("Who disables them (for the audit trail)."))] = None,
    at: AtOption = None,
) -> None:
    from app import users
    from app.workspace import current_actor, database
    from rules.clock import clock_for

    users.disable(database(), email, at=clock_for(at)(), actor=current_actor(by))
    typer.echo(_("disabled {email}").format(email=email.strip().casefold()))


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
