"""Deadline wording as the documents write it, parsed into rules the engine can evaluate.

Decree 09/2019 art. 8 lets each regime state its deadline in words, and decrees, circulars and
provincial decisions use many forms (``docs/wordings.md`` lists them all). "trước ngày D" (before
D) makes D−1 the last day; "chậm nhất ngày D" (by D), "muộn nhất ngày D", "không muộn hơn ngày D",
"trước hoặc vào ngày D", "hạn gửi báo cáo: D" and "ngày nhận báo cáo: D" make D the last day. A
clock time ("trước 10 giờ ngày hôm sau") makes the day itself the last one and the time the
instant. The literal wording is kept beside every computed date.

>>> rule = parse_wording("trước ngày 25/11")
>>> rule.day, rule.month, rule.inclusive, rule.year, rule.next_year
(25, 11, False, None, False)
>>> parse_wording("chậm nhất vào ngày 20/12").inclusive
True
>>> rule = parse_wording("trong 03 ngày làm việc kể từ ngày chốt số liệu")
>>> rule.count, rule.working, rule.anchor, rule.backward
(3, True, 'cutoff_end', False)
>>> parse_wording("trước 16 giờ 30 hằng ngày").at
datetime.time(16, 30)
>>> parse_wording("khi có yêu cầu").kind
'on_request'
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import time
from typing import Literal

from rules.errors import WordingError
from rules.i18n import _

Anchor = Literal["cutoff_end", "previous_hop", "period_end", "event"]
MonthAnchor = Literal["after_cutoff", "cutoff_month"]
Unit = Literal["month", "quarter", "year"]
UndatedKind = Literal["on_request", "cycle_parameter"]

ACCEPTED_FORMS = (
    "trước ngày 25/11",
    "trước 05 tháng 6",
    "trước ngày 05 tháng 12 năm 2024",
    "trước ngày 15/01 năm sau",
    "chậm nhất ngày 20/12",
    "chậm nhất vào ngày 20/12/2024",
    "chậm nhất là ngày 10 tháng 12 của năm báo cáo",
    "muộn nhất trong ngày 15/12 hằng năm",
    "không muộn hơn ngày 31/3 năm sau",
    "trước hoặc vào ngày 15/7",
    "hạn gửi báo cáo: 20/12",
    "ngày nhận báo cáo: ngày 15/01 năm sau",
    "trước ngày 10 tháng 6 và 10 tháng 12 hằng năm",
    "chậm nhất ngày 20 hằng tháng",
    "trước ngày 20 của tháng cuối quý",
    "chậm nhất ngày 15 của tháng báo cáo",
    "trước ngày 10 của tháng tiếp theo",
    "trước ngày 10 của tháng đầu quý sau quý báo cáo",
    "chậm nhất là ngày cuối cùng của tháng đầu của quý tiếp theo",
    "trước ngày làm việc cuối cùng của tháng",
    "ngày làm việc đầu tiên của tháng sau",
    "trong ngày thứ Sáu hằng tuần",
    "trước thứ Hai tuần sau",
    "trước 15 giờ thứ Năm hằng tuần",
    "trước 10 giờ ngày hôm sau",
    "trước 16 giờ 30 hằng ngày",
    "định kỳ tháng 12 hằng năm",
    "trong 03 ngày làm việc kể từ ngày chốt số liệu",
    "trong 05 ngày làm việc kể từ hạn của cấp dưới",
    "chậm nhất 30 ngày kể từ ngày kết thúc quý",
    "trong 10 ngày kể từ ngày kết thúc đợt kiểm tra",
    "chậm nhất 15 ngày trước ngày tổ chức hội nghị",
    "khi có yêu cầu",
    "đột xuất",
    "hằng năm",
)


@dataclass(frozen=True)
class FixedDate:
    """A day and month (and maybe a year) of the period's year, or of the year after.

    Without a year word the year is the one that puts the day nearest the end of the period
    (a yearly report "trước ngày 31/3" is due in March of the next year); "của năm báo cáo"
    pins it to the period's year, "năm sau" to the next.
    """

    wording: str
    day: int
    month: int
    inclusive: bool  # "chậm nhất" (by D): True; "trước" (before D): False
    year: int | None = None
    next_year: bool = False
    same_year: bool = False  # "của năm báo cáo", "thuộc kỳ báo cáo"
    at: time | None = None


@dataclass(frozen=True)
class SeveralDates:
    """Several days under one keyword ("trước ngày 10 tháng 6 và 10 tháng 12 hằng năm"): each
    closes its own period, the one nearest the period's end."""

    wording: str
    dates: tuple[tuple[int, int], ...]  # (day, month)
    inclusive: bool
    at: time | None = None


