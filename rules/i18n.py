"""The words a person reads, in their language: Vietnamese unless ``DUNGHAN_LANG=en`` asks for English.

Messages are written in the code in English and marked ``_("…")``; the gettext catalogs under
``rules/locale/`` give them in Vietnamese (``scripts/i18n.py`` extracts them with Babel, checks
that every one is translated and compiles them). A message with values names them in braces and
is filled after translation, so that a translation may put them where its grammar wants them::

    raise PackNotFound(_("no pack {name!r}").format(name=name))

The language is read from the environment when a message is translated, so a test may switch it;
a message kept in a module-level constant is translated once, when its module is imported.
"""

from __future__ import annotations

import functools
import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

LANGUAGE_ENV = "DUNGHAN_LANG"
DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")  # en: the messages as written in the code
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "dunghan"
LIBRARY_DOMAIN = "messages"  # the domain click and Typer translate their own words in
_SPOKEN: ContextVar[str | None] = ContextVar("spoken", default=None)


def language() -> str:
    """The language messages are given in: ``DUNGHAN_LANG`` if it names one we have, else Vietnamese
    (inside :func:`speaking`, the language it names)."""
    spoken = _SPOKEN.get()
    if spoken is not None:
        return spoken
    wanted = os.environ.get(LANGUAGE_ENV, "").strip().lower().replace("_", "-").split("-")[0]
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block, whatever the reader's: for text kept for people who
    read it later (a deadline's note stored with an obligation is kept in Vietnamese).

    >>> with speaking("en"):
    ...     language()
    'en'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"no language {lang!r}: one of {', '.join(LANGUAGES)}")
    token = _SPOKEN.set(lang)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


@functools.cache
def catalog(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The compiled catalog of ``domain`` for ``lang``; English is the messages as written."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` in the reader's language."""
    return catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` things, in the reader's language (Vietnamese has one)."""
    return catalog(language()).ngettext(singular, plural, count)


def for_libraries() -> None:
    """Have click and Typer (which translate through the standard ``gettext`` module) speak the
    reader's language: call before importing them, since Typer words its panels at import."""
    lang = language()
    gettext.bindtextdomain(LIBRARY_DOMAIN, LOCALE_DIR)
    # gettext chooses by LANGUAGE first; the command's own language wins over the shell's.
    os.environ["LANGUAGE"] = lang
