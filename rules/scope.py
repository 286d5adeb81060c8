"""Where a question is asked: a unit's subtree (a code, resolved on a date) or, said on purpose,
the whole country. Every query a door can reach takes one; none means "everywhere" by default.
"""

from __future__ import annotations

from typing import Final


class Everywhere:
    """The whole country: every unit, in every regime the question's dates reach."""

    _instance: Everywhere | None = None

    def __new__(cls) -> Everywhere:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "EVERYWHERE"


EVERYWHERE: Final = Everywhere()


def under_or_everywhere(code: str | None) -> str | Everywhere:
    """A door's optional unit code as a scope: the code, or the whole country when none was given.

    >>> under_or_everywhere("24"), under_or_everywhere(None)
    ('24', EVERYWHERE)
    """
    return code if code else EVERYWHERE
