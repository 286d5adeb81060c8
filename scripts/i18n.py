"""The gettext catalogs: extract the marked messages with Babel, keep the Vietnamese ones current,
compile them, and check that nothing a person reads is left untranslated.

    python -m uv run python scripts/i18n.py update    # add new messages to each package's .po, drop gone ones
    python -m uv run python scripts/i18n.py compile   # write the .mo files dunghan reads
    python -m uv run python scripts/i18n.py check     # exit 1 on a message without translation or a stale .mo

One catalog per package (``rules/locale/vi/<package>.po``), compiled together into the ``dunghan``
domain; ``libraries.po`` holds click's and Typer's words (their ``messages`` domain).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import typer
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "rules" / "locale"
LANG = "vi"
PACKAGES = ("rules", "models", "notifications", "reports", "app", "cli", "web", "flows")
LIBRARIES = {"click": Path(click.__file__).parent, "typer": Path(typer.__file__).parent}
KEYWORDS = {"_": None, "ngettext": (1, 2)}
# Marked inside an f-string, where Babel does not look: click's usage line.
LIBRARY_EXTRAS = {"Usage:": ("click/formatting.py", 156)}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_.]*)?(![rsa])?(:[^{}]*)?\}(?!\})")


@dataclass(frozen=True)
class Source:
    """Where one catalog's messages come from and the domain they are compiled into."""

    name: str
    folders: tuple[Path, ...]
    domain: str

    @property
    def po(self) -> Path:
        return LOCALE / LANG / f"{self.name}.po"


SOURCES = (
    *(Source(package, (ROOT / package,), "dunghan") for package in PACKAGES),
    Source("libraries", tuple(LIBRARIES.values()), "messages"),
)


def extracted(source: Source) -> dict[str | tuple[str, str], list[tuple[str, int]]]:
    """Each message marked in ``source``'s code (a plural as its two forms), with where it is."""
    found: dict[str | tuple[str, str], list[tuple[str, int]]] = {}
    for folder in source.folders:
        for filename, line, message, _comments, _context in extract_from_dir(
            folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                key: str | tuple[str, str] = (message[0], message[1])
            else:
                key = message
            if not key:
                continue
            where = str(Path(folder.name) / filename) if source.name == "libraries" else f"{folder.name}/{filename}"
            found.setdefault(key, []).append((where, line))
    if source.name == "libraries":
        for message, place in LIBRARY_EXTRAS.items():
            found.setdefault(message, []).append(place)
    return found


def new_catalog(source: Source) -> Catalog:
    catalog = Catalog(locale=LANG, domain=source.domain, project="dunghan", version="", fuzzy=False)
    catalog.language_team = "dunghan"
    catalog.last_translator = "dunghan"
    return catalog


def read(source: Source) -> Catalog:
    if not source.po.exists():
        return new_catalog(source)
    with source.po.open("rb") as handle:
        return read_po(handle, locale=LANG, domain=source.domain)


def write(source: Source, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=True, ignore_obsolete=True, include_lineno=False)
    text = buffer.getvalue().decode()
    # The dates Babel stamps would change the file on every run: keep it about its messages.
    text = re.sub(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', "", text, flags=re.MULTILINE)
    source.po.parent.mkdir(parents=True, exist_ok=True)
    source.po.write_text(text, encoding="utf-8")


def chosen(only: list[str] | None) -> tuple[Source, ...]:
    return tuple(source for source in SOURCES if not only or source.name in only)


def update(only: list[str] | None = None) -> None:
    """Add each new message to its catalog untranslated and drop the ones the code no longer has."""
    for source in chosen(only):
        old = read(source)
        fresh = new_catalog(source)
        for key, places in extracted(source).items():
            known = old.get(key[0] if isinstance(key, tuple) else key)
            empty: str | tuple[str, str] = ("", "") if isinstance(key, tuple) else ""
            string = known.string if known is not None and known.string else empty
            fresh.add(key, string, locations=sorted(set(places)))
        write(source, fresh)
        print(f"{source.po.relative_to(ROOT)}: {len(fresh)} messages")


def merged(domain: str) -> Catalog:
    """Every catalog of ``domain`` in one (a message marked in two packages has one translation)."""
    # Dated once and for all: the compiled file changes only when a translation does.
    whole = Catalog(
        locale=LANG, domain=domain, project="dunghan", version="", creation_date=FIXED_DATE, revision_date=FIXED_DATE
    )
    whole.mime_headers = [("Plural-Forms", "nplurals=1; plural=0;")]
    for source in SOURCES:
        if source.domain != domain:
            continue
        for message in read(source):
            if message.id and message.string:
                whole[message.id] = Message(message.id, message.string)
    return whole


def compiled(domain: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, merged(domain), use_fuzzy=False)
    return buffer.getvalue()


def mo_path(domain: str) -> Path:
    return LOCALE / LANG / "LC_MESSAGES" / f"{domain}.mo"


def compile_all() -> None:
    for domain in sorted({source.domain for source in SOURCES}):
        path = mo_path(domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(compiled(domain))
        print(f"{path.relative_to(ROOT)}: written")


def translations(message: Message | None) -> list[str]:
    """A message's translation (each plural form of it), none when the catalog lacks it."""
    if message is None or not message.string:
        return []
    return [message.string] if isinstance(message.string, str) else list(message.string)


def placeholders(text: str) -> set[str]:
    return {match.group(1) or "" for match in PLACEHOLDER.finditer(text)}


def problems(only: list[str] | None = None) -> Iterator[str]:
    """Every message without a Vietnamese translation, every translation whose placeholders differ
    from its message's, every catalog out of step with the code, every .mo older than its .po."""
    for source in chosen(only):
        catalog = read(source)
        code = extracted(source)
        ids = {key[0] if isinstance(key, tuple) else key for key in code}
        for key, places in code.items():
            msgid = key[0] if isinstance(key, tuple) else key
            message = catalog.get(msgid)
            where = f"{places[0][0]}:{places[0][1]}"
            strings = translations(message)
            if not any(strings):
                yield f"{where}: not translated in {source.po.relative_to(ROOT)}: {msgid!r}"
                continue
            if source.name == "libraries":
                continue  # click and Typer fill their own, some by position
            for string in strings:
                if placeholders(string) != placeholders(msgid):
                    named, wanted = sorted(placeholders(string)), sorted(placeholders(msgid))
                    yield f"{where}: the translation names {named}, the message {wanted}: {msgid!r}"
        stale = [
            message.id
            for message in catalog
            if message.id and (message.id[0] if isinstance(message.id, tuple) else message.id) not in ids
        ]
        for gone in stale:
            yield f"{source.po.relative_to(ROOT)}: {gone!r} is no longer in the code (run scripts/i18n.py update)"
    if only:
        return  # the compiled files join every catalog: checked when all are
    for domain in sorted({source.domain for source in SOURCES}):
        path = mo_path(domain)
        if not path.exists() or path.read_bytes() != compiled(domain):
            yield f"{path.relative_to(ROOT)} is not compiled from the current catalogs (run scripts/i18n.py compile)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("update", "compile", "check"))
    parser.add_argument("--only", action="append", choices=[source.name for source in SOURCES], help="one catalog")
    arguments = parser.parse_args(argv)
    action, only = arguments.action, arguments.only
    if action == "update":
        update(only)
    elif action == "compile":
        compile_all()
    else:
        found = list(problems(only))
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
