"""Activity logs of a campaign (nhật ký hoạt động): what one entry may say, checked without I/O.

The Action Month (Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở
giới) runs 15/11–15/12 every year. Each unit logs what it did: the day, the kind of activity from
the campaign's list in the pack, a title, participants by sex, media products by kind and the
budget. Only counts are kept: nothing may identify a person, least of all a victim of violence,
so titles and notes holding a phone number, an identity-card number, an e-mail address or a year
of birth are refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rules.errors import FIELD, DunghanError
from rules.i18n import _
from rules.numbers import vn_number
from rules.schema import Campaign, Pack, Selector, day_month

# Media products are counted by these kinds, the same for every pack, so that the roll-up can sum
# each in SQL; together they are the campaign's "Số sản phẩm truyền thông".
MEDIA_KINDS: dict[str, str] = {
    "news": "Tin, bài trên báo, cổng thông tin điện tử",
    "broadcast": "Phóng sự, chương trình phát thanh, truyền hình",
    "print": "Tờ rơi, tài liệu, ấn phẩm",
    "panel": "Pano, áp phích, băng rôn, khẩu hiệu",
    "online": "Bài đăng mạng xã hội, video clip",
}
TITLE_MAX = 255
NOTE_MAX = 1000
# Beyond these a number is mistyped; they also keep counts within the 32-bit columns and the
# budget (đồng) within the 64-bit one.
COUNT_MAX = 10_000_000  # participants of one activity, and products of each media kind
BUDGET_MAX = 10**13  # đồng: ten thousand billion

# Who is expected to log when a pack ties no report to its campaign: the people's committees.
DEFAULT_LOGGERS = (
    Selector(level="commune", types=["people_committee"]),
    Selector(level="district", types=["people_committee"]),
    Selector(level="province", types=["people_committee"]),
)

# A run of 9 (CMND) or 12 (CCCD) digits, unless it is an amount: "Kinh phí 150000000 đồng" is a
# budget. After an identity-document keyword it is flagged even then.
_IDENTITY_NUMBER = re.compile(
    r"(?:cccd|cmnd|căn cước|chứng minh)\D{0,20}?(?<!\d)(?:\d{9}|\d{12})(?!\d)"
    r"|(?<![\d.,])(?:\d{9}|\d{12})(?![\d,]|\.\d)(?!\s*(?:đồng|đ|vnđ|vnd)\b)",
    re.IGNORECASE,
)
_PERSONAL = (
    (re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.]?\d){9}(?!\d)"), "phone"),
    (_IDENTITY_NUMBER, "identity_number"),
    (re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"), "email"),
    (re.compile(r"\b(?:sinh năm|năm sinh|sn)\s*:?\s*(?:19|20)\d{2}\b", re.IGNORECASE), "birth_year"),
    (re.compile(r"\b(?:cccd|cmnd|căn cước)\b", re.IGNORECASE), "identity_document"),
)


class ActivityError(DunghanError):
    """A campaign that cannot be found or chosen, or a unit that may not log in it."""


@dataclass(frozen=True)
class CampaignWindow:
    """The days a campaign's logs may carry: ``earliest`` (with the preparation days) to ``end``."""

    start: date
    end: date
    earliest: date

    def describe(self) -> str:
        text = f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
        if self.earliest < self.start:
            text += _(", from {earliest} with {days} preparation days").format(
                earliest=f"{self.earliest:%d/%m/%Y}", days=(self.start - self.earliest).days
            )
        return text


def campaign_window(campaign: Campaign, year: int) -> CampaignWindow:
    """The campaign's window in ``year``, and the first day a log may be dated.

    >>> from rules.schema import ActivityType, Window
    >>> month = Campaign(id="thd", name="Tháng hành động", window=Window(start="15/11", end="15/12"),
    ...                  preparation_days=14, activity_types=[ActivityType(id="a", name="A")])
    >>> w = campaign_window(month, 2026)
    >>> w.start, w.end, w.earliest
    (datetime.date(2026, 11, 15), datetime.date(2026, 12, 15), datetime.date(2026, 11, 1))
    """
    start_day, start_month = day_month(campaign.window.start)
    end_day, end_month = day_month(campaign.window.end)
    start, end = date(year, start_month, start_day), date(year, end_month, end_day)
    if end < start:
        raise ActivityError(_("campaign {campaign}: its window must lie within one year").format(campaign=campaign.id))
    return CampaignWindow(start, end, start - timedelta(days=campaign.preparation_days))