@dataclass(frozen=True)
class DayOfMonth:
    """A day of a month found from the cut-off: "ngày 20 hằng tháng"."""

    wording: str
    day: int
    inclusive: bool
    month_anchor: MonthAnchor  # first such day after the cut-off ends, or in the cut-off's month
    at: time | None = None


@dataclass(frozen=True)
class PeriodMonthDay:
    """A day of a month counted from the period's last month: "ngày 10 của tháng tiếp theo"
    (offset 1), "ngày 15 của tháng báo cáo" (offset 0); day None is the month's last day."""

    wording: str
    day: int | None
    offset: int
    inclusive: bool
    at: time | None = None


@dataclass(frozen=True)
class WorkingDayOf:
    """The first or last working day of the period's month, quarter or year (or the next one)."""

    wording: str
    last: bool
    unit: Unit
    offset: int  # 0: the period's own; 1: the next ("tháng sau")
    inclusive: bool  # "trước ngày làm việc cuối cùng": the working day before
    at: time | None = None
    month: int | None = None  # a named month ("của tháng ba hằng năm"): its year is the one nearest the period's end


@dataclass(frozen=True)
class Weekday:
    """A day of the period's week ("thứ Sáu hằng tuần") or of the week after ("thứ Hai tuần sau")."""

    wording: str
    weekday: int  # 0 Monday … 6 Sunday
    week_offset: int
    inclusive: bool
    at: time | None = None


@dataclass(frozen=True)
class Daily:
    """The period's day itself ("hằng ngày") or the day after ("ngày hôm sau"), usually with a time."""

    wording: str
    day_offset: int
    working: bool  # "ngày làm việc tiếp theo"
    inclusive: bool
    at: time | None = None


@dataclass(frozen=True)
class MonthOnly:
    """A month with no day ("định kỳ tháng 12 hằng năm"): its last day, as an assumption."""

    wording: str
    month: int
    next_year: bool = False


@dataclass(frozen=True)
class AfterAnchor:
    """N (working) days after (or before) an anchor: the end of the cut-off, the level below's
    deadline, the end of the period, or an event ("kể từ ngày kết thúc đợt kiểm tra")."""

    wording: str
    count: int
    working: bool
    anchor: Anchor
    backward: bool = False  # "15 ngày trước ngày tổ chức hội nghị"
    event: str | None = None  # the event's words, for anchor "event"


@dataclass(frozen=True)
class FromParameter:
    """A deadline the admin sets per cycle (the budget calendar of seeds 000 and 002)."""

    wording: str
    param: str


@dataclass(frozen=True)
class Undated:
    """A wording that names no day: an on-request report ("khi có yêu cầu", "đột xuất") or a
    periodic one whose date the cycle sets ("hằng năm")."""

    wording: str
    kind: UndatedKind


DeadlineRule = (
    FixedDate
    | SeveralDates
    | DayOfMonth
    | PeriodMonthDay
    | WorkingDayOf
    | Weekday
    | Daily
    | MonthOnly
    | AfterAnchor
    | FromParameter
    | Undated
)


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and squeeze spaces, so wording typed without
    Vietnamese input still matches.

    >>> fold("  Chậm NHẤT   vào ngày 20/12. ")
    'cham nhat vao ngay 20/12'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare.lower()).strip(" .;,")


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


