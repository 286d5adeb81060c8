"""The one HTTP call both Zalo plugins make, and what its answer means."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

from notifications.zalo_errors import ZaloFailure, explain


@dataclass(frozen=True)
class ZaloAnswer:
    ok: bool
    data: dict[str, Any]
    failure: ZaloFailure | None = None


def post(url: str, token: str, payload: dict[str, Any], *, setting: str, timeout: float, verify: bool) -> ZaloAnswer:
    """POST ``payload`` with the ``access_token`` header; never raises for a network or API failure."""
    try:
        response = requests.post(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"access_token": token, "Content-Type": "application/json; charset=utf-8"},
            timeout=timeout,
            verify=verify,
        )
    except requests.RequestException as error:
        failure = ZaloFailure(None, type(error).__name__, f"could not reach {url.split('?')[0]}; will retry", True)
        return ZaloAnswer(False, {}, failure)
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = body.get("error") if isinstance(body, dict) else None
    if response.status_code == 200 and code == 0:
        data = body.get("data") or {}
        return ZaloAnswer(True, data if isinstance(data, dict) else {})
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    return ZaloAnswer(False, {}, explain(code, message, setting=setting, http_status=response.status_code))
