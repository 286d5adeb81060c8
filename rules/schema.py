"""The rule-pack format: what a reporting regime states, as Decree 09/2019/NĐ-CP asks.

Every report carries the elements of Decree 09 art. 7-8: name (tên báo cáo), content (nội dung),
who reports (đối tượng thực hiện), recipient (cơ quan nhận), method (phương thức gửi, nhận),
deadline (thời hạn), frequency (tần suất), data cut-off (thời gian chốt số liệu, art. 12), outline
(đề cương) and data forms (biểu mẫu), plus its legal basis (căn cứ). A report compiled through
several levels is a chain of hops, each with its own deadline (art. 8(5)).

Models forbid unknown keys; dates are ISO strings in YAML and become dates only here.
``dunghan rules schema`` writes the JSON Schema generated from these models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from rules.calendar import Roll
from rules.i18n import _
from rules.wording import (
    AfterAnchor,
    DeadlineRule,
    FixedDate,
    FromParameter,
    is_day_of_year,
    parse_wording,
    words_for_after,
    words_for_fixed,
)

FORMAT_VERSION = 1

Level = Literal["ministry", "province", "district", "commune"]
LEVEL_ORDER: dict[str, int] = {"commune": 0, "district": 1, "province": 2, "ministry": 3}
LEVEL_NAMES = {"ministry": "Bộ", "province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}
# The bodies above the ministries a report can go to (cơ quan ở trung ương): not units of the tree,
# nobody in dunghan receives for them. A recipient naming one has the level "central".
Body = Literal["chinh-phu", "thu-tuong", "quoc-hoi", "uy-ban-thuong-vu-quoc-hoi", "uy-ban-quoc-gia-vstbpn"]
BODY_NAMES: dict[str, str] = {
    "chinh-phu": "Chính phủ",
    "thu-tuong": "Thủ tướng Chính phủ",
    "quoc-hoi": "Quốc hội",
    "uy-ban-thuong-vu-quoc-hoi": "Ủy ban Thường vụ Quốc hội",
    "uy-ban-quoc-gia-vstbpn": "Ủy ban Quốc gia vì sự tiến bộ của phụ nữ Việt Nam",
}
RecipientLevel = Literal["central", "ministry", "province", "district", "commune"]
UnitType = Literal[
    "people_committee",  # Ủy ban nhân dân
    "department",  # sở, ban, ngành; phòng of a district
    "standing_agency",  # cơ quan thường trực về bình đẳng giới: Sở LĐTBXH, from 01/3/2025 Sở Nội vụ
    "mass_organisation",  # Mặt trận, Hội LHPN, Đoàn thanh niên…
    "women_advancement_committee",  # Ban vì sự tiến bộ của phụ nữ
    "public_service_unit",  # báo, đài, trường…
    "management_board",  # ban quản lý (khu công nghiệp, dự án)
    "enterprise",  # doanh nghiệp: reports under the unit that supervises it
    "credit_institution",  # ngân hàng, tổ chức tín dụng
    "payment_agent",  # tổ chức cung ứng dịch vụ trung gian thanh toán, đại lý
    "association",  # hội, hiệp hội
    "other",
]
UNIT_TYPE_NAMES = {
    "people_committee": "UBND",
    "department": "sở, ngành",
    "standing_agency": "cơ quan thường trực",
    "mass_organisation": "đoàn thể",
    "women_advancement_committee": "Ban vì sự tiến bộ của phụ nữ",
    "public_service_unit": "đơn vị sự nghiệp",
    "management_board": "ban quản lý",
    "enterprise": "doanh nghiệp",
    "credit_institution": "tổ chức tín dụng",
    "payment_agent": "tổ chức trung gian thanh toán",
    "association": "hội, hiệp hội",
    "other": "đơn vị khác",
}
# The working-day calendar a kind of unit keeps: the state's (the Prime Minister's swap days and
# worked Saturdays for civil servants) or the Labour Code's (public holidays and their make-up
# days only), for reporters outside the state apparatus.
LABOUR_CALENDAR_TYPES = frozenset({"enterprise", "credit_institution", "payment_agent", "association"})


def keeps_state_calendar(unit_type: str) -> bool:
    """Whether a unit of this type follows the state's swap days."""
    return unit_type not in LABOUR_CALENDAR_TYPES