# Words written around the deadline that do not change it.
_LABEL = re.compile(
    r"^(?:(?:thoi )?han (?:cuoi )?(?:gui|nop)(?: bao cao)?|thoi han(?: bao cao)?|ngay nhan bao cao|han)\s*:\s*"
)
_TAIL = re.compile(
    r"\s*,?\s*\b(?:doi voi|de tong hop|de kip|ap dung cho|hoac (?:dot xuat|khi co yeu cau|theo yeu cau))\b.*$"
)
_WORDS_IN_BRACKETS = re.compile(r"\(([a-z ]+)\)")
_FREQUENCY_LEAD = re.compile(
    r"^(?:bao cao )?(?:dinh ky )?(?:(?:hang|moi) (?:nam|quy|thang|tuan|ngay)|0?6 thang|sau thang)?\s*,?\s*(?=\S)"
)
_ON_REQUEST = re.compile(r"\b(?:khi co yeu cau|theo yeu cau|khi duoc yeu cau|dot xuat|khi can thiet)\b")
_CYCLE = re.compile(
    r"^(?:bao cao )?(?:dinh ky )?(?:hang nam|moi nam|mot nam mot lan|nam)"
    r"(?: mot lan)?$"
)

# "chậm nhất", "muộn nhất", "không muộn hơn", "trước hoặc vào", "trong", "vào": the day itself.
_KEYWORD = re.compile(
    r"^(?P<kw>truoc hoac (?:vao|trong)|cham nhat|muon nhat|khong muon hon|khong cham hon|khong qua|han cuoi"
    r"|han chot|den het|trong|vao|truoc)"
    r"(?P<la> la)?(?P<then_before> truoc)?(?: (?:vao|trong))?\b\s*"
)
_TIME = re.compile(
    r"^(?:luc )?(?P<h>\d{1,2})\s*(?:gio|h|:)(?:\s*(?P<m>\d{2}))?(?: phut)?(?: (?P<half>sang|chieu|toi))?\b\s*"
)
_YEAR_WORDS = {
    "": "",
    "hang nam": "",
    "moi nam": "",
    "nam bao cao": "same",
    "cua nam bao cao": "same",
    "thuoc ky bao cao": "same",
    "cua ky bao cao": "same",
    "thuoc nam bao cao": "same",
    "nam sau": "next",
    "cua nam sau": "next",
    "nam sau cua nam bao cao": "next",
    "nam sau nam bao cao": "next",
    "cua nam sau nam bao cao": "next",
    "nam ke tiep": "next",
    "cua nam ke tiep": "next",
    "nam tiep theo": "next",
    "cua nam tiep theo": "next",
    "nam lien ke": "next",
    "cua nam lien ke": "next",
    "cua nam lien ke nam bao cao": "next",
    "nam lien ke nam bao cao": "next",
    "cua nam lien ke sau nam bao cao": "next",
    "cua nam tiep theo nam bao cao": "next",
}
_DATE = re.compile(
    r"^(?:ngay )?(?P<d0>\d{1,2})(?:/(?P<m0>\d{1,2})(?:/(?P<y0>\d{4}))?"
    r"| thang (?P<n0>\d{1,2})(?: nam (?P<z0>\d{4}))?)(?P<rest>.*)$"
)
_DATE_TOKEN = re.compile(r"(?:ngay )?(\d{1,2})(?:/(\d{1,2})(?:/(\d{4}))?| thang (\d{1,2})(?: nam (\d{4}))?)")
_MONTH_ONLY = re.compile(r"^(?:dinh ky )?(?:trong |vao )?thang (?P<m>\d{1,2})(?P<rest>(?: [a-z ]+)?)$")
_DAY_REL = re.compile(r"^(?:ngay )?(?:thu )?(?P<d>\d{1,2}|cuoi cung) (?:cua )?(?P<rel>(?:hang|moi|thang) ?.*)$")
_WORKING_DAY = re.compile(
    r"^(?:ngay )?lam viec (?P<which>cuoi cung|dau tien) (?:cua )?(?P<unit>thang|quy|nam)"
    r"(?: (?P<next>sau|tiep theo|ke tiep)| bao cao| do)?$"
)
_NAMED_MONTH = re.compile(
    r"^(?:ngay )?lam viec (?P<which>cuoi cung|dau tien) (?:cua )?thang (?P<m>\d{1,2}|[a-z]+(?: mot| hai)?)"
    r" (?:hang nam|moi nam|cua nam sau|nam sau)$"
)
_MONTH_WORDS = {
    "mot": 1,
    "gieng": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "muoi mot": 11,
    "muoi hai": 12,
    "chap": 12,
}
_WEEKDAYS = {
    "thu hai": 0,
    "thu 2": 0,
    "thu ba": 1,
    "thu 3": 1,
    "thu tu": 2,
    "thu 4": 2,
    "thu nam": 3,
    "thu 5": 3,
    "thu sau": 4,
    "thu 6": 4,
    "thu bay": 5,
    "thu 7": 5,
    "chu nhat": 6,
}
_WEEKDAY = re.compile(
    r"^(?:ngay )?(?P<wd>thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)"
    r"(?: (?P<week>hang tuan|moi tuan|cua tuan|cua tuan bao cao|tuan bao cao|trong tuan"
    r"|(?:cua )?tuan (?:sau|ke tiep|tiep theo)))?$"
)
_DAILY = {
    "hang ngay": (0, False),
    "moi ngay": (0, False),
    "trong ngay": (0, False),
    "ngay": (0, False),
    "cung ngay": (0, False),
    "ngay bao cao": (0, False),
    "ngay hom sau": (1, False),
    "hom sau": (1, False),
    "sang hom sau": (1, False),
    "sang ngay hom sau": (1, False),
    "ngay tiep theo": (1, False),
    "ngay ke tiep": (1, False),
    "ngay lam viec tiep theo": (1, True),
    "ngay lam viec ke tiep": (1, True),
}
_COUNTED = re.compile(
    r"^(?:(?:trong thoi han|trong thoi gian|thoi han|trong vong|trong|cham nhat la|cham nhat|muon nhat|khong qua"
    r"|khong muon hon"
    r"|it nhat|toi thieu|sau|truoc|la)\s+)*"
    r"(?P<n>\d{1,3})\s+ngay(?P<wd>\s+lam viec)?\s*,?\s*"
    r"(?P<dir>ke tu|tinh tu|sau|truoc)(?:\s+(?:ngay|khi))?\s+(?P<event>.+)$"
)
_PREVIOUS_HOP = re.compile(r"^(?:han (?:bao cao |gui )?cua cap duoi|nhan (?:duoc )?bao cao(?: cua cap duoi)?)$")
_PERIOD_END = re.compile(
    r"^(?:ket thuc|het) (?:cua )?(?:ky bao cao|ky|quy|nam|thang|tuan|6 thang|sau thang|nam tai chinh"
    r"|nam duong lich|dot bao cao)\b|^cuoi cung cua (?:ky|quy|nam|thang)\b"
)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,.;:")


