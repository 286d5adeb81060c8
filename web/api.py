"""The JSON API under /api/v1, a sub-application with its own OpenAPI page: per-user tokens carry
the user's role and scope; errors are JSON with a Vietnamese message.

Routes are thin, as the pages': find the person behind the token, call ``app/``, answer with a
model of :mod:`web.api_models`. Scope and rights are those of the pages, checked in ``app/`` and
in the SQL: out of scope or unknown is 404 alike, a role that may not act is 403, bad input is
400 or 422 naming the field, an action the report's state does not allow is 409.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import BackgroundTasks, Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import api_reads, api_tokens, worklist
from app.api_reads import ActivityFilter, IllegalTransition, ObligationFilter, OverdueFilter
from app.notifying import deliver_ready
from app.settings import get_settings
from app.worklist import ROLE_NAMES, NotAllowed, NotVisible, Viewer
from rules.clock import Clock
from rules.errors import FIELD, DunghanError
from rules.i18n import _
from web.api_models import (
    TEXT_MAX,
    ActionOut,
    ActivityList,
    ActivityOut,
    ErrorBody,
    ExtensionIn,
    FieldError,
    Level,
    MeOut,
    ObligationDetail,
    ObligationList,
    ObligationOut,
    OverdueList,
    OverdueOut,
    ReceiptOut,
    ReviewIn,
    State,
    StatusLineOut,
    StatusOut,
    UnitList,
    UnitOut,
    plain_text,
    vietnam,
)
from web.security import engine_of, now

SWAGGER = "/static/swagger"  # Swagger UI, vendored from the npm package swagger-ui-dist (no CDN)
CODE_PATTERN = r"^[0-9A-Za-z._-]{1,64}$"  # report, period, unit and campaign codes
FILE_NAME_MAX = 255
NOT_FOUND = "không tìm thấy"
OK = "Thành công."

DESCRIPTION = """
API JSON của **dunghan** (đúng hạn): nghĩa vụ báo cáo, nộp báo cáo, tiếp nhận, gia hạn, theo dõi
quá hạn và tỷ lệ báo cáo, hoạt động của chiến dịch, cây đơn vị.

**Xác thực.** Mỗi yêu cầu gửi kèm mã truy cập cá nhân trong tiêu đề
`Authorization: Bearer <mã>`. Tạo mã trên trang *Mã truy cập API* (`/ma-api`) hoặc bằng lệnh
`dunghan user token EMAIL`; mã chỉ hiện một lần. Mã mang vai trò và phạm vi của người sở hữu:
thấy đúng những gì người đó thấy trên trang web. Thu hồi mã, hoặc khóa tài khoản, thì mã ngừng
hoạt động ngay.

**Lỗi.** Mọi lỗi là JSON `{"detail": "…"}` bằng tiếng Việt: 401 thiếu hoặc sai mã, 403 vai trò
không được làm việc này, 404 không có hoặc ngoài phạm vi (hai trường hợp không được phân biệt),
400 và 422 dữ liệu không hợp lệ (kèm `field`), 409 trạng thái báo cáo không cho phép thao tác.

