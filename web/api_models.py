"""What the JSON API answers and takes, as pydantic models: the OpenAPI schema is made from them,
and every answer is checked against them. Dates are ISO 8601 (2026-06-19), instants ISO 8601
in Vietnam time (2026-06-19T23:59:59+07:00)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.api_reads import ActivityRow, OverdueRow, RateLine, UnitRef
from app.worklist import STATE_NAMES, ObligationPage, WorkRow
from rules.calendar import VIETNAM
from rules.periods import period_name
from rules.schema import LEVEL_NAMES, UNIT_TYPE_NAMES
from web.render import ACTION_NAMES, status

State = Literal["pending", "submitted", "accepted", "returned", "exempted"]
Level = Literal["commune", "district", "province", "ministry"]
TEXT_MAX = 2000


def vietnam(instant: datetime) -> datetime:
    return instant.astimezone(VIETNAM)


def maybe_vietnam(instant: datetime | None) -> datetime | None:
    return instant.astimezone(VIETNAM) if instant is not None else None


def plain_text(value: str) -> str:
    """Refuse text with control characters (line breaks and tabs aside) or broken characters."""
    for c in value:
        if c not in "\n\r\t" and unicodedata.category(c) in ("Cc", "Cs"):
            raise ValueError("có ký tự điều khiển hoặc ký tự hỏng")
    return value


Words = Annotated[str, AfterValidator(plain_text)]
Reason = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(plain_text)]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- errors ---------------------------------------------------------------------------------


class FieldError(Model):
    field: str = Field(description="Tên trường có lỗi (như trong yêu cầu).")
    message: str = Field(description="Lỗi của trường, bằng tiếng Việt.")


class ErrorBody(Model):
    """Mọi lỗi đều trả về dạng này, lời bằng tiếng Việt."""

    detail: str = Field(description="Lý do, bằng tiếng Việt.", examples=["không tìm thấy"])
    field: str | None = Field(None, description="Trường dữ liệu gây lỗi, nếu có.")
    errors: list[FieldError] | None = Field(None, description="Từng trường không hợp lệ (mã 422).")


# --- who is asking --------------------------------------------------------------------------


class UnitOut(Model):
    """Một đơn vị của cây đơn vị hành chính."""

    id: int
    code: str = Field(description="Mã đơn vị (mã thống kê nếu có).")
    name: str
    level: str = Field(description="Cấp: commune, district, province, ministry.")
    level_name: str
    unit_type: str
    unit_type_name: str
    parent_id: int | None
    valid_from: date
    valid_to: date | None

    @classmethod
    def of(cls, unit: UnitRef) -> UnitOut:
        return cls(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            level=unit.level,
            level_name=LEVEL_NAMES.get(unit.level, unit.level),
            unit_type=unit.unit_type,
            unit_type_name=UNIT_TYPE_NAMES.get(unit.unit_type, unit.unit_type),
            parent_id=unit.parent_id,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )


class MeOut(Model):
    """Người sở hữu mã truy cập: vai trò và đơn vị quyết định phạm vi được xem."""

    user_id: int
    email: str
    name: str
    role: str = Field(description="officer, reviewer, supervisor hoặc admin.")
    role_name: str
    unit: UnitOut


class PageInfo(Model):
    total: int = Field(description="Tổng số bản ghi khớp bộ lọc.")
    limit: int
    offset: int


# --- obligations ----------------------------------------------------------------------------


class ObligationOut(Model):
    """Một nghĩa vụ báo cáo: đơn vị nào gửi báo cáo nào, kỳ nào, cho ai, hạn khi nào, đang ở đâu."""

    id: int
    unit_code: str
    unit_name: str
    report: str = Field(description="Mã báo cáo trong gói quy định.")
    report_name: str
    period: str = Field(description="Kỳ báo cáo: 2026, 2026-H1, 2026-Q3, 2026-09…")
    period_name: str
    hop: int = Field(description="Chặng gửi (1: gửi lên cấp trên trực tiếp).")
    recipient: str = Field(description="Nơi nhận báo cáo.")
    also_recipients: list[str] = Field(description="Các nơi đồng gửi, nếu có.")
    wording: str = Field(description="Hạn như văn bản quy định viết.")
    nominal_date: date
    due_date: date
    due_at: datetime = Field(description="Thời điểm hết hạn.")
    rolled_reason: str | None = Field(description="Vì sao hạn được lùi (ngày nghỉ…), nếu có.")
    assumed: str | None = Field(
        description="Điều hạn giả định, nếu có: ghi chú của gói quy định, hoặc hạn là ước tính "
        "(lịch nghỉ Tết Nguyên đán năm đó chưa được quyết định).",
    )
    state: State
    state_name: str
    status: str = Field(description="Tình trạng bằng lời: đúng hạn, trễ hạn, quá hạn N ngày làm việc…")
    overdue: bool = Field(description="Chưa nộp (hoặc bị trả lại) và đã quá hạn.")
    working_days: int = Field(description="Số ngày làm việc còn lại (≥ 0) hoặc đã trễ (< 0).")
    late_with_permission: bool = Field(description="Đã được gia hạn.")
    last_submitted_at: datetime | None
    return_reason: str | None = Field(description="Lý do của lần trả lại gần nhất.")

    @classmethod
    def of(cls, row: WorkRow) -> ObligationOut:
        return cls(
            id=row.id,
            unit_code=row.unit_code,
            unit_name=row.unit_name,
            report=row.report,
            report_name=row.report_name,
            period=row.period,
            period_name=period_name(row.period),
            hop=row.hop,
            recipient=row.recipient,
            also_recipients=list(row.also_recipients),
            wording=row.wording,
            nominal_date=row.nominal_date,
            due_date=row.due_date,
            due_at=vietnam(row.due_at),
            rolled_reason=row.rolled_reason,
            assumed=row.assumed,
            state=row.state,
            state_name=STATE_NAMES.get(row.state, row.state),
            status=status(row)[0],
            overdue=row.overdue,
            working_days=row.working_days,
            late_with_permission=row.late_with_permission,
            last_submitted_at=maybe_vietnam(row.last_submitted_at),
            return_reason=row.return_reason,
        )


class ObligationList(PageInfo):
    items: list[ObligationOut]


class FileOut(Model):
    """Siêu dữ liệu một tệp đã nộp (nội dung tệp không trả qua API)."""

    id: int
    name: str
    size: int = Field(description="Số byte.")
    sha256: str


class SubmissionOut(Model):
    id: int
    receipt: str = Field(description="Số biên nhận.")
    submitted_at: datetime
    actor: str = Field(description="Người nộp: web:EMAIL (trang web), api:EMAIL (API), cli:… (dòng lệnh).")
    note: str | None
    files: list[FileOut]


class ExtensionOut(Model):
    old_due_at: datetime
    new_due_at: datetime
    reason: str
    granted_by: str
    granted_at: datetime


class EventOut(Model):
    """Một dòng nhật ký của nghĩa vụ."""

    at: datetime
    actor: str
    action: str
    action_name: str
    from_state: str | None
    to_state: str | None
    note: str | None


class FormOut(Model):
    title: str
    kind: str
    sections: list[str]


class ReportOut(Model):
    """Điều gói quy định nói về báo cáo: nội dung, căn cứ, biểu mẫu, cách gửi."""

    pack_title: str
    content: str
    legal_basis: list[str]
    forms: list[FormOut]
    methods: list[str]


class ObligationDetail(ObligationOut):
    """Một nghĩa vụ với các lần nộp, tệp, gia hạn và nhật ký."""

    unit_id: int
    pack_id: str
    pack_version: str
    cycle_year: int
    report_info: ReportOut | None = Field(description="Không có khi gói đã lập kế hoạch không còn được cài.")
    submissions: list[SubmissionOut]
    extensions: list[ExtensionOut]
    history: list[EventOut]

    @classmethod
    def of_page(cls, found: ObligationPage) -> ObligationDetail:
        view, info = found.view, found.report
        receipts = found.receipts
        return cls(
            **ObligationOut.of(view.row).model_dump(),
            unit_id=view.unit_id,
            pack_id=view.pack_id,
            pack_version=view.pack_version,
            cycle_year=view.cycle_year,
            report_info=ReportOut(
                pack_title=info.pack_title,
                content=info.content,
                legal_basis=info.legal_basis,
                forms=[FormOut(title=f.title, kind=f.kind, sections=f.sections) for f in info.forms],
                methods=info.methods,
            )
            if info is not None
            else None,
            submissions=[
                SubmissionOut(
                    id=s.id,
                    receipt=receipts[s.id],
                    submitted_at=vietnam(s.submitted_at),
                    actor=s.actor,
                    note=s.note,
                    files=[FileOut(id=f.id, name=f.name, size=f.size, sha256=f.sha256) for f in s.files],
                )
                for s in view.submissions
            ],
            extensions=[
                ExtensionOut(
                    old_due_at=vietnam(e.old_due_at),
                    new_due_at=vietnam(e.new_due_at),
                    reason=e.reason,
                    granted_by=e.granted_by,
                    granted_at=vietnam(e.granted_at),
                )
                for e in view.extensions
            ],
            history=[
                EventOut(
                    at=vietnam(e.at),
                    actor=e.actor,
                    action=e.action,
                    action_name=ACTION_NAMES.get(e.action, e.action),
                    from_state=e.from_state,
                    to_state=e.to_state,
                    note=e.note,
                )
                for e in view.events
            ],
        )


class ReceiptOut(Model):
    """Biên nhận một lần nộp; biên nhận cũng được gửi tới e-mail của người nộp."""

    obligation_id: int
    receipt: str = Field(description="Số biên nhận.", examples=["BC-000123"])
    state: State
    timeliness: str = Field(description="đúng hạn, hoặc trễ N ngày làm việc.")
    submitted_at: datetime
    files: list[str]
    note: str | None
    sent_to: str = Field(description="E-mail nhận biên nhận.")


class ReviewIn(Model):
    """Tiếp nhận (accept) hoặc trả lại (return, cần lý do) một báo cáo đã nộp."""

    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={"examples": [{"decision": "accept"}, {"decision": "return", "reason": "Thiếu phụ lục 2"}]},
    )

    decision: Literal["accept", "return"] = Field(description="accept: tiếp nhận; return: trả lại.")
    reason: Reason | None = Field(None, description="Lý do trả lại: điều cần sửa (bắt buộc khi trả lại).")


class ExtensionIn(Model):
    """Gia hạn đến hết một ngày (giờ Việt Nam), kèm lý do."""

    model_config = ConfigDict(
        frozen=True, json_schema_extra={"examples": [{"until": "2026-06-30", "reason": "Mưa lũ kéo dài"}]}
    )

    until: date = Field(description="Hạn mới: hết ngày này (YYYY-MM-DD).")
    reason: Reason = Field(description="Lý do gia hạn.")


class ActionOut(Model):
    """Kết quả một thao tác: trạng thái trước, sau, và nghĩa vụ như hiện giờ."""

    obligation_id: int
    from_state: State
    to_state: State
    obligation: ObligationOut


# --- supervision ----------------------------------------------------------------------------


class StatusLineOut(Model):
    """Tỷ lệ báo cáo của một cấp, một báo cáo, một kỳ (cách tính của DHIS2)."""

    level: str
    level_name: str
    report: str
    report_name: str
    period: str
    period_name: str
    expected: int = Field(description="Số đơn vị phải nộp (trừ đơn vị được miễn).")
    submitted: int
    on_time: int
    overdue: int
    exempted: int
    reporting_rate: float = Field(description="Tỷ lệ đã nộp (%).")
    timeliness_rate: float = Field(description="Tỷ lệ nộp đúng hạn (%).")

    @classmethod
    def of(cls, line: RateLine) -> StatusLineOut:
        r = line.row
        return cls(
            level=r.level,
            level_name=LEVEL_NAMES.get(r.level, r.level),
            report=r.report,
            report_name=line.report_name,
            period=r.period,
            period_name=period_name(r.period),
            expected=r.expected,
            submitted=r.submitted,
            on_time=r.on_time,
            overdue=r.overdue,
            exempted=r.exempted,
            reporting_rate=r.reporting_rate,
            timeliness_rate=r.timeliness_rate,
        )


class StatusOut(Model):
    year: int
    unit: UnitOut = Field(description="Đơn vị mà số liệu tính các đơn vị thuộc nó.")
    lines: list[StatusLineOut]


class OverdueOut(Model):
    """Một dòng của danh sách quá hạn hoặc sắp đến hạn."""

    id: int = Field(description="Mã nghĩa vụ (dùng với /obligations/{id}).")
    status: str = Field(description="quá hạn hoặc sắp đến hạn.")
    unit_code: str
    unit_name: str
    level: str
    report: str
    report_name: str
    period: str
    period_name: str
    hop: int
    due_date: date
    due_at: datetime
    wording: str
    working_days: int = Field(description="Số ngày làm việc đã trễ (quá hạn) hoặc còn lại (sắp đến hạn).")
    state: State
    late_with_permission: bool
    focal_point: str | None = Field(description="Đầu mối của đơn vị.")
    focal_point_email: str | None
    head: str | None = Field(description="Thủ trưởng đơn vị.")
    head_email: str | None
    recipient: str

    @classmethod
    def of(cls, r: OverdueRow) -> OverdueOut:
        return cls(
            id=r.id,
            status=r.status,
            unit_code=r.unit,
            unit_name=r.unit_name,
            level=r.level,
            report=r.report,
            report_name=r.report_name,
            period=r.period,
            period_name=period_name(r.period),
            hop=r.hop,
            due_date=r.due_date,
            due_at=vietnam(r.due_at),
            wording=r.wording,
            working_days=r.working_days,
            state=r.state,
            late_with_permission=r.late_with_permission,
            focal_point=r.focal_point,
            focal_point_email=r.focal_point_email,
            head=r.head,
            head_email=r.head_email,
            recipient=r.recipient,
        )


class OverdueList(PageInfo):
    late: int = Field(description="Số dòng quá hạn trong tổng số.")
    soon: int = Field(description="Số dòng sắp đến hạn trong tổng số.")
    items: list[OverdueOut]


# --- units and activities -------------------------------------------------------------------


class UnitList(PageInfo):
    items: list[UnitOut]


class ActivityOut(Model):
    """Một hoạt động của chiến dịch (Tháng hành động…) do một đơn vị ghi nhận: chỉ có số liệu."""

    id: int
    campaign_id: str
    pack_id: str
    year: int
    unit_code: str
    unit_name: str
    activity_date: date
    activity_type: str
    title: str
    participants_male: int
    participants_female: int
    participants_total: int
    media: dict[str, int] = Field(description="Số sản phẩm truyền thông theo loại (news, broadcast, print…).")
    budget_vnd: int
    note: str | None
    source: str = Field(description="Tệp đã nhập, hoặc nơi ghi nhận.")
    recorded_at: datetime

    @classmethod
    def of(cls, a: ActivityRow) -> ActivityOut:
        return cls(
            id=a.id,
            campaign_id=a.campaign_id,
            pack_id=a.pack_id,
            year=a.year,
            unit_code=a.unit_code,
            unit_name=a.unit_name,
            activity_date=a.activity_date,
            activity_type=a.activity_type,
            title=a.title,
            participants_male=a.participants_male,
            participants_female=a.participants_female,
            participants_total=a.participants_total,
            media=a.media,
            budget_vnd=a.budget_vnd,
            note=a.note,
            source=a.source,
            recorded_at=vietnam(a.recorded_at),
        )


class ActivityList(PageInfo):
    items: list[ActivityOut]
