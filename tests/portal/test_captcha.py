"""The captcha with test mode off, as in production: right once, then never again; described in words,
another picture on request, read aloud where flite is installed, and never held against the hourly
filing limit when it fails."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.utils import timezone

from casework.models import Case
from portal import ratelimit

from .appeal_pages import APPEAL_URL, TRACK_URL, appeal_data, appeal_pages, token_of  # noqa: F401

FLITE = "/usr/bin/flite"

pytestmark = pytest.mark.usefixtures("appeal_pages")


@pytest.fixture(autouse=True)
def real_captcha(monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)


def challenge(client):
    """A fresh form: its submission token and the captcha's key and answer (as a reader would see)."""
    response = client.get(APPEAL_URL)
    key = response.context["form"]["captcha"].value()
    key = key[0] if isinstance(key, list) else key
    if not key:
        key = response.content.decode().split('name="captcha_0" value="')[1].split('"')[0]
    return token_of(response), key, CaptchaStore.objects.get(hashkey=key).response


def test_the_right_answer_files_the_appeal(client):
    token, key, answer = challenge(client)
    response = client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1=answer.upper()))
    assert response.status_code == 302 and Case.objects.count() == 1


def test_an_answer_works_once_only(client):
    token, key, answer = challenge(client)
    client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1=answer))
    second_token, _key, _answer = challenge(client)
    replay = client.post(
        APPEAL_URL, appeal_data(second_token, subject="再一次", captcha_0=key, captcha_1=answer)
    )
    assert replay.status_code == 200 and "captcha" in replay.context["form"].errors
    assert Case.objects.count() == 1


def test_a_wrong_answer_spends_the_challenge(client):
    token, key, answer = challenge(client)
    wrong = client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1="zzzzz"))
    assert wrong.status_code == 200 and "captcha" in wrong.context["form"].errors
    right_too_late = client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1=answer))
    assert "captcha" in right_too_late.context["form"].errors and not Case.objects.exists()


def test_an_expired_challenge_is_refused(client):
    token, key, answer = challenge(client)
    CaptchaStore.objects.filter(hashkey=key).update(expiration=timezone.now() - timedelta(seconds=1))
    response = client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1=answer))
    assert "captcha" in response.context["form"].errors and not Case.objects.exists()


# --- Passable: described, refreshable, audible, in the reader's language --------------------------


def test_the_picture_is_described_in_words_in_the_readers_language(client):
    html = client.get(APPEAL_URL).content.decode()
    alt = re.search(r'<img src="/captcha/image/[^"]+"[^>]* alt="([^"]+)"', html).group(1)
    assert alt != "captcha" and "驗證" in alt
    english = client.get(APPEAL_URL.replace("/zh-hant/", "/en/"))
    if english.status_code == 200:  # the test portal is zh-Hant only; English where it exists
        assert 'alt="captcha"' not in english.content.decode()


def test_a_wrong_answer_is_explained_in_the_readers_language(client):
    token, key, _answer = challenge(client)
    wrong = client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1="zzzzz"))
    html = wrong.content.decode()
    assert "Invalid CAPTCHA" not in html
    assert wrong.context["form"].errors["captcha"] == ["驗證碼不正確，請輸入新圖片中的字元。"]
    assert "驗證碼不正確" in html.split('class="govuk-error-summary', 1)[1]


def test_another_picture_keeps_what_was_typed_and_checks_nothing(client):
    token, key, _answer = challenge(client)
    response = client.post(
        APPEAL_URL, appeal_data(token, subject="人行道破損", captcha_0=key, captcha_1="", captcha_refresh="1")
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert 'value="人行道破損"' in html and 'value="citizen@example.org"' in html
    assert "govuk-error-summary" not in html and "govuk-error-message" not in html
    new_key = html.split('name="captcha_0" value="')[1].split('"')[0]
    assert new_key != key and CaptchaStore.objects.filter(hashkey=new_key).exists()
    assert not CaptchaStore.objects.filter(hashkey=key).exists()  # the old picture cannot be answered
    answer = CaptchaStore.objects.get(hashkey=new_key).response
    filed = client.post(APPEAL_URL, appeal_data(token, captcha_0=new_key, captcha_1=answer))
    assert filed.status_code == 302 and Case.objects.count() == 1


def test_scripts_can_fetch_another_picture_in_place(client):
    html = client.get(APPEAL_URL).content.decode()
    assert 'data-refresh-url="/captcha/refresh/"' in html and "js/captcha-refresh.js" in html
    fresh = client.get("/captcha/refresh/", headers={"x-requested-with": "XMLHttpRequest"})
    assert CaptchaStore.objects.filter(hashkey=fresh.json()["key"]).exists()


def test_failed_captchas_and_new_pictures_do_not_count_toward_the_hourly_limit(client, settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 1
    for _ in range(3):
        token, key, _answer = challenge(client)
        wrong = client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1="zzzzz"))
        assert wrong.status_code == 200 and "captcha" in wrong.context["form"].errors
        refresh = client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_refresh="1"))
        assert refresh.status_code == 200
    token, key, answer = challenge(client)
    assert client.post(APPEAL_URL, appeal_data(token, captcha_0=key, captcha_1=answer)).status_code == 302
    # The accepted appeal used up the hour: the next one is refused before its captcha is looked at.
    token, key, answer = challenge(client)
    refused = client.post(APPEAL_URL, appeal_data(token, subject="第二件", captcha_0=key, captcha_1=answer))
    assert refused.status_code == 429 and Case.objects.count() == 1


@pytest.mark.skipif(not Path(FLITE).exists(), reason="flite is not installed")
def test_the_characters_can_be_heard_where_flite_is_installed(client, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", FLITE)
    html = client.get(APPEAL_URL).content.decode()
    audio = re.search(r'<a class="govuk-link captcha-audio" href="([^"]+)">([^<]+)</a>', html)
    assert audio and "聽" in audio.group(2)
    sound = client.get(audio.group(1))
    assert sound.status_code == 200 and sound["Content-Type"] == "audio/wav"
    assert b"".join(sound.streaming_content)[:4] == b"RIFF"


def test_no_audio_link_where_there_is_no_voice(client, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", None)
    html = client.get(APPEAL_URL).content.decode()
    assert "captcha-audio" not in html and "/captcha/image/" in html


def test_tracking_offers_another_picture_without_counting_a_wrong_code(client, settings):
    settings.TRACKING_FAILURES_BEFORE_CAPTCHA = 0  # the captcha from the first lookup
    form = client.get(TRACK_URL).content.decode()
    key = form.split('name="captcha_0" value="')[1].split('"')[0]
    response = client.post(
        TRACK_URL,
        {
            "action": "lookup",
            "reference": "MY-2026-000001",
            "access_code": "x",
            "captcha_0": key,
            "captcha_refresh": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'value="MY-2026-000001"' in html
    assert "govuk-error-summary" not in html
    assert html.split('name="captcha_0" value="')[1].split('"')[0] != key
    assert ratelimit.peek("tracking-fail-ip", "127.0.0.1", 3600) == 0