Frequency = Literal[
    "yearly", "half_yearly", "quarterly", "monthly", "nine_months", "school_year", "campaign", "once", "weekly", "daily"
]
ReportKind = Literal["periodic", "thematic", "ad_hoc"]  # định kỳ, chuyên đề, đột xuất
Method = Literal["paper", "email", "software", "document_system"]
KNOWN_ROLES = ("focal_point", "head", "deputy", "recipient_officer", "level_above", "supervisor")
ROLE_NAMES = {  # as messages name them
    "focal_point": "cán bộ đầu mối",
    "head": "thủ trưởng đơn vị",
    "deputy": "phó thủ trưởng đơn vị",
    "recipient_officer": "cán bộ cơ quan nhận báo cáo",
    "level_above": "lãnh đạo cấp trên",
    "supervisor": "lãnh đạo cơ quan nhận báo cáo",
}
KNOWN_CHANNELS = ("email", "zalo", "zns")
SHORT_NAME_LIMIT = 30  # a name in a Zalo ZNS template parameter: Zalo's usual per-parameter limit
KNOWN_TEMPLATES = ("reminder", "due_today", "overdue", "escalation", "returned", "digest")

_ID = r"^[a-z0-9][a-z0-9_-]*$"
Id = Annotated[str, Field(pattern=_ID, min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1)]
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def _iso_date(value: Any) -> Any:
    """Dates in packs are ISO strings: no integers, no date objects slipped in by a loader."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(_("expected a date written YYYY-MM-DD in quotes, got {value!r}").format(value=value))
    return date.fromisoformat(value)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _day_month(value: str) -> str:
    match = _DAY_MONTH.fullmatch(value)
    if not match:
        raise ValueError(_("expected a day and month written DD/MM, got {value!r}").format(value=value))
    day, month = int(match[1]), int(match[2])
    if not is_day_of_year(day, month):
        raise ValueError(_("{value!r} is not a day of the year").format(value=value))
    return value


DayMonth = Annotated[str, AfterValidator(_day_month)]


def day_month(value: str) -> tuple[int, int]:
    """'15/12' -> (15, 12)."""
    day, month = value.split("/")
    return int(day), int(month)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Selector(Strict):
    """Who reports (đối tượng thực hiện): units of a level, of some types, or listed by code."""

    level: Level | None = None
    types: list[UnitType] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list, description="GSO or own unit codes")
    exclude: list[str] = Field(default_factory=list, description="codes left out")
    name: str | None = Field(None, description="how documents name these units")

    @model_validator(mode="after")
    def _says_who(self) -> Selector:
        if self.level is None and not self.codes:
            raise ValueError(_("a selector needs a level or a list of unit codes"))
        return self

    def label(self) -> str:
        if self.name:
            return self.name
        if self.codes and self.level is None:
            return ", ".join(self.codes)
        parts = [LEVEL_NAMES[self.level]] if self.level else []
        parts += [UNIT_TYPE_NAMES[t] for t in self.types]
        return " ".join(parts)

    def matches(self, level: str, unit_type: str, code: str) -> bool:
        """Whether a unit of this level, type and code is one of these units."""
        if self.level is not None and level != self.level:
            return False
        if self.types and unit_type not in self.types:
            return False
        if self.codes and code not in self.codes:
            return False
        return code not in self.exclude

    def node_keys(self) -> list[str]:
        """Names of this selector in the who-reports-to-whom graph."""
        if self.codes:
            return [f"unit:{code}" for code in self.codes]
        return [f"{self.level}:{t}" for t in self.types] or [f"{self.level}:*"]


class Recipient(Strict):
    """The receiving agency (cơ quan nhận) of a hop: a unit of the tree, found by its level (and
    type) above the reporter or by its code; or a body above the ministries (``body``: Chính phủ,
    Quốc hội…), which is not in the tree and whose level is "central"."""

    level: RecipientLevel = Field(
        "central", description="the unit's level; a body above the ministries leaves it out ('central')"
    )
    name: Text = Field(description="e.g. 'UBND huyện (qua Phòng Lao động – TB&XH)'")
    code: str | None = Field(None, description="a fixed unit, e.g. the Sở's own code")
    unit_type: UnitType | None = None
    body: Body | None = Field(None, description="a body above the ministries, e.g. chinh-phu: not a unit of the tree")

    @model_validator(mode="after")
    def _unit_or_body(self) -> Recipient:
        bodies = ", ".join(BODY_NAMES)
        if self.body is None and self.level == "central":
            raise ValueError(
                _("a recipient needs a level (ministry, province, district, commune) or a body ({bodies})").format(
                    bodies=bodies
                )
            )
        if self.body is not None and (self.level != "central" or self.code or self.unit_type):
            raise ValueError(
                _(
                    "body {body} is above the ministries, not a unit of the tree: it takes no level, code or unit_type"
                ).format(body=self.body)
            )
        return self

    def node_key(self) -> str:
        if self.body:
            return f"body:{self.body}"
        if self.code:
            return f"unit:{self.code}"
        return f"{self.level}:{self.unit_type or '*'}"


class DeadlineSpec(Strict):
    """A deadline in structured form; exactly one of before, by, days_after, working_days_after,
    param."""

    before: str | None = Field(None, description="'25/11' or '05/12/2024': the last day is one before")
    by: str | None = Field(None, description="'20/12' or '20/12/2024': the last day is this day")
    next_year: bool = Field(False, description="the date falls in the year after the period ends")
    working_days_after: int | None = Field(None, ge=1)
    days_after: int | None = Field(None, ge=1)
    after: Literal["cutoff_end", "previous_hop"] = "cutoff_end"
    param: str | None = Field(None, pattern=_ID, description="a cycle parameter holding the date")
    wording: str | None = Field(None, description="the literal words of the document")

    @model_validator(mode="after")
    def _exactly_one(self) -> DeadlineSpec:
        given = [
            k for k in ("before", "by", "working_days_after", "days_after", "param") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                _(
                    "a structured deadline takes exactly one of before, by, working_days_after, "
                    "days_after, param (got {given})"
                ).format(given=", ".join(given) or _("none"))
            )
        return self

    def rule(self) -> DeadlineRule:
        if self.param is not None:
            return FromParameter(self.wording or f"theo tham số {self.param}", self.param)
        if self.working_days_after is not None or self.days_after is not None:
            working = self.working_days_after is not None
            count = self.working_days_after if working else self.days_after
            assert count is not None
            words = self.wording or words_for_after(count, working=working, anchor=self.after)
            return AfterAnchor(words, count, working, self.after)
        text = self.before if self.before is not None else self.by
        assert text is not None
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", text)
        if not match:
            raise ValueError(_("expected DD/MM or DD/MM/YYYY, got {value!r}").format(value=text))
        day, month = int(match[1]), int(match[2])
        year = int(match[3]) if match[3] else None
        inclusive = self.by is not None
        _day_month(f"{day}/{month}")
        words = self.wording or words_for_fixed(day, month, inclusive=inclusive, year=year, next_year=self.next_year)
        return FixedDate(words, day, month, inclusive, year, self.next_year)


def _parse_deadline(value: str | DeadlineSpec) -> str | DeadlineSpec:
    if isinstance(value, str):
        parse_wording(value)  # raises WordingError (a ValueError) with the accepted forms
    else:
        value.rule()
    return value


def _one_or_list(schema: dict[str, Any]) -> None:
    """A hop's ``to`` in the JSON Schema: one recipient, or a list of them."""
    one = schema.pop("items")
    schema.pop("type", None)
    schema["anyOf"] = [one, {"type": "array", "items": one, "minItems": 1}]


