"""Apprise plugin for Zalo Official Account messages (tin nhắn OA): ``zalooa://TOKEN/USER_ID``.

POST {base}/v3.0/oa/message/{endpoint} with the ``access_token`` header and
``{"recipient": {"user_id": …}, "message": {"text": …}}`` (DOMAIN.md §5). The user id is per OA:
the officer must follow the OA first. ``?base=`` aims the plugin at another server (tests);
``?endpoint=`` chooses cs (default), transaction or promotion.
"""

from __future__ import annotations

from typing import Any, ClassVar

from apprise.common import NotifyType
from apprise.plugins.base import NotifyBase

from notifications.zalo_api import ZaloAnswer, post
from notifications.zalo_errors import ZaloFailure
from notifications.zalo_plugin import ZaloPlugin

OA_BASE = "https://openapi.zalo.me"
OA_ENDPOINTS = ("cs", "transaction", "promotion")


class NotifyZaloOA(ZaloPlugin):
    service_name = "Zalo Official Account"
    service_url = "https://oa.zalo.me/"
    secure_protocol = "zalooa"
    setup_url = "https://developers.zalo.me/docs/official-account/"
    default_base = OA_BASE
    query_keys: ClassVar[dict[str, str]] = {"endpoint": "endpoint"}
    title_maxlen = 0
    body_maxlen = 2000
    templates = ("{schema}://{token}/{targets}",)
    template_tokens: ClassVar[dict[str, Any]] = dict(
        NotifyBase.template_tokens,
        token={"name": "Access Token", "type": "string", "private": True, "required": True},
        targets={"name": "OA user ids", "type": "list:string", "required": True},
    )
    template_args: ClassVar[dict[str, Any]] = dict(
        NotifyBase.template_args,
        base={"name": "API base URL", "type": "string", "map_to": "base_url"},
        endpoint={"name": "Message type", "type": "choice:string", "values": OA_ENDPOINTS, "default": "cs"},
    )

    def __init__(
        self, token: str, targets: Any = None, base_url: str | None = None, endpoint: str = "cs", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not token:
            raise TypeError("a Zalo OA access token is required")
        if endpoint not in OA_ENDPOINTS:
            raise TypeError(f"Zalo OA endpoint {endpoint!r}: use one of {', '.join(OA_ENDPOINTS)}")
        self.token = token
        self.targets = [t for t in (targets or []) if t]
        self.base_url = (base_url or OA_BASE).rstrip("/")
        self.endpoint = endpoint
        self.last_failure: ZaloFailure | None = None
        self.last_answer: ZaloAnswer | None = None

    def send(self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO, **kwargs: Any) -> bool:
        if not self.targets:
            self.logger.warning("Zalo OA: no user id to send to")
            return False
        ok = True
        for user_id in self.targets:
            self.throttle()  # before every call to the remote server, as Apprise plugins do
            answer = post(
                f"{self.base_url}/v3.0/oa/message/{self.endpoint}",
                self.token,
                {"recipient": {"user_id": user_id}, "message": {"text": body}},
                setting="DUNGHAN_ZALO_OA_TOKEN",
                timeout=self.request_timeout,
                verify=self.verify_certificate,
            )
            self.last_answer = answer
            if not answer.ok:
                self.last_failure = answer.failure
                self.logger.warning("Zalo OA message to %s failed: %s", user_id, answer.failure)
                ok = False
            else:
                self.logger.info("Sent Zalo OA message to %s", user_id)
        return ok

    def query(self) -> dict[str, str]:
        return {"endpoint": self.endpoint}