def _take_time(text: str) -> tuple[time | None, str]:
    match = _TIME.match(text)
    if not match:
        return None, text
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["half"] in ("chieu", "toi") and hour < 12:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None, text
    return time(hour, minute), text[match.end() :]


def _year_words(wording: str, rest: str) -> str:
    words = _words(rest)
    if re.match(r"(?:cua )?nam (?:duong lich )?(?:sau|tiep theo|ke tiep)\b", words):
        return "next"  # "năm sau năm thành lập", "của năm dương lịch tiếp theo"
    if words not in _YEAR_WORDS:
        raise _error(wording, _("the words {words!r} after the date are not understood").format(words=words))
    return _YEAR_WORDS[words]


def _several(wording: str, text: str, inclusive: bool, at: time | None) -> SeveralDates | None:
    tokens = list(_DATE_TOKEN.finditer(text))
    if len(tokens) < 2:
        return None
    between = [text[a.end() : b.start()] for a, b in itertools.pairwise(tokens)]
    if any(_words(gap) not in ("va", "", "hoac") for gap in between) or _words(text[: tokens[0].start()]):
        return None
    _year_words(wording, text[tokens[-1].end() :])  # "… và ngày 05 tháng 01 của năm sau": the nearest year
    dates = []
    for token in tokens:
        if token[3] or token[5]:
            raise _error(wording, _("several dates with a year each: write them as separate deadlines"))
        day, month = int(token[1]), int(token[2] or token[4])
        _check_day_month(wording, day, month, None)
        dates.append((day, month))
    return SeveralDates(wording, tuple(dates), inclusive, at)


