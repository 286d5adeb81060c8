"""Apprise plugin for Zalo Notification Service (ZNS) templates: ``zns://TOKEN/84PHONE?template=ID``.

POST {base}/message/template with the ``access_token`` header and
``{"phone": "84…", "template_id": …, "template_data": {…}, "tracking_id": …}`` (DOMAIN.md §5).
The message body is JSON: ``{"template_data": {…}, "tracking_id": "…"}``, because a ZNS message is
a pre-approved template filled with parameters, not free text. ``?mode=development`` reaches only
the OA's admins. The answer's remaining daily quota is kept in ``last_quota``.

Zalo refuses a parameter longer than its template allows (about 30 characters for a name), while
report names run to 70–110 characters and unit names to 46. Every parameter is therefore fitted
before it is sent (:func:`fit_parameters`, also at the wire, in :meth:`NotifyZaloZNS.send`): a
report's short name from its pack (``short_name``) when it has one, else the name shortened by rule
(:func:`shorten`): the abbreviations offices write themselves (UBND, BC, BĐG…), then the part
after the first comma dropped ("UBND xã Tân Tiến, huyện Lạng Giang" → "UBND xã Tân Tiến"), then
cut at a word with "…".

ZNS is the channel for reminders nobody asked for: Zalo OA free-form messages only reach people who
wrote to the OA recently, so OA messages are for follow-ups.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from apprise.common import NotifyType
from apprise.plugins.base import NotifyBase

from notifications.zalo_api import ZaloAnswer, post
from notifications.zalo_errors import ZaloFailure
from notifications.zalo_plugin import ZaloPlugin
from rules.schema import SHORT_NAME_LIMIT

ZNS_BASE = "https://business.openapi.zalo.me"
PARAMETER_LIMIT = SHORT_NAME_LIMIT  # Zalo's usual limit for one parameter of a ZNS template (a name, a title)
TEMPLATE_LIMIT = 400  # the rendered template, parameters included

# What offices write for long words, in the order they are tried (longest phrases first).
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Ủy ban nhân dân", "UBND"),
    ("Uỷ ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "HĐND"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam", "UBMTTQVN"),
    ("Mặt trận Tổ quốc", "MTTQ"),
    ("Báo cáo", "BC"),
    ("báo cáo", "BC"),
    ("Kế hoạch", "KH"),
    ("vì sự tiến bộ của phụ nữ", "VSTBPN"),
    ("vì sự tiến bộ phụ nữ", "VSTBPN"),
    ("bình đẳng giới", "BĐG"),
    ("Chương trình quốc gia", "CTQG"),
    ("Lao động – Thương binh và Xã hội", "LĐ-TB&XH"),
    ("Lao động - Thương binh và Xã hội", "LĐ-TB&XH"),
    ("kinh tế – xã hội", "KT-XH"),
    ("kinh tế - xã hội", "KT-XH"),
    ("Thành phố", "TP"),
    ("thành phố", "TP"),
    ("Việt Nam", "VN"),
)
FILLER = ("kết quả", "công tác", "thực hiện", "chuyên đề")  # words a short title does without


def shorten(text: str, limit: int = PARAMETER_LIMIT) -> str:
    """``text`` within ``limit`` characters, shortened by rule: abbreviations, one at a time until it
    fits; then words a title does without ("kết quả", "công tác"…); then the part after the first
    comma dropped; then cut at a word, ending with "…".

    >>> shorten("Ủy ban nhân dân xã Tân Tiến, huyện Lạng Giang")
    'UBND xã Tân Tiến'
    >>> shorten("Báo cáo kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm")
    'BC công tác BĐG và VSTBPN năm'
    >>> shorten("Sở Y tế")
    'Sở Y tế'
    """
    text = " ".join(text.split())
    for long, short in ABBREVIATIONS:
        if len(text) <= limit:
            return text
        text = re.sub(rf"(?<!\w){re.escape(long)}(?!\w)", short, text)
    for word in FILLER:
        if len(text) <= limit:
            return text
        text = " ".join(re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "", text).split())
    if len(text) > limit and "," in text:
        head = text.split(",", 1)[0].strip()
        text = head if len(head) >= 8 else text
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def fit_parameters(
    data: Mapping[str, Any], *, short_names: Mapping[str, str] | None = None, limit: int = PARAMETER_LIMIT
) -> dict[str, str]:
    """Every parameter as a string within ``limit``: a name the pack shortened (``short_names``, full
    name → short name) takes its short name, any other long value is shortened by rule."""
    known = short_names or {}
    fitted = {}
    for name, value in data.items():
        text = " ".join(str(value).split())
        fitted[name] = shorten(known.get(text, text), limit)
    return fitted


def template_data(
    *,
    unit_name: str,
    report_name: str,
    period_name: str,
    due: date | None,
    days: int | str,
    report_short_name: str | None = None,
) -> dict[str, str]:
    """The parameters of a reminder's ZNS template, each within Zalo's limit: the report by its
    short name from the pack when it has one, names shortened by rule, the date dd/mm/yyyy."""
    return fit_parameters(
        {
            "ten_don_vi": unit_name,
            "ten_bao_cao": report_short_name or report_name,
            "ky_bao_cao": period_name,
            "han_nop": f"{due:%d/%m/%Y}" if due else "",
            "so_ngay": str(days),
        }
    )


def international_phone(phone: str) -> str:
    """0987… → 84987… (ZNS wants the international form without +).

    >>> international_phone("0987 654 321"), international_phone("+84987654321")
    ('84987654321', '84987654321')
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