class Hop(Strict):
    """One level of a report's chain: who sends to whom, and by when.

    ``to`` is one recipient or several: a document that sends one report, by one deadline, to two
    agencies ("gửi Sở Nội vụ, đồng gửi Sở Y tế") lists them, the one that receives it first."""

    from_: list[Selector] = Field(alias="from", min_length=1)
    recipients: list[Recipient] = Field(
        alias="to",
        description="the receiving agency; or a list, whose first receives the report (cơ quan chủ trì nhận) "
        "and the others are sent it too (đồng gửi)",
        json_schema_extra=_one_or_list,
    )
    deadline: Annotated[str | DeadlineSpec, AfterValidator(_parse_deadline)] = Field(
        description="as the document words it ('trước ngày 25/11') or structured"
    )
    roll: Roll | None = Field(None, description="override of the pack's roll for this hop")
    assumed: str | None = Field(None, description="what is assumed rather than written")

    @field_validator("from_", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("recipients", mode="before")
    @classmethod
    def _one_recipient_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict | Recipient) else value

    @field_validator("recipients")
    @classmethod
    def _distinct_recipients(cls, value: list[Recipient]) -> list[Recipient]:
        if not value:
            raise ValueError(_("to: lists no recipient: name the agency that receives the report"))
        seen: dict[str, tuple[int, str]] = {}
        for number, recipient in enumerate(value, 1):
            key = recipient.node_key()
            if key in seen:
                first, first_name = seen[key]
                raise ValueError(
                    _(
                        "recipient {number} ({name}) is the same agency as recipient {first} ({first_name}): "
                        "list each recipient once"
                    ).format(number=number, name=recipient.name, first=first, first_name=first_name)
                )
            seen[key] = (number, recipient.name)
        return value

    @property
    def to(self) -> Recipient:
        """The principal recipient (cơ quan chủ trì nhận): it accepts or returns the report, and
        its officer is the one reminders name."""
        return self.recipients[0]

    @property
    def also_to(self) -> list[Recipient]:
        """The others the report is sent to (đồng gửi): named wherever the recipient is, told nothing."""
        return self.recipients[1:]

    def rule(self) -> DeadlineRule:
        return parse_wording(self.deadline) if isinstance(self.deadline, str) else self.deadline.rule()

    def from_label(self) -> str:
        return "; ".join(s.label() for s in self.from_)