**Ngày giờ** theo ISO 8601: ngày `2026-06-19`, thời điểm theo giờ Việt Nam
`2026-06-19T23:59:59+07:00`. **Trang**: `limit` (tối đa 500) và `offset`; mỗi danh sách trả về
`total`.
"""

TAGS = [
    {"name": "Nghĩa vụ báo cáo", "description": "Xem, nộp, tiếp nhận, trả lại, gia hạn."},
    {"name": "Theo dõi", "description": "Quá hạn, sắp đến hạn và tỷ lệ báo cáo (lãnh đạo, quản trị)."},
    {"name": "Đơn vị", "description": "Người sở hữu mã và các đơn vị trong phạm vi."},
    {"name": "Chiến dịch", "description": "Hoạt động của các chiến dịch (Tháng hành động…)."},
]

# How the answers name a field of a request: its Vietnamese label, then its name in the request.
FIELD_NAMES = {
    "files": "Tệp báo cáo (files)",
    "note": "Ghi chú (note)",
    "reason": "Lý do (reason)",
    "until": "Hạn mới (until)",
    "decision": "Quyết định (decision)",
    "ids": "Báo cáo",
    "name": "Tên mã (name)",
    "limit": "Số dòng mỗi trang (limit)",
    "offset": "Vị trí bắt đầu (offset)",
    "state": "Trạng thái (state)",
    "report": "Báo cáo (report)",
    "period": "Kỳ báo cáo (period)",
    "level": "Cấp (level)",
    "unit": "Đơn vị (unit)",
    "overdue": "Chỉ quá hạn (overdue)",
    "status": "Tình trạng (status)",
    "sort": "Sắp xếp (sort)",
    "descending": "Giảm dần (descending)",
    "year": "Năm (year)",
    "campaign": "Chiến dịch (campaign)",
    "obligation_id": "Mã nghĩa vụ (obligation_id)",
    "body": "Nội dung yêu cầu",
}


def field_name(field: str) -> str:
    return FIELD_NAMES.get(field, field)


def api_worded(exc: DunghanError) -> str:
    text = exc.worded(field_name, lambda action: "liên hệ quản trị")
    return text[:1].upper() + text[1:]


class NoToken(Exception):
    """No token, or one that is unknown, revoked or whose owner is disabled."""


def error(code: int, detail: str, *, field: str | None = None, **extra: Any) -> JSONResponse:
    body = ErrorBody(detail=detail, field=field, **extra).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=code)


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    words = {
        400: "Dữ liệu không hợp lệ (kèm trường gây lỗi).",
        401: "Thiếu mã truy cập, mã sai, đã thu hồi, hoặc tài khoản đã bị khóa.",
        403: "Vai trò của người sở hữu mã không được làm việc này.",
        404: "Không có, hoặc ngoài phạm vi của người sở hữu mã.",
        409: "Trạng thái hiện tại của báo cáo không cho phép thao tác này.",
        422: "Tham số hoặc nội dung yêu cầu sai dạng (kèm từng trường).",
    }
    return {code: {"model": ErrorBody, "description": words[code]} for code in (401, 422, *codes)}


# --- who is asking ---------------------------------------------------------------------------

BEARER = HTTPBearer(
    scheme_name="MaTruyCap",
    bearerFormat="dh_…",
    description="Mã truy cập API cá nhân (trang /ma-api hoặc `dunghan user token EMAIL`).",
    auto_error=False,
)


def token_viewer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> Viewer:
    """The person whose live token the request carries; 401 otherwise."""
    if credentials is None:
        raise NoToken()
    found = api_tokens.viewer_for_token(engine_of(request), credentials.credentials, at=now(request))
    if found is None:
        raise NoToken()
    return found


TokenViewer = Annotated[Viewer, Depends(token_viewer)]
Limit = Annotated[int, Query(ge=1, le=500, description="Số dòng mỗi trang.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Bỏ qua chừng ấy dòng đầu.")]
ObligationId = Annotated[int, PathParam(ge=1, le=2_147_483_647, description="Mã nghĩa vụ.")]


def code_query(description: str) -> Any:
    """A code given in the query (report, period, unit, campaign): letters without marks, digits, . _ -"""
    return Query(pattern=CODE_PATTERN, description=description)


def year_query(description: str) -> Any:
    return Query(ge=2000, le=2100, description=description)


class NoStore:
    """Answers of the API are personal: never kept by a cache on the way."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, sending)


# --- the application -------------------------------------------------------------------------


def create_api(engine: Engine, *, clock: Clock) -> FastAPI:
    api = FastAPI(
        title="dunghan API",
        version="1",
        summary="Nghĩa vụ báo cáo, nộp và tiếp nhận, theo dõi quá hạn.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        generate_unique_id_function=lambda route: route.name,  # operationId: the function's name
    )
    api.state.engine = engine
    api.state.clock = clock
    api.add_middleware(NoStore)
    _errors(api)
    _routes(api)
    return api


