"""Zalo OA and ZNS against a local server that answers badly, late or not at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notifications.channels import ZaloChannel
from notifications.rate_limit import RateLimiter
from tests.notifications.notices import Reports, zalo_notice
from tests.notifications.peers import EXPIRED_TOKEN, GOOD_TOKEN, ZaloServer, free_port, zalo_server

CHANNELS = ("zalo", "zns")


@pytest.fixture
def zalo() -> Iterator[ZaloServer]:
    with zalo_server() as server:
        yield server


def _channel(name: str, base_url: str, *, token: str = GOOD_TOKEN, read_timeout: float | None = None) -> ZaloChannel:
    return ZaloChannel(name, token=token, base_url=base_url, limiter=RateLimiter(0), read_timeout=read_timeout)


@pytest.mark.parametrize("name", CHANNELS)
def test_a_maintenance_page_with_http_200_is_retried_not_refused(zalo: ZaloServer, name: str) -> None:
    zalo.fault = "html"
    reports = Reports()
    _channel(name, zalo.url).send([zalo_notice(1, name)], reports)
    attempt = reports[1]
    assert not attempt.ok and attempt.retry and attempt.tried and not attempt.uncertain
    assert "not the JSON" in (attempt.error or "") and "bảo trì" in (attempt.error or "")


@pytest.mark.parametrize("name", CHANNELS)
def test_a_gateway_error_is_retried(zalo: ZaloServer, name: str) -> None:
    zalo.fault = "502"
    reports = Reports()
    _channel(name, zalo.url).send([zalo_notice(1, name)], reports)
    attempt = reports[1]
    assert not attempt.ok and attempt.retry and attempt.tried and not attempt.uncertain
    assert "HTTP 502" in (attempt.error or "")


@pytest.mark.parametrize("name", CHANNELS)
def test_no_answer_within_the_read_timeout_is_uncertain(zalo: ZaloServer, name: str) -> None:
    zalo.fault, zalo.faults = "stall", 1
    reports = Reports()
    _channel(name, zalo.url, read_timeout=0.3).send([zalo_notice(1, name), zalo_notice(2, name)], reports)
    stalled = reports[1]
    assert not stalled.ok and stalled.retry and stalled.tried and stalled.uncertain
    assert "no answer" in (stalled.error or "")
    assert reports[2].ok  # one slow answer does not switch the channel off
    if name == "zns":  # Zalo can tell a repeat of this message by its tracking id
        assert zalo.requests[0]["body"]["tracking_id"] == zalo_notice(1, "zns").key


@pytest.mark.parametrize("name", CHANNELS)
def test_an_expired_token_switches_the_channel_off_after_three_requests(zalo: ZaloServer, name: str) -> None:
    channel = _channel(name, zalo.url, token=EXPIRED_TOKEN)
    reports = Reports()
    channel.send([zalo_notice(i, name) for i in range(1, 51)], reports)
    assert len(zalo.requests) == 3  # not 50 calls, each waiting for an answer
    assert [n for n, a in reports.items() if a.tried] == [1, 2, 3]
    assert all("-124" in (reports[n].error or "") and reports[n].retry for n in (1, 2, 3))
    rest = [a for n, a in reports.items() if n > 3]
    assert len(rest) == 47 and all(not a.ok and a.retry and not a.tried for a in rest)  # e-mail may take them
    assert channel.down is not None and "off for the rest of this run" in channel.down and "-124" in channel.down
    assert all(a.error == channel.down for a in rest)


def test_a_delivered_message_resets_the_count(zalo: ZaloServer) -> None:
    zalo.fault, zalo.faults = "502", 2
    channel = _channel("zalo", zalo.url)
    reports = Reports()
    channel.send([zalo_notice(i) for i in range(1, 4)], reports)
    zalo.fault, zalo.faults = "html", 2  # two more failures: four of five, never three in a row
    channel.send([zalo_notice(i) for i in range(4, 11)], reports)
    assert sorted(reports.failed()) == [1, 2, 4, 5]
    assert channel.down is None and len(zalo.requests) == 10


def test_refusals_of_one_recipient_do_not_switch_the_channel_off(zalo: ZaloServer) -> None:
    channel = _channel("zalo", zalo.url)
    reports = Reports()
    channel.send([zalo_notice(i, user=f"not-follower-{i}") for i in range(1, 6)], reports)
    assert len(zalo.requests) == 5 and channel.down is None
    assert sorted(reports) == [1, 2, 3, 4, 5]
    assert all(not a.ok and not a.retry and "-213" in (a.error or "") for a in reports.values())


def test_a_service_that_is_down_is_called_three_times_then_left_alone() -> None:
    channel = _channel("zns", f"http://127.0.0.1:{free_port()}")
    reports = Reports()
    channel.send([zalo_notice(i, "zns") for i in range(1, 11)], reports)
    assert sorted(reports) == list(range(1, 11))
    assert all(not a.ok and a.retry and not a.tried for a in reports.values())  # none reached Zalo
    assert channel.down is not None and "could not reach" in channel.down
    assert [n for n, a in reports.items() if a.error != channel.down] == [1, 2, 3]  # called three times


def test_a_notice_whose_payload_is_broken_fails_alone(zalo: ZaloServer) -> None:
    broken = zalo_notice(2, "zns")
    broken.payload = '{"template_id": '  # cut short
    reports = Reports()
    _channel("zns", zalo.url).send([zalo_notice(1, "zns"), broken, zalo_notice(3, "zns")], reports)
    assert reports[1].ok and reports[3].ok
    assert not reports[2].ok and not reports[2].retry and "could not be built" in (reports[2].error or "")
    assert [r["body"]["phone"] for r in zalo.requests] == ["84987654301", "84987654303"]