def _relative_month(wording: str, day: int | None, rel: str, inclusive: bool, at: time | None) -> DeadlineRule:
    rel = _words(rel)
    if rel in ("hang thang", "moi thang"):
        if day is None:
            return PeriodMonthDay(wording, None, 0, inclusive, at)
        return DayOfMonth(wording, day, inclusive, "after_cutoff", at)
    if rel in ("thang cuoi quy", "thang cuoi cua quy", "thang cuoi ky", "thang cuoi quy thuoc ky bao cao"):
        if day is None:
            return PeriodMonthDay(wording, None, 0, inclusive, at)
        return DayOfMonth(wording, day, inclusive, "cutoff_month", at)
    if match := re.fullmatch(r"thang thu (\d{1,2}) ke tu (?:ngay )?(?:ket thuc|het) .+", rel):
        return PeriodMonthDay(wording, day, int(match[1]), inclusive, at)
    if rel in ("thang", "thang bao cao", "thang do", "thang cua ky bao cao", "thang thuc hien bao cao"):
        return PeriodMonthDay(wording, day, 0, inclusive, at)
    next_month = (
        r"thang (?:dau (?:tien )?(?:cua )?)?(?:(?:quy|ky|nam) )?(?:sau|tiep theo|ke tiep|lien ke)"
        r"(?: (?:cua |sau )?(?:thang|quy|ky|nam) [a-z ]+)?"
        r"|thang sau (?:quy|ky|nam) bao cao|thang dau (?:cua )?(?:quy|ky) sau (?:quy|ky) bao cao"
    )
    if re.fullmatch(next_month, rel):
        return PeriodMonthDay(wording, day, 1, inclusive, at)
    raise _error(wording, _("the month {words!r} is not understood").format(words=rel))


def parse_wording(wording: str) -> DeadlineRule:
    """Turn a deadline as a document words it into a rule, or raise :class:`WordingError`
    naming the accepted forms."""
    text = _WORDS_IN_BRACKETS.sub(" ", fold(wording))  # "ngày 15 (mười lăm)", "muộn nhất (trong) ngày"
    text = _words(_TAIL.sub("", text))
    labelled = False
    if match := _LABEL.match(text):
        labelled, text = True, text[match.end() :]
    if not text:
        raise _error(wording, _("this wording is not understood"))
    if match := _COUNTED.match(text):
        return _counted(wording, match)
    if _ON_REQUEST.search(text) and not re.search(r"\d", text):
        return Undated(wording, "on_request")
    if _CYCLE.match(text):
        return Undated(wording, "cycle_parameter")
    if match := _MONTH_ONLY.match(text):
        return _month_only(wording, match)
    if (lead := _FREQUENCY_LEAD.match(text)) and _KEYWORD.match(text[lead.end() :]):
        text = text[lead.end() :]  # "hằng năm, trước ngày 05/12": the frequency is the pack's, the day is here
    inclusive = labelled
    keyword = _KEYWORD.match(text)
    if keyword:
        inclusive = keyword["kw"] != "truoc" and not keyword["then_before"]
        text = text[keyword.end() :]
    elif _WORKING_DAY.match(text) or _NAMED_MONTH.match(text):
        inclusive = True  # "ngày làm việc đầu tiên của tháng sau": a named day is the last day
    elif not labelled:
        raise _error(wording, _("this wording is not understood"))
    at, text = _take_time(text)
    if at is not None:
        inclusive = True  # the time is the limit; the day itself is the last day
    text = _words(text)
    if match := _MONTH_ONLY.match(text):
        return _month_only(wording, match)
    return _dated(wording, text, inclusive, at)