def _errors(api: FastAPI) -> None:
    @api.exception_handler(NoToken)
    async def _no_token(request: Request, exc: NoToken) -> Response:
        response = error(
            401,
            "Cần mã truy cập API hợp lệ trong tiêu đề Authorization: Bearer <mã> "
            "(mã có thể sai, đã thu hồi, hoặc tài khoản đã bị khóa).",
        )
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(NotVisible)
    async def _missing(request: Request, exc: NotVisible) -> Response:
        return error(404, NOT_FOUND)

    @api.exception_handler(NotAllowed)
    async def _refused(request: Request, exc: NotAllowed) -> Response:
        return error(403, api_worded(exc))

    @api.exception_handler(IllegalTransition)
    async def _conflict(request: Request, exc: IllegalTransition) -> Response:
        return error(409, api_worded(exc))

    @api.exception_handler(DunghanError)
    async def _bad_input(request: Request, exc: DunghanError) -> Response:
        return error(400, api_worded(exc), field=exc.field)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        found = [_field_error(e) for e in exc.errors()]
        detail = "Dữ liệu không hợp lệ: " + "; ".join(f"{field_name(f.field)}: {f.message}" for f in found)
        return error(422, detail, field=found[0].field if found else None, errors=found)

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        words = {404: NOT_FOUND, 405: "phương thức này không dùng được ở địa chỉ này"}
        response = error(exc.status_code, words.get(exc.status_code, "yêu cầu không thực hiện được"))
        if exc.headers:
            response.headers.update(exc.headers)
        return response


def _field_error(found: Any) -> FieldError:
    """One of pydantic's errors in Vietnamese, with the field it is about."""
    loc = [str(part) for part in found.get("loc", ()) if part not in ("query", "path", "body", "header")]
    field = ".".join(loc) if loc else "body"
    kind, ctx = found.get("type", ""), found.get("ctx") or {}
    messages = {
        "missing": "thiếu",
        "int_parsing": "phải là số nguyên",
        "int_type": "phải là số nguyên",
        "bool_parsing": "phải là true hoặc false",
        "bool_type": "phải là true hoặc false",
        "string_type": "phải là chuỗi ký tự",
        "date_parsing": "phải là ngày dạng YYYY-MM-DD",
        "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
        "date_from_datetime_inexact": "phải là ngày dạng YYYY-MM-DD",
        "date_type": "phải là ngày dạng YYYY-MM-DD",
        "string_pattern_mismatch": "chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới (tối đa 64 ký tự)",
        "json_invalid": "không phải JSON hợp lệ",
        "model_attributes_type": "phải là một đối tượng JSON",
        "dict_type": "phải là một đối tượng JSON",
        "model_type": "phải là một đối tượng JSON",
        "list_type": "phải là một danh sách",
    }
    if kind == "greater_than_equal":
        message = f"phải từ {ctx.get('ge')} trở lên"
    elif kind == "greater_than":
        message = f"phải lớn hơn {ctx.get('gt')}"
    elif kind == "less_than_equal":
        message = f"phải không quá {ctx.get('le')}"
    elif kind == "less_than":
        message = f"phải nhỏ hơn {ctx.get('lt')}"
    elif kind == "string_too_long":
        message = f"dài quá {ctx.get('max_length')} ký tự"
    elif kind == "string_too_short":
        message = "không được để trống"
    elif kind in ("literal_error", "enum"):
        message = f"phải là một trong: {str(ctx.get('expected', '')).replace(' or ', ' hoặc ')}"
    elif kind == "value_error":
        message = str(ctx.get("error", "không hợp lệ"))
    else:
        message = messages.get(kind, "không hợp lệ")
    return FieldError(field=field, message=message)


def _spool(upload: StarletteUpload, folder: Path, index: int) -> worklist.Upload:
    """Copy one uploaded file to ``folder``, stopping past the size cap (the rest is not read)."""
    target = folder / f"{index}"
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > worklist.MAX_FILE_BYTES:
                break
            out.write(chunk)
    return worklist.Upload(_file_name(upload.filename), target, written)


def _file_name(sent: str | None) -> str:
    """The name a file was sent under (its last part), refused when no store could keep it."""
    name = Path((sent or "tep").replace("\\", "/")).name or "tep"
    try:
        plain_text(name)
    except ValueError:
        raise DunghanError(_("{field}: the file name has control characters, rename the file"), field="files") from None
    if len(name) > FILE_NAME_MAX or "\n" in name or "\r" in name or "\t" in name:
        raise DunghanError(
            _("{field}: the file name is longer than {limit} characters or has a line break").format(
                field=FIELD, limit=FILE_NAME_MAX
            ),
            field="files",
        )
    return name


