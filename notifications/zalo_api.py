"""The one HTTP call both Zalo plugins make, and what its answer means.

No answer is not a refusal: a request that never got to Zalo was not tried; one that was sent and
timed out (or whose connection broke before the answer) is uncertain, because Zalo may have
delivered it. The token travels in a header and is masked in anything Zalo says back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import ProtocolError

from notifications.zalo_errors import ZaloFailure, explain, no_answer, unreachable, unreadable
from rules.i18n import _

MASK = "****"


@dataclass(frozen=True)
class ZaloAnswer:
    ok: bool
    data: dict[str, Any]
    failure: ZaloFailure | None = None


def post(
    url: str, token: str, payload: dict[str, Any], *, setting: str, timeout: float | tuple[float, float], verify: bool
) -> ZaloAnswer:
    """POST ``payload`` with the ``access_token`` header; never raises for a network or API failure.

    ``timeout`` is seconds, or (connect, read) as Apprise's ``?cto=`` and ``?rto=`` give them.
    """
    endpoint = url.split("?")[0]
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        response = requests.post(
            url,
            data=data,
            headers={"access_token": token, "Content-Type": "application/json; charset=utf-8"},
            timeout=timeout,
            verify=verify,
        )
    except requests.RequestException as error:
        return ZaloAnswer(False, {}, _lost(error, endpoint))
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("error"), int):
        return ZaloAnswer(False, {}, unreadable(response.status_code, _masked(response.text, token)))
    code = body["error"]
    if response.status_code == 200 and code == 0:
        found = body.get("data") or {}
        return ZaloAnswer(True, found if isinstance(found, dict) else {})
    message = _masked(str(body.get("message", "")), token)
    return ZaloAnswer(False, {}, explain(code, message, setting=setting, http_status=response.status_code))


def _lost(error: requests.RequestException, endpoint: str) -> ZaloFailure:
    """No answer: whether the request got to Zalo decides between not tried and uncertain."""
    name = type(error).__name__
    if isinstance(error, requests.ConnectTimeout):
        return unreachable(endpoint, name)
    if isinstance(error, requests.ReadTimeout | requests.exceptions.ChunkedEncodingError):
        return no_answer(endpoint, name)
    if isinstance(error, requests.ConnectionError) and error.args and isinstance(error.args[0], ProtocolError):
        return no_answer(endpoint, _("the connection broke before the answer"))
    return unreachable(endpoint, name)


def _masked(text: str, token: str) -> str:
    """Zalo's text with the token hidden, should a gateway repeat it."""
    return text.replace(token, MASK) if token else text
