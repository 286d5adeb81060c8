"""Zalo's error codes as sentences an admin can act on (DOMAIN.md §5).

Zalo answers HTTP 200 with ``{"error": code, "message": …}``; 0 is success. Only -124 is confirmed
by the project's sources; the others are the commonly documented meanings and are worded so that a
wrong guess still points at the right place to look.

Whatever is not Zalo's documented answer (a 5xx, a 200 carrying a proxy's or a maintenance page,
no answer at all) is transient: the message is tried again, never written off as refused. Each
failure also says whether it is the channel's (token, server, network: the run's breaker counts
it) or only this recipient's.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.i18n import _


@dataclass(frozen=True)
class ZaloFailure:
    """A failed Zalo call: the code, Zalo's own message, our sentence, and whether to try again."""

    code: int | None
    message: str
    sentence: str
    retry: bool
    channel_fault: bool = False  # the token, the server or the network: every message would fail alike
    reached: bool = True  # False when the request never got to Zalo (connection refused, connect timeout)
    uncertain: bool = False  # sent, but no answer came: Zalo may have delivered it

    def __str__(self) -> str:
        code = _("Zalo error {code}").format(code=self.code) if self.code is not None else "Zalo"
        if self.message:
            return _("{code}: {sentence} (Zalo said: {message})").format(
                code=code, sentence=self.sentence, message=self.message
            )
        return f"{code}: {self.sentence}"


def explain(code: int | None, message: str, *, setting: str, http_status: int = 200) -> ZaloFailure:
    """Map a Zalo answer to a :class:`ZaloFailure`.

    >>> print(explain(-124, "Access token is invalid", setting="DUNGHAN_ZALO_OA_TOKEN"))  # doctest: +ELLIPSIS
    Zalo error -124: the access token is invalid or expired; renew it: POST https://oauth.zaloapp.com/...
    """
    if http_status == 429 or code in (-32, -1014):
        sentence = _("Zalo's rate limit was reached; the message will be retried later")
        return ZaloFailure(code, message, sentence, True, channel_fault=True)
    if http_status >= 500:
        return ZaloFailure(
            code,
            message,
            _("Zalo's server failed (HTTP {status}); will retry").format(status=http_status),
            True,
            channel_fault=True,
        )
    if http_status != 200:
        return ZaloFailure(
            code,
            message,
            _("Zalo refused the request (HTTP {status})").format(status=http_status),
            False,
            channel_fault=True,
        )
    if code in (-124, -216, -14002):
        sentence = _(
            "the access token is invalid or expired; "
            "renew it: POST https://oauth.zaloapp.com/v4/oa/access_token with grant_type=refresh_token, your app_id "
            "and the refresh token (tokens last about 25 hours), then set {setting} to the new access token"
        ).format(setting=setting)
        return ZaloFailure(code, message, sentence, True, channel_fault=True)
    if code == -213:
        return ZaloFailure(
            code,
            message,
            _(
                "this person does not follow the Official Account (or has not written to it recently): "
                "ask them to follow the OA, or reach them by ZNS or email"
            ),
            False,
        )
    if code in (-108, -118):
        return ZaloFailure(code, message, _("the phone number has no Zalo account or is not valid (84… form)"), False)
    if code in (-1124, -1123, -1131):
        return ZaloFailure(
            code, message, _("the ZNS template or its parameters do not match what Zalo approved"), False
        )
    if code == -201:
        return ZaloFailure(code, message, _("Zalo rejected a parameter of the request"), False)
    return ZaloFailure(code, message, _("Zalo refused the message"), False)


def unreadable(http_status: int, text: str) -> ZaloFailure:
    """An answer that is not Zalo's JSON: a proxy's or a maintenance page. Transient, never a refusal.

    >>> print(unreadable(200, "<p>Hệ thống đang bảo trì</p>"))  # doctest: +ELLIPSIS
    Zalo: the answer was not the JSON Zalo sends (HTTP 200: ...); will retry (Zalo said: <p>Hệ thống đang bảo trì</p>)
    """
    if http_status != 200:
        return explain(None, _snippet(text), setting="", http_status=http_status)
    sentence = _("the answer was not the JSON Zalo sends (HTTP {status}: a proxy or a maintenance page?); will retry")
    return ZaloFailure(None, _snippet(text), sentence.format(status=http_status), True, channel_fault=True)


def unreachable(endpoint: str, error: str) -> ZaloFailure:
    """The request never got to Zalo (refused, no route, connect timeout)."""
    return ZaloFailure(
        None,
        "",
        _("could not reach {endpoint} ({error}); will retry").format(endpoint=endpoint, error=error),
        True,
        channel_fault=True,
        reached=False,
    )


def no_answer(endpoint: str, error: str) -> ZaloFailure:
    """The request was sent and no answer came: Zalo may have delivered it, so it is retried on Zalo only."""
    sentence = _(
        "the request to {endpoint} was sent but no answer came ({error}); Zalo may have delivered it, "
        "so it is retried on Zalo only, never also by e-mail"
    ).format(endpoint=endpoint, error=error)
    return ZaloFailure(None, "", sentence, True, channel_fault=True, uncertain=True)


def _snippet(text: str, size: int = 120) -> str:
    """The start of an answer, on one line, for the admin to recognise the page."""
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"
