"""Named errors of dunghan, carrying what was wrong as fields. Nothing here prints.

An error about something a person gave (a date, a pack, a reason) names that input as ``field``
and writes ``{field}`` where a sentence refers to it; one that points at what to do next (import
the tree first) names that ``action`` and writes ``{action}``. Each door words them: the CLI with
its flag (``--pack``) and its command (``dunghan org import``), the web pages with the label of
their form field and a link. ``str(error)`` names them plainly, for logs.
"""

from __future__ import annotations

from collections.abc import Callable

from rules.i18n import _

DEBUG_ENV = "DUNGHAN_DEBUG"  # 1: an error's traceback is shown above its sentence, at every door
FIELD = "{field}"
ACTION = "{action}"


class DunghanError(Exception):
    """Base of every error dunghan reports to a person.

    >>> error = DunghanError("choose with {field}", field="pack")
    >>> str(error), error.worded(lambda name: f"--{name}")
    ("choose with 'pack'", 'choose with --pack')
    """

    def __init__(self, message: str = "", *, field: str | None = None, action: str | None = None) -> None:
        super().__init__(message)
        self.template = message
        self.field = field
        self.action = action

    def worded(self, name: Callable[[str], str], act: Callable[[str], str] | None = None) -> str:
        """The sentence with the field named by ``name`` and the action by ``act`` (a door's words)."""
        text = self.template
        if self.field is not None:
            text = text.replace(FIELD, name(self.field))
        if self.action is not None:
            text = text.replace(ACTION, (act or repr)(self.action))
        return text

    def __str__(self) -> str:
        if self.field is None and self.action is None:
            return super().__str__()
        return self.worded(repr, repr)


class WordingError(DunghanError, ValueError):
    """A deadline's wording is not one of the accepted forms."""


class DeadlineError(DunghanError):
    """A deadline cannot be computed for a period (a missing parameter, an impossible date)."""


class MissingParameter(DeadlineError):
    def __init__(self, name: str, report: str) -> None:
        super().__init__(
            _(
                "report {report}: the deadline is set per cycle by the parameter {name!r}; "
                "give it as {field} {name}=YYYY-MM-DD"
            ).format(report=report, name=name, field=FIELD),
            field="param",
        )
        self.name = name


class PackNotFound(DunghanError):
    """A pack id or path names nothing."""


class PeriodError(DunghanError):
    """A period label or frequency that cannot be planned."""


class Interrupted(BaseException):
    """Ctrl+C or SIGTERM reached a command: it stops at once, what it was writing is rolled back.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` swallows it; not a
    KeyboardInterrupt, so that the command line's own handling of those does not word it.
    """
