"""The citizen path under load and outages: cheap but safe access codes, tracking abuse controls that
do not punish the office, filings that are never half-written or doubled, and nothing stored for
readers who only look at the form."""

import hashlib
import hmac
from unittest import mock

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client

from casework import crypto, housekeeping, workflow
from casework.models import Attachment, Case, Channel, Event, OnlineSubmission, private_storage
from portal import ratelimit
from portal.appeals import SUBMISSION_TOKEN_MAX_AGE

from .appeal_pages import (
    APPEAL_URL,
    PNG,
    TRACK_URL,
    appeal_data,
    appeal_pages,  # noqa: F401
    receipt_of,
    token_of,
    upload,
)

pytestmark = pytest.mark.usefixtures("appeal_pages")


def filed():
    return workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="inquiry",
        subject="路燈故障",
        content="住家附近的路燈已經壞了兩週。",
        citizen_name="王小明",
        citizen_phone="0912345678",
    )


def look_up(client, reference, code, **extra):
    return client.post(TRACK_URL, {"action": "lookup", "reference": reference, "access_code": code, **extra})


def client_from(address):
    return Client(REMOTE_ADDR=address)


# --- Access codes ------------------------------------------------------------------------------


def test_access_codes_are_stored_as_a_keyed_hash_not_a_password_hash(settings):
    settings.ACCESS_CODE_KEYS = ["first-key-for-access-codes"]
    case, code = filed()
    scheme, key_id, digest = case.access_code_hash.split("$")
    assert scheme == "hmac-sha256"
    expected = hmac.new(b"first-key-for-access-codes", code.encode(), hashlib.sha256).hexdigest()
    assert digest == expected
    assert code not in case.access_code_hash
    assert case.check_access_code(code)
    assert case.check_access_code(f" {code.lower()[:4]}-{code.lower()[4:]} ")
    assert not case.check_access_code("A" * 12)
    assert not case.check_access_code("")


def test_codes_have_at_least_60_bits():
    from casework.models import ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH

    assert ACCESS_CODE_LENGTH * (len(ACCESS_CODE_ALPHABET).bit_length() - 1) >= 60


def test_a_rotated_key_still_opens_old_cases_and_the_hash_is_rewritten_with_the_new_key(settings):
    settings.ACCESS_CODE_KEYS = ["old-key"]
    case, code = filed()
    old_hash = case.access_code_hash
    settings.ACCESS_CODE_KEYS = ["new-key", "old-key"]
    case = Case.objects.get(pk=case.pk)
    assert workflow.verify_access_code(case, code)
    stored = Case.objects.get(pk=case.pk).access_code_hash
    assert stored != old_hash
    settings.ACCESS_CODE_KEYS = ["new-key"]  # the old key retired: the rewritten hash still opens
    assert Case.objects.get(pk=case.pk).check_access_code(code)


def test_a_code_hashed_with_the_old_password_hasher_works_once_and_is_upgraded(settings):
    case, _code = filed()
    Case.objects.filter(pk=case.pk).update(access_code_hash=make_password("LEGACYCODE23"))
    case = Case.objects.get(pk=case.pk)
    assert not workflow.verify_access_code(case, "WRONGCODE234")
    assert not Case.objects.get(pk=case.pk).access_code_hash.startswith("hmac-sha256$")
    assert workflow.verify_access_code(case, "legacycode23")
    upgraded = Case.objects.get(pk=case.pk)
    assert upgraded.access_code_hash.startswith("hmac-sha256$")
    assert upgraded.check_access_code("LEGACYCODE23")


def test_tracking_does_the_same_work_for_unknown_references_wrong_codes_and_right_codes(client):
    case, code = filed()
    with mock.patch.object(crypto, "_access_code_digest", wraps=crypto._access_code_digest) as digest:
        look_up(client_from("203.0.113.1"), "MY-1999-999999", "ABCDEFGHJKLM")
        look_up(client_from("203.0.113.2"), case.reference, "ABCDEFGHJKLM")
        look_up(client_from("203.0.113.3"), case.reference, code)
    assert digest.call_count == 3  # one HMAC each, never a slow hash


