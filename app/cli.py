"""The `dunghan` command: a thin shell over the library."""

from __future__ import annotations

import typer

from app import demo_command, obligation_commands, remind_commands, rollup_commands, supervision_commands
from app.activity_commands import activity_app
from app.calendar_commands import calendar_app
from app.cycle_commands import cycle_app
from app.db_commands import db_app
from app.indicator_commands import indicators_app
from app.org_commands import org_app
from app.rules_commands import rules_app
from app.submissions_commands import submissions_app

app = typer.Typer(
    name="dunghan",
    help="dunghan (đúng hạn): deadlines, reminders and roll-ups for Vietnamese government reporting.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # hard-wrapped docstrings read as paragraphs
    add_completion=False,
)
demo_command.register(app)
app.add_typer(rules_app, name="rules")
app.add_typer(calendar_app, name="calendar")
app.add_typer(org_app, name="org")
app.add_typer(cycle_app, name="cycle")
app.add_typer(submissions_app, name="submissions")
app.add_typer(indicators_app, name="indicators")
app.add_typer(activity_app, name="activity")
app.add_typer(db_app, name="db")
obligation_commands.register(app)
supervision_commands.register(app)
remind_commands.register(app)
rollup_commands.register(app)


def main() -> None:
    app(prog_name="dunghan")


if __name__ == "__main__":
    main()