class NotifyZaloZNS(ZaloPlugin):
    service_name = "Zalo ZNS"
    service_url = "https://zalo.cloud/zns"
    secure_protocol = "zns"
    setup_url = "https://developers.zalo.me/docs/zalo-notification-service/"
    default_base = ZNS_BASE
    query_keys: ClassVar[dict[str, str]] = {"template": "template_id", "mode": "mode"}
    title_maxlen = 0
    body_maxlen = 4000  # the JSON of the parameters; Zalo bounds the rendered template at 400 characters
    templates = ("{schema}://{token}/{targets}",)
    template_tokens: ClassVar[dict[str, Any]] = dict(
        NotifyBase.template_tokens,
        token={"name": "Access Token", "type": "string", "private": True, "required": True},
        targets={"name": "Phone numbers", "type": "list:string", "required": True},
    )
    template_args: ClassVar[dict[str, Any]] = dict(
        NotifyBase.template_args,
        template={"name": "Template id", "type": "string", "map_to": "template_id"},
        base={"name": "API base URL", "type": "string", "map_to": "base_url"},
        mode={"name": "Mode", "type": "choice:string", "values": ("production", "development")},
    )

    def __init__(
        self,
        token: str,
        targets: Any = None,
        template_id: str | None = None,
        base_url: str | None = None,
        mode: str | None = None,
        short_names: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not token:
            raise TypeError("a Zalo access token is required")
        if not template_id:
            raise TypeError("a ZNS message needs ?template=ID (the template approved by Zalo)")
        self.token = token
        self.targets = [international_phone(t) for t in (targets or []) if t]
        self.template_id = template_id
        self.base_url = (base_url or ZNS_BASE).rstrip("/")
        self.mode = mode if mode in ("production", "development") else None
        self.short_names = dict(short_names or {})
        self.last_failure: ZaloFailure | None = None
        self.last_answer: ZaloAnswer | None = None
        self.last_quota: dict[str, Any] | None = None

    def send(self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO, **kwargs: Any) -> bool:
        if not self.targets:
            self.logger.warning("ZNS: no phone number to send to")
            return False
        try:
            content = json.loads(body)
        except ValueError:
            content = None
        if not isinstance(content, dict):
            self.logger.warning("ZNS: the body must be a JSON object with template_data")
            return False
        given = content.get("template_data", {})
        if not isinstance(given, dict):
            self.logger.warning("ZNS: template_data must be a JSON object")
            return False
        parameters = fit_parameters(given, short_names=self.short_names)  # Zalo refuses a longer one
        ok = True
        for phone in self.targets:
            payload: dict[str, Any] = {
                "phone": phone,
                "template_id": self.template_id,
                "template_data": parameters,
            }
            if content.get("tracking_id"):
                payload["tracking_id"] = content["tracking_id"]
            if self.mode == "development":
                payload["mode"] = "development"
            self.throttle()
            answer = post(
                f"{self.base_url}/message/template",
                self.token,
                payload,
                setting="DUNGHAN_ZNS_TOKEN",
                timeout=self.request_timeout,
                verify=self.verify_certificate,
            )
            self.last_answer = answer
            if answer.ok:
                quota = answer.data.get("quota")
                self.last_quota = quota if isinstance(quota, dict) else None
                self.logger.info("Sent ZNS template %s to %s", self.template_id, phone)
            else:
                self.last_failure = answer.failure
                self.logger.warning("ZNS to %s failed: %s", phone, answer.failure)
                ok = False
        return ok

    def query(self) -> dict[str, str]:
        return {"template": self.template_id, **({"mode": self.mode} if self.mode else {})}
