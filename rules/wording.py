"""Deadline wording as the documents write it, parsed into rules the engine can evaluate.

Decree 09/2019 art. 8 lets each regime state its deadline in words; the documents use a handful
of forms. "trước ngày D" (before D) makes D−1 the last day; "chậm nhất ngày D" (by D) makes D the
last day. The literal wording is kept beside every computed date.

>>> parse_wording("trước ngày 25/11")
FixedDate(wording='trước ngày 25/11', day=25, month=11, inclusive=False, year=None, next_year=False)
>>> parse_wording("chậm nhất vào ngày 20/12").inclusive
True
>>> parse_wording("trong 03 ngày làm việc kể từ ngày chốt số liệu")
AfterAnchor(wording='trong 03 ngày làm việc kể từ ngày chốt số liệu', count=3, working=True, anchor='cutoff_end')
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from typing import Literal

from rules.errors import WordingError
from rules.i18n import _

Anchor = Literal["cutoff_end", "previous_hop"]
MonthAnchor = Literal["after_cutoff", "cutoff_month"]

ACCEPTED_FORMS = (
    "trước ngày 25/11",
    "trước 05 tháng 6",
    "trước ngày 05 tháng 12 năm 2024",
    "trước ngày 15/01 năm sau",
    "chậm nhất ngày 20/12",
    "chậm nhất vào ngày 20/12/2024",
    "chậm nhất ngày 20 hằng tháng",
    "trước ngày 20 của tháng cuối quý",
    "trong 03 ngày làm việc kể từ ngày chốt số liệu",
    "trong 05 ngày làm việc kể từ hạn của cấp dưới",
)


@dataclass(frozen=True)
class FixedDate:
    """A day and month (and maybe a year) of the period's end year, or of the year after."""

    wording: str
    day: int
    month: int
    inclusive: bool  # "chậm nhất" (by D): True; "trước" (before D): False
    year: int | None = None
    next_year: bool = False


@dataclass(frozen=True)
class DayOfMonth:
    """A day of a month found from the cut-off: "ngày 20 hằng tháng"."""

    wording: str
    day: int
    inclusive: bool
    month_anchor: MonthAnchor  # first such day after the cut-off ends, or in the cut-off's month


@dataclass(frozen=True)
class AfterAnchor:
    """N (working) days after the end of the cut-off or after the level below's deadline."""

    wording: str
    count: int
    working: bool
    anchor: Anchor


@dataclass(frozen=True)
class FromParameter:
    """A deadline the admin sets per cycle (the budget calendar of seeds 000 and 002)."""

    wording: str
    param: str


DeadlineRule = FixedDate | DayOfMonth | AfterAnchor | FromParameter


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and squeeze spaces, so wording typed without
    Vietnamese input still matches.

    >>> fold("  Chậm NHẤT   vào ngày 20/12. ")
    'cham nhat vao ngay 20/12'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare.lower()).strip(" .;,")


_KEYWORD = r"(?P<kw>truoc|cham nhat|khong muon hon|han cuoi|han chot|den het)"
_FIXED = re.compile(
    rf"^{_KEYWORD}(?: vao)?(?: ngay)? (?P<d>\d{{1,2}})"
    r"(?:/(?P<m>\d{1,2})(?:/(?P<y>\d{4}))?| thang (?P<m2>\d{1,2})(?: nam (?P<y2>\d{4}))?)"
    r"(?P<next> (?:cua )?nam sau)?$"
)
_DAY_OF_MONTH = re.compile(
    rf"^{_KEYWORD}(?: vao)?(?: ngay)? (?P<d>\d{{1,2}}) "
    r"(?P<anchor>hang thang|cua thang cuoi quy|cua thang cuoi ky)$"
)
_AFTER = re.compile(
    r"^(?:trong(?: vong)?|cham nhat(?: la)?|khong qua) (?P<n>\d{1,3}) ngay(?P<wd> lam viec)? "
    r"(?:ke tu|sau)(?: ngay)? (?P<anchor>"
    r"(?:ket thuc (?:ky |thoi gian )?)?chot so lieu"
    r"|han (?:bao cao |gui )?cua cap duoi|nhan (?:duoc )?bao cao(?: cua cap duoi)?)$"
)


def _error(wording: str, why: str) -> WordingError:
    forms = "; ".join(f'"{form}"' for form in ACCEPTED_FORMS)
    return WordingError(
        _('deadline "{wording}": {why}. Accepted forms: {forms}').format(wording=wording, why=why, forms=forms)
    )


def is_day_of_year(day: int, month: int, year: int | None = None) -> bool:
    """Whether ``day``/``month`` is a date (of ``year``; without one, 29/02 is allowed).

    >>> is_day_of_year(29, 2), is_day_of_year(29, 2, 2026), is_day_of_year(31, 4), is_day_of_year(1, 13)
    (True, False, False, False)
    """
    return 1 <= month <= 12 and 1 <= day <= monthrange(year or 2024, month)[1]  # 2024 is a leap year


def _check_day_month(wording: str, day: int, month: int, year: int | None) -> None:
    if not 1 <= month <= 12:
        raise _error(wording, _("{month} is not a month").format(month=month))
    if not is_day_of_year(day, month, year):
        raise _error(wording, _("{day:02d}/{month:02d} is not a date").format(day=day, month=month))


def parse_wording(wording: str) -> DeadlineRule:
    """Turn a deadline as a document words it into a rule, or raise :class:`WordingError`
    naming the accepted forms."""
    folded = fold(wording)
    if match := _FIXED.match(folded):
        day = int(match["d"])
        month = int(match["m"] or match["m2"])
        year_text = match["y"] or match["y2"]
        year = int(year_text) if year_text else None
        if year is not None and match["next"]:
            raise _error(wording, _("an explicit year and 'năm sau' contradict each other"))
        _check_day_month(wording, day, month, year)
        return FixedDate(
            wording=wording,
            day=day,
            month=month,
            inclusive=match["kw"] != "truoc",
            year=year,
            next_year=bool(match["next"]),
        )
    if match := _DAY_OF_MONTH.match(folded):
        day = int(match["d"])
        if not 1 <= day <= 28:
            raise _error(wording, _("a day of every month must be between 1 and 28"))
        return DayOfMonth(
            wording=wording,
            day=day,
            inclusive=match["kw"] != "truoc",
            month_anchor="after_cutoff" if match["anchor"] == "hang thang" else "cutoff_month",
        )
    if match := _AFTER.match(folded):
        count = int(match["n"])
        if count < 1:
            raise _error(wording, _("the number of days must be at least 1"))
        return AfterAnchor(
            wording=wording,
            count=count,
            working=bool(match["wd"]),
            anchor="cutoff_end" if "chot so lieu" in match["anchor"] else "previous_hop",
        )
    raise _error(wording, _("this wording is not understood"))


def words_for_fixed(day: int, month: int, *, inclusive: bool, year: int | None, next_year: bool) -> str:
    """The Vietnamese wording of a structured fixed deadline."""
    date_text = f"{day:02d}/{month:02d}" + (f"/{year}" if year else "")
    suffix = " năm sau" if next_year else ""
    return f"{'chậm nhất ngày' if inclusive else 'trước ngày'} {date_text}{suffix}"


def words_for_after(count: int, *, working: bool, anchor: Anchor) -> str:
    """The Vietnamese wording of a structured relative deadline."""
    unit = "ngày làm việc" if working else "ngày"
    what = "ngày chốt số liệu" if anchor == "cutoff_end" else "hạn của cấp dưới"
    return f"trong {count:02d} {unit} kể từ {what}"
