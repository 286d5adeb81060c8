"""Messages from Jinja2 templates (StrictUndefined): subject, plain and HTML body, Zalo text.

One template per kind (reminder, due_today, overdue, escalation, escalation_list, returned, digest,
and gaps for the admin), each with the blocks ``subject``, ``text``, ``html`` (inside the shared
layout) and ``zalo``. Dates read dd/mm/yyyy; the deadline's own wording stands beside the computed
date. A report's title carries its period once (:func:`rules.periods.report_title`).

A message about obligations extends ``_obligation.j2``, which says what they all say in the same
order (greeting, the report's facts, whom to ask, signature) and leaves a block for what each says
of its own (``lead_*``, ``request_*``). The pieces used more than once (a person, a late report's
state) are macros of ``_pieces.j2``, which every template can call. Blocks, not macros, carry the
shared text: a block reads the message's variables directly, where a macro call costs as much as
the text it writes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, nodes, select_autoescape
from jinja2.runtime import Context, Macro

from rules.calendar import VIETNAM, WEEKDAY_NAMES

ZALO_TEXT_LIMIT = 2000  # an OA text message
ZNS_TEXT_LIMIT = 400  # a ZNS template, parameters included
SUBJECT_LIMIT = 255


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    zalo: str


def ngay(value: date | datetime | None) -> str:
    """dd/mm/yyyy, the way Vietnamese documents write a date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date()
    return _date_text(value)


@functools.lru_cache(maxsize=4096)
def _date_text(value: date) -> str:
    """A date written dd/mm/yyyy, once per date: a sweep writes the same few dates many times."""
    return f"{value:%d/%m/%Y}"


def weekday(value: date) -> str:
    return WEEKDAY_NAMES[value.weekday()]


def phone(value: str | None) -> str:
    """A phone number as people write it: 84… (as ZNS wants it) back to 0….

    >>> phone("84912345678"), phone("0222 3822 123"), phone(None)
    ('0912345678', '0222 3822 123', '')
    """
    if not value:
        return ""
    digits = value.strip()
    if digits.startswith("84") and digits.isdigit() and len(digits) >= 10:
        return "0" + digits[2:]
    return digits


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, with ``row.name`` on a plain dict read as ``row["name"]`` straight away.

    Jinja looks an attribute up first and the item after; on a dict every ``row.name`` first
    raises and catches an AttributeError, the largest single cost of a long list. A dict's own
    attributes (``items``, ``get``…) are still looked up first, so every template reads the same.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dict, not Jinja's ChainMap over the environment's.

        Jinja reads them whole each time it makes a context (and each time a block imports
        ``_obligation.j2``), and going through a ChainMap is most of that cost. The environment's
        globals are all set before any template is loaded (:func:`environment`), so a copy holds
        the same names and values.
        """
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@functools.cache
def environment(*, html: bool = True) -> Environment:
    """The template environment; HTML escapes values, plain text and Zalo do not.

    One per process, each template compiled once: the shipped templates do not change while it
    runs, so no file is looked at again (``auto_reload=False``).
    """
    env = _Environment(
        loader=PackageLoader("notifications", "templates"),
        undefined=StrictUndefined,
        auto_reload=False,
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=False) if html else False,
    )
    env.filters["ngay"] = ngay
    env.filters["phone"] = phone
    # Before any other template is loaded: each copies the globals when it is (make_globals).
    pieces = env.get_template("_pieces.j2").module
    env.globals.update((name, value) for name, value in vars(pieces).items() if isinstance(value, Macro))
    return env


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@functools.cache
def _inherited(env: Environment, name: str) -> tuple[Template, dict[str, list[Any]]]:
    """The template at the top of ``name``'s chain of ``extends``, and every block ``name``
    renders, its own first and then those of the templates it extends, stacked as Jinja stacks
    them while it renders the whole chain. With them a message renders one block alone (its
    subject, its plain text, with the blocks they hold), or the whole page from the top, without
    going through every template of the chain again."""
    assert env.loader is not None
    source = env.loader.get_source(env, name)[0]
    extends = env.parse(source).find(nodes.Extends)
    template = env.get_template(name)
    stacks = {block: [render] for block, render in template.blocks.items()}
    if extends is None:
        return template, stacks
    assert isinstance(extends.template, nodes.Const), f"{name}: extends a template named by a constant"
    top, inherited = _inherited(env, extends.template.value)
    for block, stack in inherited.items():
        stacks.setdefault(block, []).extend(stack)
    return top, stacks


def _context(env: Environment, name: str, values: dict[str, Any]) -> tuple[Template, Context]:
    """The template at the top of ``name``'s chain, and a context to render ``name`` with ``values``
    from there or one block of it at a time.

    The context's stacks of blocks are shared by every message of the kind: only the root of a
    template that extends another adds to them, and none is run.
    """
    top, stacks = _inherited(env, name)
    context = top.new_context(values)
    context.blocks = stacks
    return top, context


def render_message(kind: str, context: Mapping[str, Any], *, zalo: bool = True) -> Rendered:
    """Render every part of one message; a missing variable is an error, never a blank.

    ``zalo=False`` leaves the Zalo text empty, for a message that goes by no Zalo channel.
    """
    name = f"{kind}.j2"
    values = dict(context)
    # The plain blocks share one context: a block reads it and writes only variables of its own.
    _top, plain = _context(environment(html=False), name, values)

    def plain_block(block: str) -> str:
        return "".join(plain.blocks[block][0](plain)).strip()

    subject = _clip(" ".join(plain_block("subject").split()), SUBJECT_LIMIT)
    top, page = _context(environment(), name, {**values, "mail_subject": subject})  # the page's title
    return Rendered(
        subject=subject,
        text=plain_block("text") + "\n",
        html="".join(top.root_render_func(page)),
        zalo=_clip(" ".join(plain_block("zalo").split()), ZALO_TEXT_LIMIT) if zalo else "",
    )
