"""Numbers written the Vietnamese way: a comma before the decimals, dots between thousands."""

from __future__ import annotations


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
    """A figure as people type it: ``48.5``, ``48,5`` or ``1.234,5`` (dots between thousands when a
    comma marks the decimals). Raises ValueError for anything else.

    >>> parse_figure("48,5"), parse_figure("48.5"), parse_figure("1.234,5"), parse_figure(" 12 ")
    (48.5, 48.5, 1234.5, 12.0)
    """
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a figure")
    return value