@dataclass(frozen=True)
class PackCampaign:
    """A campaign and the pack that states it."""

    pack: Pack
    campaign: Campaign

    def type_ids(self) -> dict[str, str]:
        """Activity type id → name, in the pack's order."""
        return {t.id: t.name for t in self.campaign.activity_types}

    def loggers(self) -> list[Selector]:
        """Who is expected to log: the reporters of every hop of the pack's reports on this
        campaign (frequency: campaign); without such a report, the people's committees of
        communes, districts and provinces."""
        selectors = [
            selector
            for report in self.pack.reports
            if report.campaign == self.campaign.id
            for hop in report.chain
            for selector in hop.from_
        ]
        return selectors or list(DEFAULT_LOGGERS)


def find_campaign(packs: Sequence[Pack], campaign_id: str, year: int) -> PackCampaign:
    """The one pack applying in ``year`` that states ``campaign_id``.

    Logs are kept by campaign id, so the same campaign stated by the 2024 pack and the two-tier
    pack compares year with year.
    """
    found = [
        PackCampaign(pack, campaign)
        for pack in packs
        if pack.applies_in(year) and (campaign := pack.campaign(campaign_id)) is not None
    ]
    if not found:
        stated = sorted({c.id for p in packs if p.applies_in(year) for c in p.campaigns})
        if stated:
            raise ActivityError(
                _("no pack applying in {year} states a campaign {campaign!r}; campaigns that year: {known}").format(
                    year=year, campaign=campaign_id, known=", ".join(stated)
                )
            )
        raise ActivityError(
            _("no pack applying in {year} states a campaign {campaign!r}").format(year=year, campaign=campaign_id)
        )
    if len(found) > 1:
        names = ", ".join(f.pack.id for f in found)
        raise ActivityError(
            _("campaign {campaign!r} is stated by several packs in {year} ({packs}): choose with {field}").format(
                campaign=campaign_id, year=year, packs=names, field=FIELD
            ),
            field="pack",
        )
    return found[0]


@dataclass(frozen=True)
class ActivityEntry:
    """One activity as a unit reports it; numbers are already whole numbers (see :func:`parse_count`)."""

    day: date
    activity_type: str
    title: str
    male: int
    female: int
    total: int | None = None  # when left empty: male + female
    media: Mapping[str, int] = field(default_factory=dict)
    budget: int = 0
    note: str | None = None

    @property
    def participants(self) -> int:
        return self.male + self.female if self.total is None else self.total


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of an entry."""

    field: str
    message: str


def parse_count(value: Any) -> int:
    """A cell or option as a non-negative whole number; empty is 0. Thousands may be separated
    by dots, as Vietnamese writes them ("5.000.000"), or by spaces; a comma is the decimal
    separator (as in :func:`rules.numbers.parse_figure`, which reads every text accepted here as
    the same number), so "1,200" is refused like any fraction; negatives are refused.

    >>> parse_count("5.000.000"), parse_count(12.0), parse_count(None), parse_count(" 1 200 ")
    (5000000, 12, 0, 1200)
    >>> parse_count("1,200")
    Traceback (most recent call last):
    ...
    ValueError: 1,200 is not a whole number of 0 or more
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise ValueError(_("{value!r} is not a whole number of 0 or more").format(value=value))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        if re.fullmatch(r"[0-9]+", text):
            number = int(text)
        elif re.fullmatch(r"[1-9][0-9]{0,2}(?:([.\u00a0\u202f ])[0-9]{3})(?:\1[0-9]{3})*", text):
            number = int(re.sub(r"[^0-9]", "", text))
        else:
            raise ValueError(_("{value} is not a whole number of 0 or more").format(value=text))
    if number < 0:
        raise ValueError(_("{value} is not a whole number of 0 or more").format(value=number))
    return number


def personal_data(text: str) -> str | None:
    """What in ``text`` could identify a person, or None. Logs hold counts only.

    >>> personal_data("Hỗ trợ 3 người bị bạo lực tại địa chỉ tin cậy")
    >>> personal_data("Chị H., sinh năm 1990, SĐT 0987 654 321")
    'a phone number'
    >>> personal_data("CCCD của người được hỗ trợ")
    'an identity document'
    >>> personal_data("Kinh phí 150000000 đồng"), personal_data("Người được hỗ trợ: 001203004567")
    (None, 'an identity-card number')
    """
    names = {
        "phone": _("a phone number"),
        "identity_number": _("an identity-card number"),
        "email": _("an e-mail address"),
        "birth_year": _("a year of birth"),
        "identity_document": _("an identity document"),
    }
    for pattern, what in _PERSONAL:
        if pattern.search(text):
            return names[what]
    return None


