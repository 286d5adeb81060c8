"""The `dunghan` command: a thin shell over the library."""

from __future__ import annotations

import typer

from cli import (
    activity_commands,
    calendar_commands,
    cycle_commands,
    db_commands,
    demo_command,
    indicator_commands,
    obligation_commands,
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
    supervision_commands,
    remind_commands,
    rollup_commands,
    runs_command,
    serve_command,
)

app = typer.Typer(
    name="dunghan",
    help="dunghan (đúng hạn): deadlines, reminders and roll-ups for Vietnamese government reporting.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # hard-wrapped docstrings read as paragraphs
    add_completion=False,
)
for module in COMMANDS:
    module.register(app)


def main() -> None:
    app(prog_name="dunghan")


if __name__ == "__main__":
    main()