def _dated(wording: str, text: str, inclusive: bool, at: time | None) -> DeadlineRule:
    if several := _several(wording, text, inclusive, at):
        return several
    if match := _DATE.match(text):
        day, month = int(match["d0"]), int(match["m0"] or match["n0"])
        year_text = match["y0"] or match["z0"]
        year = int(year_text) if year_text else None
        words = _year_words(wording, match["rest"])
        if year is not None and words == "next":
            raise _error(wording, _("an explicit year and 'năm sau' contradict each other"))
        _check_day_month(wording, day, month, year)
        return FixedDate(wording, day, month, inclusive, year, words == "next", words == "same", at)
    if match := _NAMED_MONTH.match(text):
        month = int(match["m"]) if match["m"].isdigit() else _MONTH_WORDS.get(match["m"], 0)
        if not 1 <= month <= 12:
            raise _error(wording, _("{month} is not a month").format(month=match["m"]))
        return WorkingDayOf(wording, match["which"] == "cuoi cung", "month", 0, inclusive, at, month)
    if match := _WORKING_DAY.match(text):
        unit: Unit = {"thang": "month", "quy": "quarter", "nam": "year"}[match["unit"]]  # type: ignore[assignment]
        return WorkingDayOf(wording, match["which"] == "cuoi cung", unit, 1 if match["next"] else 0, inclusive, at)
    if match := _WEEKDAY.match(text):
        week = match["week"] or ""
        offset = 1 if any(w in week for w in ("sau", "ke tiep", "tiep theo")) else 0
        return Weekday(wording, _WEEKDAYS[match["wd"]], offset, inclusive, at)
    if text in _DAILY:
        day_offset, working = _DAILY[text]
        return Daily(wording, day_offset, working, inclusive, at)
    if match := _DAY_REL.match(text):
        day_of_month = None if match["d"] == "cuoi cung" else int(match["d"])
        if day_of_month is not None and not 1 <= day_of_month <= 31:
            raise _error(wording, _("a day of a month must be between 1 and 31"))
        return _relative_month(wording, day_of_month, match["rel"], inclusive, at)
    raise _error(wording, _("this wording is not understood"))


def _month_only(wording: str, match: re.Match[str]) -> MonthOnly:
    month = int(match["m"])
    if not 1 <= month <= 12:
        raise _error(wording, _("{month} is not a month").format(month=month))
    return MonthOnly(wording, month, _year_words(wording, match["rest"]) == "next")


def _counted(wording: str, match: re.Match[str]) -> AfterAnchor:
    count = int(match["n"])
    if count < 1:
        raise _error(wording, _("the number of days must be at least 1"))
    backward = match["dir"] == "truoc"
    event = _words(match["event"])
    written = wording.split()[-len(event.split()) :]
    if fold(" ".join(written)) == event:
        event = " ".join(written).strip(" .;,")  # the event as the document writes it
    working = bool(match["wd"])
    if backward:
        return AfterAnchor(wording, count, working, "event", True, event)
    folded = fold(event)
    if "chot so lieu" in folded:
        return AfterAnchor(wording, count, working, "cutoff_end")
    if _PREVIOUS_HOP.match(folded):
        return AfterAnchor(wording, count, working, "previous_hop")
    if _PERIOD_END.match(folded):
        return AfterAnchor(wording, count, working, "period_end")
    return AfterAnchor(wording, count, working, "event", False, event)


def kind_of(rule: DeadlineRule) -> str:
    """A short name of what a rule is, for JSON and tables.

    >>> kind_of(parse_wording("đột xuất")), kind_of(parse_wording("trước thứ Hai tuần sau"))
    ('on_request', 'weekday')
    """
    if isinstance(rule, Undated):
        return rule.kind
    if isinstance(rule, AfterAnchor):
        return "event" if rule.anchor == "event" else "counted"
    return {
        FixedDate: "fixed",
        SeveralDates: "several_dates",
        DayOfMonth: "day_of_month",
        PeriodMonthDay: "day_of_month",
        WorkingDayOf: "working_day",
        Weekday: "weekday",
        Daily: "daily",
        MonthOnly: "month_only",
        FromParameter: "cycle_parameter",
    }[type(rule)]


def words_for_fixed(day: int, month: int, *, inclusive: bool, year: int | None, next_year: bool) -> str:
    """The Vietnamese wording of a structured fixed deadline."""
    date_text = f"{day:02d}/{month:02d}" + (f"/{year}" if year else "")
    suffix = " năm sau" if next_year else ""
    return f"{'chậm nhất ngày' if inclusive else 'trước ngày'} {date_text}{suffix}"


def words_for_after(count: int, *, working: bool, anchor: Anchor) -> str:
    """The Vietnamese wording of a structured relative deadline."""
    unit = "ngày làm việc" if working else "ngày"
    what = {
        "cutoff_end": "ngày chốt số liệu",
        "previous_hop": "hạn của cấp dưới",
        "period_end": "ngày kết thúc kỳ báo cáo",
        "event": "ngày xảy ra sự việc",
    }[anchor]
    return f"trong {count:02d} {unit} kể từ {what}"