# --- Tracking abuse controls -------------------------------------------------------------------


def test_after_a_few_wrong_codes_a_client_is_asked_for_a_captcha(settings):
    settings.TRACKING_FAILURES_BEFORE_CAPTCHA = 2
    case, code = filed()
    citizen = client_from("198.51.100.20")
    assert 'name="captcha_1"' not in citizen.get(TRACK_URL).content.decode()
    for _ in range(2):
        look_up(citizen, case.reference, "WRONGWRONG22")
    assert 'name="captcha_1"' in citizen.get(TRACK_URL).content.decode()
    # Without the captcha, even the right code does not open the case.
    refused = look_up(citizen, case.reference, code)
    assert refused.status_code == 200 and "captcha_1" in refused.content.decode()
    answered = look_up(citizen, case.reference, code, captcha_0="abc", captcha_1="PASSED")
    assert answered.status_code == 302
    # Another citizen is not asked.
    assert 'name="captcha_1"' not in client_from("198.51.100.21").get(TRACK_URL).content.decode()


def test_an_ipv6_client_cannot_escape_its_count_by_moving_inside_its_64():
    first = client_from("2001:db8:1:2::1")
    request = first.get(TRACK_URL).wsgi_request
    other = client_from("2001:db8:1:2:ffff::9").get(TRACK_URL).wsgi_request
    elsewhere = client_from("2001:db8:1:3::1").get(TRACK_URL).wsgi_request
    assert ratelimit.client_key(request) == ratelimit.client_key(other) == "2001:db8:1:2::/64"
    assert ratelimit.client_key(elsewhere) != ratelimit.client_key(request)


def test_ten_wrong_codes_for_one_reference_pause_it_briefly_and_tell_the_staff(settings):
    settings.TRACKING_REFERENCE_FAILURES_BEFORE_CAPTCHA = 3
    settings.TRACKING_REFERENCE_FAILURES_BEFORE_LOCK = 10
    settings.TRACKING_LOCK_MINUTES = 60
    case, code = filed()
    for n in range(10):
        # Ten different addresses, each well within its own limits.
        look_up(
            client_from(f"192.0.2.{n + 1}"), case.reference, "WRONGWRONG22", captcha_0="a", captcha_1="PASSED"
        )
    notes = case.events.filter(kind=Event.Kind.NOTE)
    assert notes.count() == 1 and not notes.get().is_public
    assert "10" in notes.get().text
    # The citizen with the right code is told to wait or call, not that the code is wrong.
    citizen = client_from("203.0.113.99")
    paused = look_up(citizen, case.reference, code, captcha_0="a", captcha_1="PASSED")
    assert paused.status_code == 200
    assert "暫停" in paused.content.decode()
    # Other cases are not affected.
    other, other_code = filed()
    assert look_up(client_from("203.0.113.98"), other.reference, other_code).status_code == 302
    # The pause ends by itself.
    cache.delete(f"tracking-lock:{case.reference}")
    assert look_up(citizen, case.reference, code, captcha_0="a", captcha_1="PASSED").status_code == 302


def test_a_reference_with_wrong_codes_asks_everyone_for_a_captcha(settings):
    settings.TRACKING_REFERENCE_FAILURES_BEFORE_CAPTCHA = 3
    case, code = filed()
    for n in range(3):
        look_up(client_from(f"192.0.2.{n + 1}"), case.reference, "WRONGWRONG22")
    newcomer = client_from("203.0.113.50")
    asked = look_up(newcomer, case.reference, code)
    assert asked.status_code == 200 and 'name="captcha_1"' in asked.content.decode()
    assert look_up(newcomer, case.reference, code, captcha_0="a", captcha_1="PASSED").status_code == 302


# --- Cache and broker outages ------------------------------------------------------------------