class CustomCutoff(Strict):
    """A data cut-off window other than Decree 09's (e.g. a report due before the art. 12 end)."""

    start: DayMonth
    end: DayMonth
    assumed: str | None = None
    text: str | None = Field(None, description="the document's own sentence on the cut-off, kept beside it")


class DayCutoff(Strict):
    """Figures up to a day of the period's last month, from the day after it a period before
    ("số liệu tính đến ngày 25 hằng tháng": 26th of the month before to the 25th); Decree 09's
    window is this with day 14."""

    day: int = Field(ge=1, le=27, description="the last day of the data, in the period's last month")
    assumed: str | None = None
    text: str | None = Field(None, description="the document's own sentence on the cut-off, kept beside it")


WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


class WeekdayCutoff(Strict):
    """A weekly window ending on a weekday of the reporting week, from the day after it in the
    week before ("từ thứ Sáu tuần trước đến thứ Năm tuần báo cáo": until thứ Năm)."""

    until: Literal["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
    assumed: str | None = None
    text: str | None = Field(None, description="the document's own sentence on the cut-off, kept beside it")

    @property
    def weekday(self) -> int:
        """0 for Monday … 6 for Sunday."""
        return WEEKDAYS.index(self.until)


Cutoff = Literal["decree09", "calendar", "none"] | CustomCutoff | DayCutoff | WeekdayCutoff


class Target(Strict):
    """A target of the strategy for a year: the province's own value and, where the document writes
    it beside, the national one ("dưới 20% (TW 30)")."""

    year: int = Field(ge=2000, le=2100)
    value: float
    central: float | None = Field(None, description="the national target where it differs '(TW 30)'")
    direction: Literal["at_least", "at_most", "about"] = "at_least"


class Indicator(Strict):
    """A row of an indicator table (Phụ lục 01): a value to enter, a ratio computed from two other
    rows (never typed), or a heading (Mục tiêu, Chỉ tiêu) that takes no value."""

    code: Text
    name: Text
    unit: str | None = Field(None, description="%, người, cơ sở…")
    agency: str | None = Field(
        None, description="đơn vị chủ trì tham mưu thực hiện, as written; several separated by ';'"
    )
    period: Literal["year", "school_year"] | None = None
    targets: list[Target] = Field(default_factory=list)
    numerator: str | None = Field(None, description="code of the numerator indicator")
    denominator: str | None = Field(None, description="code of the denominator indicator")
    heading: bool = Field(False, description="a title row (Mục tiêu, Chỉ tiêu) that takes no value")

    @model_validator(mode="after")
    def _ratio(self) -> Indicator:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError(_("indicator {code}: numerator and denominator go together").format(code=self.code))
        if self.heading and self.numerator is not None:
            raise ValueError(_("indicator {code}: a heading takes no numerator or denominator").format(code=self.code))
        return self

    @property
    def is_ratio(self) -> bool:
        """Computed as numerator / denominator (tỷ lệ), never typed."""
        return self.numerator is not None

    @property
    def is_entered(self) -> bool:
        """Typed by the agencies that answer for it."""
        return not self.heading and not self.is_ratio

    def agencies(self) -> list[str]:
        """The agencies named in the 'đơn vị chủ trì' column, in their order (the first leads)."""
        return [part.strip() for part in (self.agency or "").split(";") if part.strip()]


class IndicatorAgency(Strict):
    """What an agency named in an indicator table means in the tree: the units that enter its values."""

    name: Text = Field(description="as written in the indicators' agency column, e.g. 'Sở Y tế'")
    units: list[Selector] = Field(
        default_factory=list, description="the units that enter; empty: none of the tree's units (say why)"
    )
    assumed: str | None = None

    @model_validator(mode="after")
    def _why_none(self) -> IndicatorAgency:
        if not self.units and not self.assumed:
            raise ValueError(
                _("agency {name!r} names no units: say who enters its values in 'assumed'").format(name=self.name)
            )
        return self


class Form(Strict):
    """A data form (biểu mẫu) or an outline (đề cương) attached to a report."""

    id: Id
    title: Text
    kind: Literal["indicator_table", "outline", "table"]
    columns: list[str] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    agencies: list[IndicatorAgency] = Field(
        default_factory=list, description="for an indicator table: each agency named in it, as units"
    )
    sections: list[str] = Field(default_factory=list, description="outline headings, in order")

    @model_validator(mode="after")
    def _indicator_table(self) -> Form:
        if self.kind != "indicator_table":
            if self.indicators or self.agencies:
                raise ValueError(
                    _("form {form}: indicators and agencies belong to an indicator_table").format(form=self.id)
                )
            return self
        by_code: dict[str, Indicator] = {}
        for indicator in self.indicators:
            if indicator.code in by_code:
                raise ValueError(
                    _("form {form}: indicator code {code!r} is used twice").format(form=self.id, code=indicator.code)
                )
            by_code[indicator.code] = indicator
        for indicator in self.indicators:
            for part in (indicator.numerator, indicator.denominator):
                if part is None:
                    continue
                other = by_code.get(part)
                if other is None:
                    raise ValueError(
                        _("form {form}: indicator {code} is computed from {part!r}, no such row").format(
                            form=self.id, code=indicator.code, part=part
                        )
                    )
                if not other.is_entered:
                    raise ValueError(
                        _("form {form}: indicator {code} is computed from {part}, which is not entered").format(
                            form=self.id, code=indicator.code, part=part
                        )
                    )
        mapped = {a.name for a in self.agencies}
        for indicator in self.indicators:
            unknown = [name for name in indicator.agencies() if name not in mapped]
            if unknown:
                raise ValueError(
                    _(
                        "form {form}: indicator {code}: agency {agency!r} is not listed in the "
                        "form's agencies (which units enter its values?)"
                    ).format(form=self.id, code=indicator.code, agency=unknown[0])
                )
            if indicator.is_entered and not indicator.agencies():
                raise ValueError(
                    _("form {form}: indicator {code} is entered but names no agency").format(
                        form=self.id, code=indicator.code
                    )
                )
        return self

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def agency(self, name: str) -> IndicatorAgency | None:
        return next((a for a in self.agencies if a.name == name), None)


_SHORT_LINK = r"^([a-z0-9][a-z0-9_-]*)/([a-z0-9][a-z0-9_-]*)$"


class ReportLink(Strict):
    """A report of an earlier pack that a report carries on (``continues``).

    The obligations of the linking report continue the series of the linked one: the same report
    asked again under a new regime (e.g. the 2024 six-month report of a three-tier plan and the
    six-month report of the two-tier regime from 01/07/2025). A trend over years reads the linked
    reports' years before the linking pack's. Written ``{pack: bac-ninh-2024, report: ket-qua-ctqg}``
    or, short, ``"bac-ninh-2024/ket-qua-ctqg"``. A link names another pack: the lint checks that it
    exists, ended before this pack began, that the report has the same frequency (and periods, and
    campaign) and that no series comes back to itself.
    """

    pack: Id = Field(description="id of the earlier pack")
    report: Id = Field(description="id of the report in that pack")

    def __str__(self) -> str:
        return f"{self.pack}/{self.report}"


def _short_link(value: Any) -> Any:
    """'pack-id/report-id' -> {pack, report}; mappings pass through to the model."""
    if isinstance(value, str):
        match = re.fullmatch(_SHORT_LINK, value)
        if not match:
            raise ValueError(
                _("expected 'pack-id/report-id' or {{pack: …, report: …}}, got {value!r}").format(value=value)
            )
        return {"pack": match[1], "report": match[2]}
    return value


ShortLink = Annotated[str, Field(pattern=_SHORT_LINK, description="'pack-id/report-id'")]
LinkItem = Annotated[ReportLink, BeforeValidator(_short_link, json_schema_input_type=ShortLink | ReportLink)]


class Report(Strict):
    id: Id
    name: Text
    short_name: str | None = Field(
        None,
        min_length=1,
        max_length=SHORT_NAME_LIMIT,
        description=(
            "the name in short, for a Zalo ZNS template (at most 30 characters), "
            "e.g. 'BC công tác BĐG năm'; without it the name is shortened by rule"
        ),
    )
    kind: ReportKind = "periodic"
    content: Text
    forms: list[Form] = Field(default_factory=list)
    method: list[Method] = Field(min_length=1)
    frequency: Frequency
    periods: list[str] | None = Field(None, description="restrict to some periods: H1, H2, Q1-Q4, 1-12 (months)")
    cutoff: Cutoff = Field(
        "decree09",
        description=(
            "decree09, calendar, none; {start, end} for one period a year; {day: 25} for figures to a day "
            "of the period's last month; {until: thứ Năm} for a weekly window"
        ),
    )
    campaign: Id | None = Field(None, description="for frequency campaign: the campaign id")
    event: Id | None = Field(
        None,
        description=(
            "the kind of event (in the pack's events) the first hop counts from, for a report due "
            "'… kể từ ngày …' an event: `dunghan event record KIND` creates its obligations"
        ),
    )
    chain: list[Hop] = Field(min_length=1)
    ladder: str | None = Field(None, description="the ladder of reminders before and after the due day")
    returned_ladder: str | None = Field(None, description="the short ladder that starts when a report is returned")
    legal_basis: list[Text] = Field(default_factory=list)
    continues: list[LinkItem] = Field(
        default_factory=list,
        description=(
            "reports of earlier packs this report carries on, as {pack, report} or 'pack-id/report-id': "
            "its obligations continue their series, and a trend over years reads their years before "
            "this pack's; each has the same frequency (and periods) and its pack ended before this one began"
        ),
    )
    assumed: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Report:
        allowed = {
            "half_yearly": {"H1", "H2"},
            "quarterly": {"Q1", "Q2", "Q3", "Q4"},
            "monthly": {str(m) for m in range(1, 13)},
        }
        if self.periods is not None:
            if self.frequency not in allowed:
                raise ValueError(
                    _("periods apply to half_yearly, quarterly and monthly reports, not {frequency}").format(
                        frequency=self.frequency
                    )
                )
            bad = [p for p in self.periods if p not in allowed[self.frequency]]
            if bad:
                raise ValueError(
                    _("unknown period {period!r} for {frequency}; use {allowed}").format(
                        period=bad[0], frequency=self.frequency, allowed=sorted(allowed[self.frequency])
                    )
                )
        if (self.frequency == "campaign") != (self.campaign is not None):
            raise ValueError(_("frequency campaign and the campaign key go together"))
        if isinstance(self.cutoff, CustomCutoff):
            several = self.frequency in allowed and (self.periods is None or len(self.periods) > 1)
            if several or self.frequency == "campaign":
                raise ValueError(_("a custom cut-off applies to reports with one period a year"))
        if isinstance(self.cutoff, DayCutoff) and self.frequency not in (
            "monthly",
            "quarterly",
            "half_yearly",
            "yearly",
            "nine_months",
        ):
            raise ValueError(
                _("a cut-off day of the month applies to monthly to yearly reports, not {frequency}").format(
                    frequency=self.frequency
                )
            )
        if isinstance(self.cutoff, WeekdayCutoff) and self.frequency != "weekly":
            raise ValueError(
                _("a cut-off weekday applies to weekly reports, not {frequency}").format(frequency=self.frequency)
            )
        first = self.chain[0].rule()
        if isinstance(first, AfterAnchor) and first.anchor == "previous_hop":
            raise ValueError(_("the first hop has no level below: its deadline cannot follow one"))
        if self.event is not None and not (isinstance(first, AfterAnchor) and first.anchor == "event"):
            raise ValueError(
                _("report {report} names event {event}, but its first deadline does not count from an event").format(
                    report=self.id, event=self.event
                )
            )
        links = [str(link) for link in self.continues]
        twice = next((link for index, link in enumerate(links) if link in links[:index]), None)
        if twice is not None:
            raise ValueError(_("continues names {link} twice").format(link=twice))
        return self


class ActivityType(Strict):
    id: Id
    name: Text


class Metric(Strict):
    id: Id
    name: Text
    unit: Text
    by_sex: bool = False


class Window(Strict):
    start: DayMonth
    end: DayMonth


class EventKind(Strict):
    """Something that happens and starts a report's count ("kể từ ngày kết thúc đợt kiểm tra"):
    recorded with ``dunghan event record KIND --unit CODE --date D``."""

    id: Id
    name: Text
    description: str | None = None


class Campaign(Strict):
    """A yearly campaign such as the Action Month (Tháng hành động, 15/11–15/12)."""

    id: Id
    name: Text
    window: Window
    preparation_days: int = Field(0, ge=0, description="days before the window a log may be dated")
    activity_types: list[ActivityType] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)
    assumed: str | None = None