def check_activity(
    entry: ActivityEntry, chosen: PackCampaign, year: int, *, today: date | None = None
) -> list[Problem]:
    """Every problem of one entry: the day outside the window (the pack's preparation days
    allowed before it) or after ``today``, an activity type not in the campaign's list,
    participants whose sexes do not add up, negative numbers or numbers beyond :data:`COUNT_MAX`
    (:data:`BUDGET_MAX` for the budget), media of unknown kinds, text that could identify a person.

    >>> from rules.loader import shipped_packs
    >>> month = find_campaign([p.pack for p in shipped_packs()], "thang-hanh-dong", 2026)
    >>> rally = ActivityEntry(date(2026, 11, 1), "le-phat-dong", "Lễ phát động", male=40, female=60)
    >>> check_activity(rally, month, 2026)  # 14 preparation days before 15/11
    []
    >>> late = ActivityEntry(date(2026, 12, 16), "le-phat-dong", "Tổng kết", male=1, female=2, total=4)
    >>> [p.message for p in check_activity(late, month, 2026)]  # doctest: +NORMALIZE_WHITESPACE
    ['16/12/2026 is outside the campaign (15/11/2026–15/12/2026, from 01/11/2026 with 14 preparation days)',
     'male 1 + female 2 is 3, not the total 4']
    """
    problems: list[Problem] = []
    window = campaign_window(chosen.campaign, year)
    if not window.earliest <= entry.day <= window.end:
        problems.append(
            Problem(
                "day",
                _("{day} is outside the campaign ({window})").format(
                    day=f"{entry.day:%d/%m/%Y}", window=window.describe()
                ),
            )
        )
    elif today is not None and entry.day > today:
        problems.append(
            Problem(
                "day",
                _("{day} is after today ({today}): log what was done").format(
                    day=f"{entry.day:%d/%m/%Y}", today=f"{today:%d/%m/%Y}"
                ),
            )
        )
    types = chosen.type_ids()
    if entry.activity_type not in types:
        problems.append(
            Problem(
                "activity_type",
                _("{type!r} is not an activity type of campaign {campaign}; types: {known}").format(
                    type=entry.activity_type, campaign=chosen.campaign.id, known=", ".join(types)
                ),
            )
        )
    title = entry.title.strip()
    if not title:
        problems.append(Problem("title", _("the title is empty")))
    elif len(title) > TITLE_MAX:
        problems.append(
            Problem(
                "title",
                _("the title is {length} characters long; at most {limit}").format(length=len(title), limit=TITLE_MAX),
            )
        )
    if entry.note is not None and len(entry.note) > NOTE_MAX:
        problems.append(
            Problem(
                "note",
                _("the note is {length} characters long; at most {limit}").format(
                    length=len(entry.note), limit=NOTE_MAX
                ),
            )
        )
    for name, text in (("title", entry.title), ("note", entry.note or "")):
        if what := personal_data(text):
            problems.append(
                Problem(
                    name,
                    _("holds what looks like {what}: logs keep counts only, nothing that identifies a person").format(
                        what=what
                    ),
                )
            )
    numbers = {"male": entry.male, "female": entry.female, "budget": entry.budget}
    if entry.total is not None:
        numbers["total"] = entry.total
    for kind, count in entry.media.items():
        if kind not in MEDIA_KINDS:
            problems.append(
                Problem(
                    f"media.{kind}",
                    _("unknown media kind {kind!r}; kinds: {known}").format(kind=kind, known=", ".join(MEDIA_KINDS)),
                )
            )
        else:
            numbers[f"media.{kind}"] = count
    negative = {name for name, value in numbers.items() if value < 0}
    problems += [
        Problem(name, _("{value} is not a whole number of 0 or more").format(value=numbers[name]))
        for name in sorted(negative)
    ]
    limits = {name: BUDGET_MAX if name == "budget" else COUNT_MAX for name in numbers}
    labels = {"male": _("male"), "female": _("female"), "total": _("total"), "budget": _("budget")}
    too_large = {name for name, value in numbers.items() if value > limits[name]}
    problems += [
        Problem(
            name,
            _("{name} {value} is more than {limit} for one activity: check for a typing error").format(
                name=labels.get(name, name), value=vn_number(numbers[name], 0), limit=vn_number(limits[name], 0)
            ),
        )
        for name in sorted(too_large)
    ]
    consistent = entry.total is None or entry.male + entry.female == entry.total
    if not consistent and not (negative | too_large) & {"male", "female", "total"}:
        problems.append(
            Problem(
                "total",
                _("male {male} + female {female} is {sum}, not the total {total}").format(
                    male=entry.male, female=entry.female, sum=entry.male + entry.female, total=entry.total
                ),
            )
        )
    return problems
