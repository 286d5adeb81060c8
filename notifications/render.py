"""Messages from Jinja2 templates (StrictUndefined): subject, plain and HTML body, Zalo text.

One template per kind (reminder, due_today, overdue, escalation, escalation_list, returned, digest,
and gaps for the admin), each with the blocks ``subject``, ``text``, ``html`` (inside the shared
layout) and ``zalo``. Dates read dd/mm/yyyy; the deadline's own wording stands beside the computed
date. A report's title carries its period once (:func:`rules.periods.report_title`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

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


@functools.cache
def environment(*, html: bool = True) -> Environment:
    """The template environment; HTML escapes values, plain text and Zalo do not."""
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=False) if html else False,
    )
    env.filters["ngay"] = ngay
    env.filters["phone"] = phone
    return env


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_message(kind: str, context: Mapping[str, Any]) -> Rendered:
    """Render every part of one message; a missing variable is an error, never a blank."""
    template = environment().get_template(f"{kind}.j2")
    plain = environment(html=False).get_template(f"{kind}.j2")
    values = dict(context)

    def plain_block(name: str) -> str:
        ctx = plain.new_context(values)
        return "".join(plain.blocks[name](ctx)).strip()

    subject = " ".join(plain_block("subject").split())
    return Rendered(
        subject=_clip(subject, SUBJECT_LIMIT),
        text=plain_block("text") + "\n",
        html=template.render(values),
        zalo=_clip(" ".join(plain_block("zalo").split()), ZALO_TEXT_LIMIT),
    )