class LadderStep(Strict):
    """A reminder or escalation relative to the due instant (negative offset: before it).

    Counted in working days or calendar days from the due day, or in hours from the due instant
    itself (``unit: hours``, for reports due at a clock time: "trước 16 giờ 30 hằng ngày");
    ``repeat_every`` and ``repeat_until`` count in the step's unit."""

    id: Id
    offset: int = Field(
        description="working days or days from the due day, or hours from the due instant; negative before, "
        "positive after"
    )
    unit: Literal["working_days", "days", "hours"] = "working_days"
    to: list[str] = Field(min_length=1, description=f"roles: {', '.join(KNOWN_ROLES)}")
    channels: list[str] = Field(default_factory=lambda: ["zalo", "email"], min_length=1)
    template: str
    repeat_every: int | None = Field(None, ge=1)
    repeat_until: int | None = Field(None, description="last offset a repeat may fall on")
    cap: int | None = Field(None, ge=1, description="at most this many sends of the step")
    working_days_only: bool = Field(
        True, description="a step that falls on a day off waits for the next working day (an hour step: same time)"
    )
    mandatory: bool = Field(False, description="sent on every channel whatever the contact prefers")

    @model_validator(mode="after")
    def _repeat(self) -> LadderStep:
        if self.repeat_every is None and (self.repeat_until is not None or self.cap is not None):
            raise ValueError(_("repeat_until and cap need repeat_every"))
        if self.repeat_until is not None and self.repeat_until < self.offset:
            raise ValueError(_("repeat_until is before the step's own offset"))
        return self