class DownCache:
    """What django-redis with IGNORE_EXCEPTIONS answers while Redis is down: None for everything."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.fixture
def cache_down():
    down = DownCache()
    with (
        mock.patch("portal.ratelimit.cache", down),
        mock.patch("portal.appeals.cache", down),
        mock.patch("portal.cache.cache", down, create=True),
    ):
        yield


def test_filing_and_tracking_work_while_the_cache_is_down(client, cache_down, caplog, settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 1
    response = client.post(APPEAL_URL, appeal_data(token_of(client.get(APPEAL_URL))))
    assert response.status_code == 302
    reference, code = receipt_of(client)
    # Limits fail open (a second filing from the same address is not refused), with a warning.
    second = client.post(APPEAL_URL, appeal_data(token_of(client.get(APPEAL_URL)), subject="第二件"))
    assert second.status_code == 302
    assert Case.objects.count() == 2
    assert any("rate limits are not counted" in r.getMessage() for r in caplog.records)
    assert look_up(client_from("203.0.113.5"), reference, code).status_code == 302


def test_a_double_submission_files_once_even_without_the_cache(client, cache_down):
    token = token_of(client.get(APPEAL_URL))
    first = client.post(APPEAL_URL, appeal_data(token))
    second = client.post(APPEAL_URL, appeal_data(token))
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1 and OnlineSubmission.objects.count() == 1


def test_a_retry_after_a_lost_response_shows_the_receipt_of_the_case_already_filed(client):
    token = token_of(client.get(APPEAL_URL))
    client.post(APPEAL_URL, appeal_data(token))
    case = Case.objects.get()
    # The response never reached the citizen: their browser (a fresh session) sends the form again.
    retry = Client()
    response = retry.post(APPEAL_URL, appeal_data(token))
    assert response.status_code == 302
    reference, code = receipt_of(retry)
    assert reference == case.reference and case.check_access_code(code)
    assert Case.objects.count() == 1


def test_an_old_form_token_is_refused_with_a_message(client, settings):
    import time_machine

    with time_machine.travel("2026-03-02 10:00 +0800", tick=False) as traveller:
        token = token_of(client.get(APPEAL_URL))
        traveller.shift(SUBMISSION_TOKEN_MAX_AGE + 60)
        response = client.post(APPEAL_URL, appeal_data(token))
    assert response.status_code == 200 and Case.objects.count() == 0


# --- Nothing half-written ----------------------------------------------------------------------


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_database_failure_at_commit_keeps_no_case_and_no_file(client, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    token = token_of(client.get(APPEAL_URL))
    with mock.patch(
        "casework.models.OnlineSubmission.objects.create", side_effect=OperationalError("connection lost")
    ):
        response = client.post(APPEAL_URL, {**appeal_data(token), "attachments": [upload("a.png", PNG)]})
    assert response.status_code == 503
    assert "請稍後再試" in response.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(tmp_path) == []
    # Sending the same form again files it once, with its file.
    again = client.post(APPEAL_URL, {**appeal_data(token), "attachments": [upload("a.png", PNG)]})
    assert again.status_code == 302
    assert Case.objects.count() == 1 and Attachment.objects.count() == 1
    assert len(stored_files(tmp_path)) == 1


def test_a_failure_while_storing_uploads_keeps_nothing(client, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    token = token_of(client.get(APPEAL_URL))
    real_save = type(private_storage()).save
    calls = []

    def save_then_fail(self, name, content, *args, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, name, content, *args, **kwargs)

    with mock.patch.object(type(private_storage()), "save", save_then_fail), pytest.raises(OSError):
        client.post(
            APPEAL_URL,
            {**appeal_data(token), "attachments": [upload("a.png", PNG), upload("b.png", PNG)]},
        )
    assert Case.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_housekeeping_removes_files_a_killed_filing_left_and_keeps_attached_ones(client, settings, tmp_path):
    import os
    import time

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    client.post(
        APPEAL_URL, {**appeal_data(token_of(client.get(APPEAL_URL))), "attachments": [upload("a.png", PNG)]}
    )
    kept = stored_files(tmp_path)
    orphan = tmp_path / "attachments" / "2026" / "01" / "orphan.png"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PNG)
    fresh_orphan = tmp_path / "attachments" / "2026" / "01" / "in-flight.png"
    fresh_orphan.write_bytes(PNG)
    # Modification times follow the test's clock (which may be set to another date), not the disk's.
    now, two_hours_ago = time.time(), time.time() - 7200
    os.utime(fresh_orphan, (now, now))
    for path in [orphan, *kept]:
        os.utime(path, (two_hours_ago, two_hours_ago))
    result = housekeeping.run()
    assert result["orphaned_files"] == 1
    assert not orphan.exists() and fresh_orphan.exists()
    assert all(path.exists() for path in kept)


def test_filing_writes_the_search_entry_once():
    from search import cases

    with mock.patch.object(cases, "update_entry", wraps=cases.update_entry) as update:
        client = Client()
        client.post(
            APPEAL_URL,
            {**appeal_data(token_of(client.get(APPEAL_URL))), "attachments": [upload("a.png", PNG)]},
        )
    assert update.call_count == 1
    case = Case.objects.get()
    from search.models import CaseSearchEntry

    assert CaseSearchEntry.objects.filter(case=case).exists()


# --- Readers leave nothing behind --------------------------------------------------------------


def test_reading_the_forms_creates_no_session():
    reader = Client()
    assert reader.get(APPEAL_URL).status_code == 200
    assert reader.get(TRACK_URL).status_code == 200
    assert Session.objects.count() == 0
    assert "sessionid" not in reader.cookies


def test_housekeeping_clears_expired_sessions_captchas_and_day_old_receipts():
    import time_machine
    from captcha.models import CaptchaStore

    client = Client()
    client.post(APPEAL_URL, appeal_data(token_of(client.get(APPEAL_URL))))
    assert Session.objects.count() == 1 and OnlineSubmission.objects.count() == 1
    CaptchaStore.generate_key()
    assert CaptchaStore.objects.exists()
    assert housekeeping.run()["online_submissions"] == 0
    with time_machine.travel("2099-01-01 00:00 +0000"):
        result = housekeeping.run()
    assert result["sessions"] == 1 and result["online_submissions"] == 1 and result["captchas"] >= 1
    assert not Session.objects.exists() and not CaptchaStore.objects.exists()
    assert Case.objects.count() == 1  # the case itself stays


# --- Health and readiness ----------------------------------------------------------------------


def test_healthz_is_cheap_and_readyz_reports_each_service(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == {"ok": True}
    assert ready.json()["checks"]["cache"] == {"ok": True}


def test_readyz_says_degraded_without_the_cache_and_503_without_the_database(client):
    with mock.patch("portal.views.cache", DownCache()):
        degraded = client.get("/readyz")
    assert degraded.status_code == 200 and degraded.json()["status"] == "degraded"
    assert degraded.json()["checks"]["cache"]["ok"] is False
    with mock.patch("portal.views._database", side_effect=OperationalError("down")):
        down = client.get("/readyz")
    assert down.status_code == 503 and down.json()["checks"]["database"]["ok"] is False


def test_a_connection_lost_after_the_commit_shows_try_again_and_the_retry_shows_the_receipt():
    """The case committed, then the database went away while the session was saved: the citizen
    sees "please try again", and sending the form again shows the receipt of that one case."""
    from django.contrib.sessions.backends.db import SessionStore

    citizen = Client(raise_request_exception=False)
    token = token_of(citizen.get(APPEAL_URL))
    with mock.patch.object(
        SessionStore, "save", side_effect=OperationalError("server closed the connection")
    ):
        response = citizen.post(APPEAL_URL, appeal_data(token))
    assert response.status_code == 503 and "請稍後再試" in response.content.decode()
    case = Case.objects.get()
    again = citizen.post(APPEAL_URL, appeal_data(token))
    assert again.status_code == 302
    reference, code = receipt_of(citizen)
    assert reference == case.reference and case.check_access_code(code)
    assert Case.objects.count() == 1
