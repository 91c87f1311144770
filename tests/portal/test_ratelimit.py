"""Per-client rate limits: 429 with a readable page, a key visitors cannot choose, and a log line."""

import logging

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from portal.ratelimit import client_ip, rate_limited, safe_for_log


@rate_limited("test-form", "APPEAL_SUBMISSIONS_PER_HOUR")
def form_view(request):
    return HttpResponse("accepted")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def post(ip="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/zh-hant/appeal/", **extra)


def test_the_limit_plus_one_request_gets_429_with_a_readable_page(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 3
    assert [form_view(post()).status_code for _ in range(3)] == [200, 200, 200]
    with translation.override("zh-hant"):
        refused = form_view(post())
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "嘗試次數過多" in refused.content.decode()


def test_other_clients_are_not_affected(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 1
    assert form_view(post("203.0.113.7")).status_code == 200
    assert form_view(post("203.0.113.7")).status_code == 429
    assert form_view(post("198.51.100.9")).status_code == 200


def test_spoofed_forwarded_for_does_not_change_the_key(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 0
    assert form_view(post(forwarded="10.0.0.1")).status_code == 200
    assert form_view(post(forwarded="10.0.0.2")).status_code == 429


def test_behind_one_proxy_the_client_is_the_entry_the_proxy_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The visitor forged the first entry; our proxy appended the real address last.
    request = post(ip="192.0.2.1", forwarded="1.2.3.4, 203.0.113.50")
    assert client_ip(request) == "203.0.113.50"


def test_reading_requests_are_not_counted(settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 1
    get = RequestFactory().get("/zh-hant/appeal/", REMOTE_ADDR="203.0.113.7")
    assert [form_view(get).status_code for _ in range(5)] == [200] * 5


def test_refusals_are_logged_without_forgeable_line_breaks(settings, caplog):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 0
    request = RequestFactory().post("/zh-hant/appeal/\r\nFAKE login ok", REMOTE_ADDR="203.0.113.7")
    with caplog.at_level(logging.WARNING, logger="appeals.security"):
        form_view(request)
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "rate limit hit" in message and "\n" not in message and "\r" not in message


def test_safe_for_log_escapes_control_characters():
    assert safe_for_log("a\r\nb\x1b") == "a\\r\\nb\\x1b"
