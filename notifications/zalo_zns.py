"""Apprise plugin for Zalo Notification Service (ZNS) templates: ``zns://TOKEN/84PHONE?template=ID``.

POST {base}/message/template with the ``access_token`` header and
``{"phone": "84…", "template_id": …, "template_data": {…}, "tracking_id": …}`` (DOMAIN.md §5).
The message body is JSON: ``{"template_data": {…}, "tracking_id": "…"}``, because a ZNS message is
a pre-approved template filled with parameters, not free text. ``?mode=development`` reaches only
the OA's admins. The answer's remaining daily quota is kept in ``last_quota``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from apprise.common import NotifyType
from apprise.plugins.base import NotifyBase

from notifications.zalo_api import ZaloAnswer, post
from notifications.zalo_errors import ZaloFailure
from notifications.zalo_plugin import ZaloPlugin

ZNS_BASE = "https://business.openapi.zalo.me"


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
        ok = True
        for phone in self.targets:
            payload: dict[str, Any] = {
                "phone": phone,
                "template_id": self.template_id,
                "template_data": content.get("template_data", {}),
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
