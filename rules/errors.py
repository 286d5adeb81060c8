"""Named errors of the rule engine. The CLI turns each into one sentence; nothing here prints."""

from __future__ import annotations


class DunghanError(Exception):
    """Base of every error dunghan reports to a person."""


class WordingError(DunghanError, ValueError):
    """A deadline's wording is not one of the accepted forms."""


class DeadlineError(DunghanError):
    """A deadline cannot be computed for a period (a missing parameter, an impossible date)."""


class MissingParameter(DeadlineError):
    def __init__(self, name: str, report: str) -> None:
        super().__init__(
            f"report {report}: the deadline is set per cycle by the parameter {name!r}; "
            f"give it as --param {name}=YYYY-MM-DD"
        )
        self.name = name


class PackNotFound(DunghanError):
    """A pack id or path names nothing."""


class PeriodError(DunghanError):
    """A period label or frequency that cannot be planned."""
