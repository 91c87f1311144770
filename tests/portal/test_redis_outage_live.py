"""A real Redis, stopped under the portal: filing and tracking go on, duplicates stay refused.

Gated like the other live tests (CELERY_LIVE=1, where CI's second pass has Redis and a broker); it
starts a private redis-server of its own on a free port, so stopping it touches nothing else.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client

from casework.models import Case, OnlineSubmission

from .appeal_pages import APPEAL_URL, TRACK_URL, appeal_data, appeal_pages, receipt_of, token_of  # noqa: F401

pytestmark = [pytest.mark.celery_worker, pytest.mark.usefixtures("appeal_pages")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis(settings):
    if os.environ.get("CELERY_LIVE") != "1":
        pytest.skip("live outage tests run where CI provides Redis (CELERY_LIVE=1)")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    yield server
    server.terminate()
    server.wait(10)


def test_with_redis_stopped_citizens_still_file_and_track_and_duplicates_are_refused(private_redis, settings):
    settings.TRACKING_FAILURES_BEFORE_CAPTCHA = 1
    before = Client(REMOTE_ADDR="203.0.113.10")
    assert before.post(APPEAL_URL, appeal_data(token_of(before.get(APPEAL_URL)))).status_code == 302
    reference, code = receipt_of(before)

    private_redis.terminate()
    private_redis.wait(10)

    citizen = Client(REMOTE_ADDR="203.0.113.11")
    token = token_of(citizen.get(APPEAL_URL))
    started = time.monotonic()
    first = citizen.post(APPEAL_URL, appeal_data(token, subject="停電期間提出"))
    second = citizen.post(APPEAL_URL, appeal_data(token, subject="停電期間提出"))
    assert first.status_code == second.status_code == 302
    assert time.monotonic() - started < 10  # a dead cache costs timeouts of a fraction of a second
    assert Case.objects.filter(subject="停電期間提出").count() == 1
    assert OnlineSubmission.objects.count() == 2

    # Tracking works, and a wrong code does not lock anyone out while nothing can be counted.
    tracker = Client(REMOTE_ADDR="203.0.113.12")
    wrong = tracker.post(
        TRACK_URL, {"action": "lookup", "reference": reference, "access_code": "WRONGWRONG22"}
    )
    assert wrong.status_code == 200
    right = tracker.post(TRACK_URL, {"action": "lookup", "reference": reference, "access_code": code})
    assert right.status_code == 302

    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded" and ready.json()["checks"]["cache"]["ok"] is False
