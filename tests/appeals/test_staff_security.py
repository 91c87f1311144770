"""Staff accounts and response headers: two-factor sign-in, lockout, sessions, passwords, CSP."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import roles
from tests.factories import DepartmentFactory, staff

PASSWORD = "a-long-test-password-2026"
pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(admin_access):
    return staff(roles.HANDLER, DepartmentFactory())


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password})


def test_staff_enrol_an_authenticator_before_reaching_the_back_office(client, settings, handler):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one (see below)
    client.force_login(handler)
    response = client.get("/admin/cases/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and 'id="two-factor-key"' in page.content.decode()
    device = TOTPDevice.objects.get(user=handler)
    assert not device.confirmed

    wrong = client.post(reverse("two_factor"), {"token": "000000", "next": "/admin/cases/"})
    assert wrong.status_code == 200 and "代碼無效" in wrong.content.decode()
    assert client.get("/admin/cases/").status_code == 302

    right = client.post(reverse("two_factor"), {"token": current_code(device), "next": "/admin/cases/"})
    assert right.status_code == 302 and right["Location"] == "/admin/cases/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/cases/").status_code == 200


def test_an_enrolled_member_of_staff_is_asked_for_a_code_at_every_sign_in(client, settings, handler):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)
    sign_in(client, handler.username)
    page = client.get(reverse("two_factor"))
    assert 'id="two-factor-key"' not in page.content.decode()  # no new enrolment, and no key shown
    assert client.get("/admin/").status_code == 302
    client.post(reverse("two_factor"), {"token": current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_guessing_codes_is_slowed_down(client, settings, handler):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)
    client.force_login(handler)
    client.post(reverse("two_factor"), {"token": "000000"})
    # Straight after a wrong guess even the right code is refused for a while.
    assert client.post(reverse("two_factor"), {"token": current_code(device)}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_the_code_page_sends_nobody_to_another_site(client, settings, handler):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=handler, name="phone", confirmed=True)
    client.force_login(handler)
    response = client.post(
        reverse("two_factor"), {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("wagtailadmin_home")


def test_repeated_wrong_passwords_lock_the_account_with_a_translated_page(client, settings, handler):
    settings.AXES_ENABLED = True
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, handler.username, "wrong-password").status_code == 200
    assert sign_in(client, handler.username, "wrong-password").status_code == 429
    locked = sign_in(client, handler.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert "登入失敗次數過多" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    colleague = staff(roles.INTAKE_OFFICER)
    assert sign_in(client, colleague.username).status_code == 302  # other accounts are unaffected


def test_deactivating_a_user_ends_their_sessions(client, handler):
    client.force_login(handler)
    assert client.get("/admin/").status_code == 200
    assert Session.objects.count() == 1
    handler.is_active = False
    handler.save()
    assert Session.objects.count() == 0
    response = client.get("/admin/")
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_staff_sessions_end_with_the_browser_and_after_idle_time(client, settings, handler):
    client.force_login(handler)
    client.get("/admin/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE <= 8 * 3600


@pytest.mark.parametrize("password", ["short1", "password1234", "123456789012", "alice-smith-2026"])
def test_weak_passwords_are_refused(password):
    from django.contrib.auth import get_user_model

    user = get_user_model()(username="alice-smith-2026", first_name="Alice", last_name="Smith")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted():
    validate_password("correct horse battery staple 2026")


def test_public_pages_get_a_strict_content_security_policy(client):
    policy = client.get("/robots.txt")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_the_admin_gets_its_own_policy(client):
    policy = client.get(reverse("wagtailadmin_login"))["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy


def test_pages_showing_personal_data_are_never_cached(client, handler):
    from tests.factories import CaseFactory

    case = CaseFactory(department=handler.department_memberships.first().department, citizen_name="王小明")
    client.force_login(handler)
    response = client.get(reverse("casework:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
