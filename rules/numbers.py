"""Numbers written the Vietnamese way: a comma before the decimals, dots between thousands."""

from __future__ import annotations

import re

from rules.i18n import _

# A figure: thousands grouped by dots or spaces (the first group not starting with 0), or plain
# digits; then the decimals after a comma, or after a dot when the digits were not grouped by dots.
_FIGURE = re.compile(
    r"""
    (?P<sign>-)?
    (?:
        (?P<dotted>[1-9]\d{0,2}(?:\.\d{3})+)(?:,(?P<dotted_decimals>\d+))?
      | (?P<spaced>[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+)(?:[.,](?P<spaced_decimals>\d+))?
      | (?P<plain>\d+)(?:[.,](?P<plain_decimals>\d+))?
    )
    """,
    re.VERBOSE | re.ASCII,
)


def vn_number(value: float, digits: int = 2) -> str:
    """``value`` rounded to ``digits`` decimals, without trailing zeros.

    >>> vn_number(37.5), vn_number(1234567.5), vn_number(100.0), vn_number(-0.004)
    ('37,5', '1.234.567,5', '100', '0')
    """
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def parse_figure(text: str) -> float:
    """A figure as people type it. Raises ValueError for anything else.

    Vietnamese writes dots between thousands and a comma before the decimals (``12.000,5``), yet
    many type a decimal point (``48.5``). So a dot followed by groups of exactly three digits
    separates thousands (``12.000`` is twelve thousand, as :func:`rules.activity.parse_count`
    reads it), and any other dot is a decimal point; a comma is always the decimal separator.
    Spaces may separate thousands too. Mixed forms such as ``1,234.5`` are refused.

    >>> parse_figure("48,5"), parse_figure("48.5"), parse_figure("1.5"), parse_figure(" 12 ")
    (48.5, 48.5, 1.5, 12.0)
    >>> parse_figure("12.000"), parse_figure("1.500"), parse_figure("12.000,5"), parse_figure("1 234,5")
    (12000.0, 1500.0, 12000.5, 1234.5)
    >>> parse_figure("0.125"), parse_figure("1.2345")  # not groups of thousands: a decimal point
    (0.125, 1.2345)
    >>> parse_figure("1,234.5")
    Traceback (most recent call last):
    ...
    ValueError: '1,234.5' is not a figure
    """
    match = _FIGURE.fullmatch(text.strip())
    if match is None:
        raise ValueError(_("{text!r} is not a figure").format(text=text))
    groups = match.groupdict()
    whole = groups["dotted"] or groups["spaced"] or groups["plain"]
    decimals = groups["dotted_decimals"] or groups["spaced_decimals"] or groups["plain_decimals"] or "0"
    value = float(f"{groups['sign'] or ''}{re.sub(r'[^0-9]', '', whole)}.{decimals}")
    if value in (float("inf"), float("-inf")):
        raise ValueError(_("{text!r} is too large a figure").format(text=text))
    return value
