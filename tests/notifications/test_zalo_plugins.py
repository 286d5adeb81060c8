"""Our Apprise plugins against a local server that speaks Zalo's OA and ZNS APIs."""

from __future__ import annotations

import json
from collections.abc import Iterator

import apprise
import pytest

from notifications.apprise_plugins import register
from notifications.zalo_oa import NotifyZaloOA
from notifications.zalo_zns import NotifyZaloZNS
from tests.notifications.peers import EXPIRED_TOKEN, GOOD_TOKEN, ZaloServer, zalo_server


@pytest.fixture
def zalo() -> Iterator[ZaloServer]:
    register()
    with zalo_server() as server:
        yield server


def _oa(server: ZaloServer, token: str, user: str) -> NotifyZaloOA:
    plugin = apprise.Apprise.instantiate(f"zalooa://{token}/{user}?base={server.url}")
    assert isinstance(plugin, NotifyZaloOA)
    return plugin


def test_an_oa_message_posts_the_documented_shape(zalo: ZaloServer) -> None:
    plugin = _oa(zalo, GOOD_TOKEN, "4815162342")
    assert plugin.notify(body="Nhắc hạn: báo cáo năm 2026 hạn 21/12/2026")
    [request] = zalo.requests
    assert request["path"] == "/v3.0/oa/message/cs"
    assert request["token"] == GOOD_TOKEN
    assert request["body"] == {
        "recipient": {"user_id": "4815162342"},
        "message": {"text": "Nhắc hạn: báo cáo năm 2026 hạn 21/12/2026"},
    }
    assert plugin.last_answer is not None and plugin.last_answer.data["message_id"] == "m1"


def test_an_expired_token_says_so_and_how_to_renew_it(zalo: ZaloServer) -> None:
    plugin = _oa(zalo, EXPIRED_TOKEN, "4815162342")
    assert plugin.notify(body="x") is False
    failure = plugin.last_failure
    assert failure is not None and failure.code == -124 and failure.retry
    assert "expired" in str(failure) and "refresh_token" in str(failure) and "DUNGHAN_ZALO_OA_TOKEN" in str(failure)


def test_a_person_who_does_not_follow_the_oa_is_a_permanent_failure(zalo: ZaloServer) -> None:
    plugin = _oa(zalo, GOOD_TOKEN, "not-follower-1")
    assert plugin.notify(body="x") is False
    assert plugin.last_failure is not None and plugin.last_failure.code == -213 and not plugin.last_failure.retry
    assert "follow" in plugin.last_failure.sentence


def test_the_rate_limit_answer_is_retried(zalo: ZaloServer) -> None:
    zalo.throttle_after = 0
    plugin = _oa(zalo, GOOD_TOKEN, "4815162342")
    assert plugin.notify(body="x") is False
    assert (
        plugin.last_failure is not None and plugin.last_failure.retry and "rate limit" in plugin.last_failure.sentence
    )


def test_an_unreachable_server_is_retried() -> None:
    register()
    plugin = apprise.Apprise.instantiate(f"zalooa://{GOOD_TOKEN}/1?base=http://127.0.0.1:9")
    assert isinstance(plugin, NotifyZaloOA)
    assert plugin.notify(body="x") is False
    assert plugin.last_failure is not None and plugin.last_failure.retry


def test_a_zns_template_goes_to_the_international_phone_with_its_data(zalo: ZaloServer) -> None:
    plugin = apprise.Apprise.instantiate(f"zns://{GOOD_TOKEN}/0987654321?template=2101&base={zalo.url}")
    assert isinstance(plugin, NotifyZaloZNS)
    body = {"template_data": {"ten_don_vi": "Sở Y tế", "han_nop": "21/12/2026"}, "tracking_id": "o1:step"}
    assert plugin.notify(body=json.dumps(body, ensure_ascii=False))
    [request] = zalo.requests
    assert request["path"] == "/message/template"
    assert request["body"] == {
        "phone": "84987654321",
        "template_id": "2101",
        "template_data": {"ten_don_vi": "Sở Y tế", "han_nop": "21/12/2026"},
        "tracking_id": "o1:step",
    }
    assert plugin.last_quota == {"dailyQuota": "500", "remainingQuota": "499"}


def test_a_zns_url_needs_its_template() -> None:
    register()
    assert apprise.Apprise.instantiate(f"zns://{GOOD_TOKEN}/0987654321") is None


def test_secrets_are_masked_when_a_url_is_shown() -> None:
    register()
    plugin = apprise.Apprise.instantiate("zalooa://very-secret-token/4815162342")
    assert isinstance(plugin, NotifyZaloOA)
    shown = plugin.url(privacy=True)
    assert "very-secret-token" not in shown and shown.startswith("zalooa://****/")
    again = apprise.Apprise.instantiate(plugin.url())
    assert isinstance(again, NotifyZaloOA) and again.token == "very-secret-token"  # the URL round-trips


def test_any_other_apprise_url_delivers_through_the_apprise_channel(zalo: ZaloServer) -> None:
    from datetime import UTC, datetime

    from models.outbox import Attempt
    from models.tables import Notice
    from notifications.channels import AppriseChannel
    from notifications.rate_limit import RateLimiter

    now = datetime(2026, 12, 22, tzinfo=UTC)
    url = zalo.url.replace("http://", "json://") + "/hook"
    notice = Notice(
        id=1, key="gaps:2026-12-22:apprise:x", kind="admin", recipient_role="admin", recipient_name="Quản trị",
        channel="apprise", address=url, template="gaps", subject="3 lời nhắc không có người nhận",
        body_text="Thiếu cán bộ đầu mối", status="pending", attempts=0, created_at=now, not_before=now,
    )  # fmt: skip
    results: list[Attempt] = []
    AppriseChannel(RateLimiter(0)).send([notice], lambda n, a: results.append(a))
    [attempt] = results
    assert attempt.ok and attempt.result is not None and attempt.result.startswith("json://")
    [request] = zalo.requests
    assert request["path"] == "/hook"
    assert request["body"]["title"] == "3 lời nhắc không có người nhận"
    assert request["body"]["message"] == "Thiếu cán bộ đầu mối"