class Ladder(Strict):
    name: str | None = None
    steps: list[LadderStep] = Field(min_length=1)


class Param(Strict):
    """A date the admin sets per cycle (``--param NAME=YYYY-MM-DD``), with an optional default."""

    name: Annotated[str, Field(pattern=_ID)]
    description: Text
    default: DayMonth | None = Field(None, description="DD/MM in the period's end year when unset")


class CalendarChoice(Strict):
    overrides: list[Id] = Field(default_factory=lambda: ["vn"], description="files in calendars/")
    culture_day: bool = Field(True, description="24/11 Ngày Văn hóa Việt Nam as a day off (from 2026)")


class Pack(Strict):
    """A reporting regime: the reports, campaigns and escalation ladders of one plan or decision."""

    format: Literal[1] = Field(description="version of this file format")
    id: Id
    version: Text = Field(description="the pack's own version, e.g. 2024.1")
    title: Text
    issuer: Text
    legal_basis: list[Text] = Field(min_length=1)
    time_zone: Literal["Asia/Ho_Chi_Minh"] = "Asia/Ho_Chi_Minh"
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    calendar: CalendarChoice = Field(default_factory=CalendarChoice)
    roll: Roll = Field(Roll.NEXT, description="Civil Code art. 148 (next) unless the regime says")
    scope: list[str] = Field(
        default_factory=list, description="codes of the units whose subtree the pack covers; empty: any (--under)"
    )
    params: list[Param] = Field(default_factory=list)
    reports: list[Report] = Field(default_factory=list)
    campaigns: list[Campaign] = Field(default_factory=list)
    events: list[EventKind] = Field(default_factory=list, description="the kinds of event reports count from")
    ladders: dict[Id, Ladder] = Field(default_factory=dict)
    assumed: str | None = None

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        for twice, ids in (
            (_("report id {id!r} is used twice"), [r.id for r in self.reports]),
            (_("campaign id {id!r} is used twice"), [c.id for c in self.campaigns]),
            (_("event id {id!r} is used twice"), [e.id for e in self.events]),
        ):
            seen: set[str] = set()
            for item in ids:
                if item in seen:
                    raise ValueError(twice.format(id=item))
                seen.add(item)
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(_("valid_to is before valid_from"))
        kinds = [e.id for e in self.events]
        for report in self.reports:
            if report.event is not None and report.event not in kinds:
                raise ValueError(
                    _("report {report}: event {event!r} is not among the pack's events ({kinds})").format(
                        report=report.id, event=report.event, kinds=", ".join(kinds) or "—"
                    )
                )
            for link in report.continues:
                if link.pack != self.id:
                    continue
                if link.report == report.id:
                    raise ValueError(
                        _("report {report} continues itself ({link}): name a report of an earlier pack").format(
                            report=report.id, link=link
                        )
                    )
                raise ValueError(
                    _(
                        "report {report} continues {link}, a report of this same pack: "
                        "a report continues reports of earlier packs"
                    ).format(report=report.id, link=link)
                )
        return self

    def applies_in(self, year: int) -> bool:
        return self.valid_from.year <= year and (self.valid_to is None or self.valid_to.year >= year)

    def campaign(self, campaign_id: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def event(self, event_id: str) -> EventKind | None:
        return next((e for e in self.events if e.id == event_id), None)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a pack file, for editors and for ``rules/packs/pack.schema.json``."""
    schema = Pack.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dunghan rule pack"
    return schema


def report_short_names(reports: Iterable[Report]) -> dict[str, str]:
    """A report's full name → its short name, for the reports that have one."""
    return {report.name: report.short_name for report in reports if report.short_name}