def _note(note: str) -> str | None:
    try:
        plain_text(note)
    except ValueError as exc:
        raise DunghanError(f"{{field}}: {exc}", field="note") from None
    return note.strip() or None


def _current(request: Request, viewer: Viewer, obligation_id: int) -> ObligationOut:
    found = worklist.obligation_page(engine_of(request), viewer, obligation_id, at=now(request))
    return ObligationOut.of(found.view.row)


def _routes(api: FastAPI) -> None:
    @api.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title="dunghan API – tài liệu",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None, "docExpansion": "list", "defaultModelsExpandDepth": 0},
        )

    @api.get(
        "/me",
        tags=["Đơn vị"],
        summary="Người sở hữu mã",
        description="Người sở hữu mã truy cập, vai trò và đơn vị của họ: phạm vi của mọi yêu cầu.",
        response_description=OK,
        responses=_responses(),
    )
    def me(viewer: TokenViewer) -> MeOut:
        return MeOut(
            user_id=viewer.user_id,
            email=viewer.email,
            name=viewer.name,
            role=viewer.role,
            role_name=ROLE_NAMES.get(viewer.role, viewer.role),
            unit=UnitOut.of(viewer.unit),
        )

    @api.get(
        "/obligations",
        tags=["Nghĩa vụ báo cáo"],
        summary="Danh sách nghĩa vụ",
        description=(
            "Các nghĩa vụ trong phạm vi người sở hữu mã (cán bộ báo cáo: của đơn vị mình; cán bộ tiếp "
            "nhận: gửi tới đơn vị mình; lãnh đạo và quản trị: mọi đơn vị thuộc đơn vị mình), hạn sớm "
            "nhất trước, lọc như trang Quá hạn."
        ),
        response_description=OK,
        responses=_responses(),
    )
    def obligations(
        request: Request,
        viewer: TokenViewer,
        state: Annotated[State | None, Query(description="Trạng thái.")] = None,
        report: Annotated[str | None, code_query("Mã báo cáo.")] = None,
        period: Annotated[str | None, code_query("Kỳ báo cáo (2026-H1…).")] = None,
        level: Annotated[Level | None, Query(description="Cấp của đơn vị phải nộp.")] = None,
        unit: Annotated[str | None, code_query("Mã đơn vị phải nộp.")] = None,
        overdue: Annotated[bool, Query(description="Chỉ những nghĩa vụ chưa nộp đã quá hạn.")] = False,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ObligationList:
        wanted = ObligationFilter(state=state, report=report, period=period, level=level, unit=unit, overdue=overdue)
        found = api_reads.obligations(engine_of(request), viewer, wanted, at=now(request), limit=limit, offset=offset)
        return ObligationList(
            total=found.total, limit=limit, offset=offset, items=[ObligationOut.of(r) for r in found.items]
        )

    @api.get(
        "/obligations/{obligation_id}",
        tags=["Nghĩa vụ báo cáo"],
        summary="Một nghĩa vụ",
        description="Một nghĩa vụ với các lần nộp, siêu dữ liệu tệp, gia hạn và nhật ký.",
        response_description=OK,
        responses=_responses(404),
    )
    def obligation(request: Request, viewer: TokenViewer, obligation_id: ObligationId) -> ObligationDetail:
        return ObligationDetail.of_page(
            worklist.obligation_page(engine_of(request), viewer, obligation_id, at=now(request))
        )

    @api.post(
        "/obligations/{obligation_id}/submissions",
        tags=["Nghĩa vụ báo cáo"],
        summary="Nộp báo cáo",
        description=(
            "Nộp một hoặc nhiều tệp (multipart/form-data, trường `files`) kèm ghi chú; trả về biên "
            f"nhận, biên nhận cũng được gửi tới e-mail người nộp. Nhận tệp "
            f"{', '.join(s.lstrip('.') for s in worklist.ALLOWED_SUFFIXES)}; tối đa {worklist.MAX_FILES} "
            f"tệp, mỗi tệp tối đa {worklist.MAX_FILE_BYTES // (1024 * 1024)} MB. Cán bộ báo cáo và quản trị."
        ),
        status_code=201,
        response_description="Đã nộp: biên nhận.",
        responses=_responses(400, 403, 404, 409),
    )
    def submit(
        request: Request,
        viewer: TokenViewer,
        obligation_id: ObligationId,
        background: BackgroundTasks,
        files: Annotated[list[UploadFile], File(description="Các tệp báo cáo.")],
        note: Annotated[str, Form(max_length=TEXT_MAX, description="Ghi chú (không bắt buộc).")] = "",
    ) -> ReceiptOut:
        engine, at = engine_of(request), now(request)
        cleaned = _note(note)
        with tempfile.TemporaryDirectory(prefix="dunghan-api-upload-") as folder:
            uploads = [_spool(f, Path(folder), i) for i, f in enumerate(files)]
            outcome = worklist.submit(engine, viewer, obligation_id, uploads=uploads, note=cleaned, at=at)
        background.add_task(
            deliver_ready,
            engine,
            get_settings(),
            at=at,
            clock=request.app.state.clock,
            keys=[worklist.receipt_key(outcome, viewer.email)],
        )
        return ReceiptOut(
            obligation_id=obligation_id,
            receipt=outcome.receipt or "",
            state=outcome.to_state,
            timeliness=outcome.timeliness or "",
            submitted_at=vietnam(at),
            files=[u.name for u in uploads],
            note=cleaned,
            sent_to=viewer.email,
        )

    @api.post(
        "/obligations/{obligation_id}/review",
        tags=["Nghĩa vụ báo cáo"],
        summary="Tiếp nhận hoặc trả lại",
        description="Tiếp nhận (`accept`) hoặc trả lại kèm lý do (`return`) một báo cáo đã nộp. "
        "Cán bộ tiếp nhận của nơi nhận và quản trị.",
        response_description=OK,
        responses=_responses(400, 403, 404, 409),
    )
    def review(request: Request, viewer: TokenViewer, obligation_id: ObligationId, body: ReviewIn) -> ActionOut:
        done = worklist.review(
            engine_of(request), viewer, [obligation_id], body.decision, reason=body.reason, at=now(request)
        )[0]
        return ActionOut(
            obligation_id=obligation_id,
            from_state=done.from_state,
            to_state=done.to_state,
            obligation=_current(request, viewer, obligation_id),
        )

    @api.post(
        "/obligations/{obligation_id}/extension",
        tags=["Nghĩa vụ báo cáo"],
        summary="Gia hạn",
        description="Gia hạn đến hết một ngày (giờ Việt Nam) kèm lý do, cho báo cáo chưa nộp hoặc bị trả lại. "
        "Cán bộ tiếp nhận của nơi nhận và quản trị.",
        response_description=OK,
        responses=_responses(400, 403, 404, 409),
    )
    def extension(request: Request, viewer: TokenViewer, obligation_id: ObligationId, body: ExtensionIn) -> ActionOut:
        if not date(2000, 1, 1) <= body.until <= date(2100, 12, 31):
            raise DunghanError(_("{field}: choose a date from the year 2000 to the year 2100"), field="until")
        done = worklist.extend(
            engine_of(request), viewer, obligation_id, until=body.until, reason=body.reason, at=now(request)
        )
        return ActionOut(
            obligation_id=obligation_id,
            from_state=done.from_state,
            to_state=done.to_state,
            obligation=_current(request, viewer, obligation_id),
        )

    @api.get(
        "/status",
        tags=["Theo dõi"],
        summary="Tỷ lệ báo cáo",
        description="Tỷ lệ nộp và tỷ lệ đúng hạn theo cấp, báo cáo và kỳ, của các đơn vị thuộc đơn vị "
        "người sở hữu mã, trong một năm (mặc định: năm nay; từ 2019 đến năm sau). Lãnh đạo và quản trị.",
        response_description=OK,
        responses=_responses(400, 403),
    )
    def status(
        request: Request,
        viewer: TokenViewer,
        year: Annotated[int | None, year_query("Năm của chu kỳ báo cáo.")] = None,
        report: Annotated[str | None, code_query("Mã báo cáo.")] = None,
        level: Annotated[Level | None, Query(description="Cấp.")] = None,
    ) -> StatusOut:
        found = api_reads.status(engine_of(request), viewer, at=now(request), year=year, report=report, level=level)
        return StatusOut(
            year=found.year, unit=UnitOut.of(viewer.unit), lines=[StatusLineOut.of(line) for line in found.lines]
        )

    @api.get(
        "/overdue",
        tags=["Theo dõi"],
        summary="Quá hạn và sắp đến hạn",
        description="Các báo cáo chưa nộp đã quá hạn, rồi những báo cáo đến hạn trong 3 ngày làm việc, "
        "của các đơn vị thuộc đơn vị người sở hữu mã; lọc và sắp xếp như trang Quá hạn. "
        "Lãnh đạo và quản trị.",
        response_description=OK,
        responses=_responses(403),
    )
    def overdue(
        request: Request,
        viewer: TokenViewer,
        level: Annotated[Level | None, Query(description="Cấp.")] = None,
        report: Annotated[str | None, code_query("Mã báo cáo.")] = None,
        period: Annotated[str | None, code_query("Kỳ báo cáo.")] = None,
        unit: Annotated[
            str | None, Query(max_length=100, description="Tìm trong mã hoặc tên đơn vị (không phân biệt dấu).")
        ] = None,
        status: Annotated[
            Literal["overdue", "soon"] | None,
            Query(description="overdue: chỉ quá hạn; soon: chỉ sắp đến hạn."),
        ] = None,
        sort: Annotated[
            Literal["due", "late", "unit", "report"],
            Query(description="Sắp xếp theo hạn, số ngày trễ, đơn vị hoặc báo cáo."),
        ] = "due",
        descending: Annotated[bool, Query(description="Sắp xếp giảm dần.")] = False,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> OverdueList:
        slugs = {"overdue": "qua-han", "soon": "sap-den-han"}
        sorts = {"due": "han", "late": "tre", "unit": "don-vi", "report": "bao-cao"}
        wanted = OverdueFilter(
            level=level,
            report=report,
            period=period,
            unit=(unit or "").strip() or None,
            status=slugs[status] if status else None,
            sort=sorts[sort],
            descending=descending,
        )
        found = api_reads.overdue(engine_of(request), viewer, wanted, at=now(request), limit=limit, offset=offset)
        return OverdueList(
            total=found.total,
            late=found.late,
            soon=found.soon,
            limit=limit,
            offset=offset,
            items=[OverdueOut.of(r) for r in found.items],
        )

    @api.get(
        "/activities",
        tags=["Chiến dịch"],
        summary="Hoạt động của chiến dịch",
        description="Các hoạt động đã ghi nhận (Tháng hành động…): của đơn vị mình với cán bộ báo cáo và "
        "cán bộ tiếp nhận, của mọi đơn vị thuộc đơn vị mình với lãnh đạo và quản trị; mới nhất trước.",
        response_description=OK,
        responses=_responses(),
    )
    def activities(
        request: Request,
        viewer: TokenViewer,
        campaign: Annotated[str | None, code_query("Mã chiến dịch (thang-hanh-dong…).")] = None,
        year: Annotated[int | None, year_query("Năm của chiến dịch.")] = None,
        unit: Annotated[str | None, code_query("Mã đơn vị.")] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ActivityList:
        wanted = ActivityFilter(campaign=campaign, year=year, unit=unit)
        found = api_reads.activities(engine_of(request), viewer, wanted, limit=limit, offset=offset)
        return ActivityList(
            total=found.total, limit=limit, offset=offset, items=[ActivityOut.of(a) for a in found.items]
        )

    @api.get(
        "/units",
        tags=["Đơn vị"],
        summary="Đơn vị trong phạm vi",
        description="Các đơn vị của cây hiện hành mà người sở hữu mã được xem: đơn vị mình, và với lãnh "
        "đạo và quản trị mọi đơn vị thuộc đơn vị mình; theo thứ tự của cây.",
        response_description=OK,
        responses=_responses(),
    )
    def units(
        request: Request,
        viewer: TokenViewer,
        level: Annotated[Level | None, Query(description="Cấp.")] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> UnitList:
        found = api_reads.units(engine_of(request), viewer, at=now(request), level=level, limit=limit, offset=offset)
        return UnitList(total=found.total, limit=limit, offset=offset, items=[UnitOut.of(u) for u in found.items])
