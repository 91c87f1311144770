"""The appeal form's captcha with test mode off, as in production: right once, then never again."""

from datetime import timedelta

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.utils import timezone

from casework.models import Case

from .appeal_pages import APPEAL_URL, appeal_data, appeal_pages, token_of  # noqa: F401

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
