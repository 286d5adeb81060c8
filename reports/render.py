"""Documents from Jinja2 templates (``reports/templates/*.j2``, StrictUndefined).

A template holds the words of one kind of document in blocks: ``kind`` (BÁO CÁO), ``subject``,
``recipients`` and ``copies_to`` (one per line), ``signer_title`` and ``body``. Missing blocks keep
the defaults of :class:`AdministrativeDocument`. The body is written in a small markup, one
paragraph per line:

    # I. KẾT QUẢ ĐẠT ĐƯỢC        a heading (## and ### for the levels below)
    - Tổ chức 12 hội nghị…       an item
    [[table ket-qua]]            the table given as tables["ket-qua"]
    [[image bieu-do]]            the PNG given as images["bieu-do"]
    anything else                a paragraph

Adding a document takes a template and a function that gathers its figures, tables and images and
calls :func:`render_document`, then ``reports.word.write_docx``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.document import AdministrativeDocument, Block, Bullet, Heading, Image, Issuer, Paragraph, Table
from rules.errors import DunghanError
from rules.numbers import vn_number

_PLACEHOLDER = re.compile(r"^\[\[(table|image)\s+([\w-]+)\]\]$")


class TemplateError(DunghanError):
    """A document template that refers to a table or image it was not given."""


def ngay(value: date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # the output is text for a .docx, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["so"] = vn_number
    env.filters["ngay"] = ngay
    return env


def parse_body(text: str, tables: Mapping[str, Table], images: Mapping[str, Image], template: str = "") -> list[Block]:
    """The body markup as blocks.

    >>> for block in parse_body("# I. KẾT QUẢ\\n- một việc\\nĐoạn văn.", {}, {}):
    ...     print(block)
    Heading(text='I. KẾT QUẢ', level=1)
    Bullet(text='một việc')
    Paragraph(text='Đoạn văn.', bold=False, italic=False)
    """
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if match := _PLACEHOLDER.match(line):
            kind, name = match.groups()
            source: Mapping[str, Table | Image] = tables if kind == "table" else images
            if name not in source:
                raise TemplateError(f"template {template}: no {kind} named {name!r} was given")
            blocks.append(source[name])
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            blocks.append(Heading(line[level:].strip(), min(level, 3)))
        elif line.startswith(("- ", "+ ")):
            blocks.append(Bullet(line[2:].strip()))
        else:
            blocks.append(Paragraph(line))
    return blocks


def render_document(
    template: str,
    context: Mapping[str, Any],
    *,
    issuer: Issuer,
    tables: Mapping[str, Table] | None = None,
    images: Mapping[str, Image] | None = None,
    **fields: Any,
) -> AdministrativeDocument:
    """Fill ``template`` with ``context``; ``fields`` set the other parts of the document
    (``day``, ``number``, ``signer_name``, ``landscape``…)."""
    loaded = environment().get_template(template)
    values = dict(context)

    def block(name: str) -> str | None:
        if name not in loaded.blocks:
            return None
        return "".join(loaded.blocks[name](loaded.new_context(values))).strip()

    def lines(name: str) -> tuple[str, ...] | None:
        text = block(name)
        return None if text is None else tuple(line.strip() for line in text.splitlines() if line.strip())

    body = parse_body(block("body") or "", tables or {}, images or {}, template)
    document = AdministrativeDocument(
        issuer=issuer, kind=block("kind") or "BÁO CÁO", subject=block("subject") or "", body=body
    )
    parts: dict[str, Any] = {}
    for name in ("recipients", "copies_to"):
        if (found := lines(name)) is not None:
            parts[name] = found
    if (title := block("signer_title")) is not None:
        parts["signer_title"] = title
    return replace(document, **parts, **fields)
