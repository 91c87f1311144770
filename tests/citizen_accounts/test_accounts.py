"""Citizen accounts: signing up and in (password, e-mail code, phone), My appeals, adding an earlier
case with its code, taking the tracking page's steps without a code, the account's data."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from casework import roles, workflow
from casework.models import Case, Channel, Event, Satisfaction, Status
from casework.workflow import erasure
from citizen_accounts.links import linked_cases
from citizen_accounts.models import CaseLink, CitizenAccount
from tests.factories import CITIZEN_PASSWORD, citizen, staff
from tests.portal.appeal_pages import TRACK_URL, file_appeal, receipt_of

from . import sms
from .conftest import code_in_last_mail, code_in_last_sms

LOGIN = "/zh-hant/accounts/login/"
SIGNUP = "/zh-hant/accounts/signup/"
MY_APPEALS = "/zh-hant/accounts/appeals/"
CLAIM = "/zh-hant/accounts/appeals/add/"


def filed(subject="路燈故障", **extra):
    return workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="complaint",
        subject=subject,
        content="住家附近的路燈已經壞了兩週。",
        citizen_name="王小明",
        citizen_email="wang@example.org",
        **extra,
    )


def signed_in(client, account):
    client.force_login(account.user, backend="citizen_accounts.backends.CitizenBackend")
    return client


def holding(account, case):
    CaseLink.objects.create(
        account=account, case_ref=str(case.pk), case_hash=_hash(case), how=CaseLink.How.CLAIMED
    )


def _hash(case):
    from citizen_accounts.models import case_hash

    return case_hash(case.pk)


def staff_member(**kwargs):
    user = staff(roles.INTAKE_OFFICER, username="intake-officer", **kwargs)
    user.set_password("staff-password-2026")
    user.save()
    return user


def case_url(case):
    return f"{MY_APPEALS}{case.reference}/"


# --- Signing up and in ---------------------------------------------------------------------------


def test_a_citizen_signs_up_confirms_the_emailed_code_and_lands_on_my_appeals(client):
    response = client.post(
        SIGNUP,
        {
            "email": "new@example.org",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]
    confirm = client.get(response["Location"])
    assert confirm.status_code == 200
    response = client.post(response["Location"], {"code": code_in_last_mail()})
    assert response.status_code == 302 and response["Location"].endswith(MY_APPEALS)
    page = client.get(MY_APPEALS)
    assert page.status_code == 200 and 'id="claim-heading"' in page.content.decode()
    account = CitizenAccount.objects.get(user__email="new@example.org")
    # The username is never the e-mail address: it stays out of the staff sign-in.
    assert "new" not in account.user.username and account.user.username.startswith("citizen-")


def test_sign_in_by_password(client):
    citizen()
    response = client.post(LOGIN, {"login": "citizen@example.org", "password": CITIZEN_PASSWORD})
    assert response.status_code == 302 and response["Location"].endswith(MY_APPEALS)
    assert client.get(MY_APPEALS).status_code == 200


def test_a_wrong_password_is_refused_and_repeated_failures_are_limited(client, settings):
    citizen()
    for _attempt in range(5):
        response = client.post(LOGIN, {"login": "citizen@example.org", "password": "wrong-password-123"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(LOGIN, {"login": "citizen@example.org", "password": CITIZEN_PASSWORD})
    assert "_auth_user_id" not in client.session  # allauth's login_failed limit: 5 per 5 minutes per address
    assert "登入嘗試失敗次數過多" in response.content.decode()


def test_sign_in_by_a_code_sent_by_email(client):
    account = citizen()
    response = client.post("/zh-hant/accounts/login/code/", {"email": "citizen@example.org"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["citizen@example.org"]
    response = client.post(response["Location"], {"code": code_in_last_mail()})
    assert response.status_code == 302 and response["Location"].endswith(MY_APPEALS)
    assert int(client.session["_auth_user_id"]) == account.user.pk


def test_a_wrong_sign_in_code_does_not_sign_in(client):
    citizen()
    response = client.post("/zh-hant/accounts/login/code/", {"email": "citizen@example.org"})
    client.post(response["Location"], {"code": "WRONG1"})
    assert "_auth_user_id" not in client.session


def test_the_phone_number_is_verified_by_a_code_sent_through_the_sms_backend(client, caplog):
    response = client.post(
        SIGNUP,
        {
            "email": "phone@example.org",
            "phone": "+886912345678",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
        },
    )
    # The phone number first: a code goes out through the SMS backend, never into the log.
    assert response["Location"].endswith("/accounts/phone/verify/")
    assert sms.SENT and sms.SENT[-1][0] == "+886912345678"
    code = code_in_last_sms()
    assert code not in caplog.text
    response = client.post(response["Location"], {"code": code})
    # Then the e-mail address.
    assert response.status_code == 302 and not response["Location"].endswith(MY_APPEALS)
    response = client.post(response["Location"], {"code": code_in_last_mail()})
    assert response.status_code == 302 and response["Location"].endswith(MY_APPEALS)
    account = CitizenAccount.objects.get(user__email="phone@example.org")
    assert account.phone == "+886912345678" and account.phone_verified
    # Stored encrypted, found by its keyed hash: signing in by phone works.
    raw = CitizenAccount.objects.filter(pk=account.pk).values_list("phone", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM citizen_accounts_citizenaccount WHERE id = %s", [account.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    assert list(raw) == ["+886912345678"]
    client.logout()
    response = client.post(LOGIN, {"login": "+886912345678", "password": "a-long-new-password-2026"})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == account.user.pk


# --- My appeals ----------------------------------------------------------------------------------


def test_my_appeals_asks_to_sign_in_first(client):
    response = client.get(MY_APPEALS)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_case_filed_while_signed_in_is_in_my_appeals(client):
    account = citizen()
    signed_in(client, account)
    assert file_appeal(client).status_code == 302
    reference, _code = receipt_of(client)
    assert [case.reference for case in linked_cases(account)] == [reference]
    assert reference in client.get(MY_APPEALS).content.decode()


def test_a_case_filed_without_an_account_is_linked_to_nobody(client):
    file_appeal(client)
    assert CaseLink.objects.count() == 0


def test_an_earlier_case_is_added_with_its_reference_and_code(client):
    account = citizen()
    case, code = filed()
    signed_in(client, account)
    response = client.post(CLAIM, {"reference": case.reference.lower(), "access_code": code})
    assert response.status_code == 302
    html = client.get(MY_APPEALS).content.decode()
    assert case.reference in html and "路燈故障" in html
    assert [c.pk for c in linked_cases(account)] == [case.pk]


def test_a_wrong_code_adds_nothing_and_counts_toward_the_tracking_captcha(client, settings):
    settings.TRACKING_FAILURES_BEFORE_CAPTCHA = 2
    account = citizen()
    case, _code = filed()
    signed_in(client, account)
    for _attempt in range(2):
        response = client.post(CLAIM, {"reference": case.reference, "access_code": "WRONG-CODE-123"})
        assert response.status_code == 200
        assert "找不到" in response.content.decode() or "found no case" in response.content.decode()
    assert CaseLink.objects.count() == 0
    # The same throttle as the tracking page: a captcha now, here and there.
    assert 'name="captcha_1"' in client.get(MY_APPEALS).content.decode()
    assert 'name="captcha_1"' in client.get(TRACK_URL).content.decode()


def test_claiming_pauses_the_reference_like_tracking_does(client, settings):
    settings.TRACKING_REFERENCE_FAILURES_BEFORE_CAPTCHA = 100
    settings.TRACKING_FAILURES_BEFORE_CAPTCHA = 100
    settings.TRACKING_REFERENCE_FAILURES_BEFORE_LOCK = 3
    account = citizen()
    case, code = filed()
    signed_in(client, account)
    for _attempt in range(3):
        client.post(CLAIM, {"reference": case.reference, "access_code": "WRONG-CODE-123"})
    response = client.post(CLAIM, {"reference": case.reference, "access_code": code})
    assert response.status_code == 200 and CaseLink.objects.count() == 0
    assert "暫停" in response.content.decode() or "paused" in response.content.decode()


def test_claiming_shares_the_tracking_rate_limit(client, settings):
    settings.TRACKING_ATTEMPTS_PER_HOUR = 2
    settings.TRACKING_FAILURES_BEFORE_CAPTCHA = 100
    signed_in(client, citizen())
    for _attempt in range(2):
        client.post(CLAIM, {"reference": "MY-2026-999999", "access_code": "WRONG-CODE-123"})
    assert client.post(CLAIM, {"reference": "MY-2026-999999", "access_code": "x"}).status_code == 429


def test_another_citizen_cannot_open_your_case(client):
    mine, other = citizen(), citizen(email="other@example.org")
    case, _code = filed()
    holding(mine, case)
    signed_in(client, other)
    assert client.get(case_url(case)).status_code == 404
    assert (
        client.post(case_url(case), {"action": "withdraw", "reason": "x", "confirm": "on"}).status_code == 404
    )
    assert case.reference not in client.get(MY_APPEALS).content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_staff_signed_in_get_no_my_appeals(client):
    client.force_login(staff(roles.INTAKE_OFFICER))
    assert client.get(MY_APPEALS).status_code == 404


# --- Taking the tracking page's steps from My appeals, without the code -------------------------


def test_the_case_page_shows_the_case_without_asking_for_a_code(client):
    account = citizen()
    case, _code = filed()
    holding(account, case)
    html = signed_in(client, account).get(case_url(case)).content.decode()
    assert case.reference in html and "住家附近的路燈已經壞了兩週。" in html
    assert 'name="access_code"' not in html


def test_add_information_from_my_appeals(client):
    account = citizen()
    case, _code = filed()
    workflow.request_information(case, staff(roles.INTAKE_OFFICER), "請提供路燈編號。")
    holding(account, case)
    signed_in(client, account)
    assert "請提供路燈編號。" in client.get(case_url(case)).content.decode()
    response = client.post(case_url(case), {"action": "information", "text": "路燈編號 A-123。"})
    assert response.status_code == 302 and response["Location"] == case_url(case)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.events.filter(kind=Event.Kind.INFORMATION_RECEIVED, text__contains="A-123").exists()
    assert (
        "謝謝" in client.get(case_url(case)).content.decode()
        or "Thank you" in client.get(case_url(case)).content.decode()
    )


def test_rate_the_reply_from_my_appeals(client):
    from tests.factories import CaseFactory

    account = citizen()
    case = CaseFactory(status=Status.REPLIED)
    holding(account, case)
    signed_in(client, account)
    response = client.post(case_url(case), {"action": "satisfaction", "satisfaction": Satisfaction.SATISFIED})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.SATISFIED


def test_withdraw_from_my_appeals(client):
    account = citizen()
    case, _code = filed()
    holding(account, case)
    signed_in(client, account)
    response = client.post(case_url(case), {"action": "withdraw", "reason": "已自行解決", "confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN


def test_a_step_with_errors_comes_back_on_the_account_page(client):
    account = citizen()
    case, _code = filed()
    holding(account, case)
    response = signed_in(client, account).post(case_url(case), {"action": "withdraw", "reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{case_url(case)}"' in html and "govuk-error-summary" in html


# --- The account's data ------------------------------------------------------------------------


def test_download_my_data_holds_my_account_and_my_cases_only(client):
    account = citizen(phone="+886912345678", phone_verified=True)
    other = citizen(email="other@example.org")
    mine, _code = filed(subject="我的路燈")
    theirs, _code = filed(subject="別人的案件")
    holding(account, mine)
    holding(other, theirs)
    workflow.withdraw(mine, None, "已自行解決")
    with translation.override("en"):
        response = signed_in(client, account).get("/en/accounts/data/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email_addresses"][0]["email"] == "citizen@example.org"
    assert data["account"]["phone"] == "+886912345678"
    assert [c["reference"] for c in data["cases"]] == [mine.reference]
    assert data["cases"][0]["what_you_wrote"]["subject"] == "我的路燈"
    assert any(entry["by_you"] and "已自行解決" in entry["text"] for entry in data["cases"][0]["timeline"])
    text = response.content.decode()
    assert "別人的案件" not in text and "other@example.org" not in text and theirs.reference not in text
    # Nothing the citizen did not give to the account or see on the tracking page.
    assert "王小明" not in text and "wang@example.org" not in text


def test_delete_my_account_keeps_the_cases_and_removes_the_links(client):
    account = citizen()
    case, code = filed()
    holding(account, case)
    signed_in(client, account)
    response = client.post("/zh-hant/accounts/delete/", {})
    assert response.status_code == 200 and CitizenAccount.objects.filter(pk=account.pk).exists()
    response = client.post("/zh-hant/accounts/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert not CitizenAccount.objects.exists() and CaseLink.objects.count() == 0
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="citizen@example.org").exists()
    assert not EmailAddress.objects.exists()
    assert Case.objects.filter(pk=case.pk).exists() and "_auth_user_id" not in client.session
    # The case can still be followed with its code.
    client.post(TRACK_URL, {"action": "lookup", "reference": case.reference, "access_code": code})
    assert case.reference in client.get(TRACK_URL).content.decode()


def test_erasing_a_case_removes_it_from_every_account(client):
    account = citizen()
    case, _code = filed()
    holding(account, case)
    import uuid

    record = erasure.erase_case(case, uuid.uuid4(), 1095)
    assert CaseLink.objects.count() == 0
    assert any("citizen account links" in name for name in record.fields)


def test_retention_finds_a_linked_case_with_nothing_else_to_erase():
    from datetime import timedelta

    from django.utils import timezone

    from retention import services
    from tests.factories import CaseFactory

    account = citizen()
    long_ago = timezone.now() - timedelta(days=3000)
    case = CaseFactory(
        status=Status.CLOSED,
        closed_at=long_ago,
        citizen_name="",
        citizen_phone="",
        citizen_email="",
        citizen_address="",
        citizen_id_number="",
    )
    holding(account, case)
    assert case in services.due_cases()
    services.run()
    assert CaseLink.objects.count() == 0


# --- The header and the back office --------------------------------------------------------------


def test_the_header_offers_sign_in_then_my_appeals(client):
    html = client.get(TRACK_URL).content.decode()
    assert re.search(r'class="account-link"><a [^>]*href="/zh-hant/accounts/login/"', html)
    signed_in(client, citizen())
    html = client.get(TRACK_URL).content.decode()
    assert re.search(r'class="account-link"><a [^>]*href="/zh-hant/accounts/appeals/"', html)


@pytest.mark.usefixtures("admin_access")
def test_staff_sign_in_is_unaffected(client):
    staff_member()
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "intake-officer", "password": "staff-password-2026"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_citizen_cannot_sign_in_to_the_admin(client):
    account = citizen()
    for username in ("citizen@example.org", account.user.username):
        client.post(reverse("wagtailadmin_login"), {"username": username, "password": CITIZEN_PASSWORD})
        assert "_auth_user_id" not in client.session


def test_a_signed_in_citizen_cannot_open_the_admin(client):
    signed_in(client, citizen())
    for path in ("/admin/", "/admin/two-factor/", "/admin/login/", "/admin/pages/"):
        assert client.get(path).status_code == 404, path


def test_staff_cannot_sign_in_as_citizens(client):
    staff_member(email="intake@example.org")
    client.post(LOGIN, {"login": "intake@example.org", "password": "staff-password-2026"})
    assert "_auth_user_id" not in client.session
    response = client.post("/zh-hant/accounts/login/code/", {"email": "intake@example.org"})
    if response.status_code == 302 and mail.outbox:
        client.post(response["Location"], {"code": code_in_last_mail()})
    assert "_auth_user_id" not in client.session


def test_axes_keeps_locking_the_staff_sign_in_but_not_citizens(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    staff_member()
    for _attempt in range(2):
        client.post(reverse("wagtailadmin_login"), {"username": "intake-officer", "password": "wrong"})
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "intake-officer", "password": "staff-password-2026"}
    )
    assert response.status_code == 429
    citizen()
    for _attempt in range(3):
        client.post(LOGIN, {"login": "citizen@example.org", "password": "wrong-password-123"})
    response = client.post(LOGIN, {"login": "citizen@example.org", "password": CITIZEN_PASSWORD})
    assert response.status_code == 302


def test_signing_out_leads_to_the_sign_in_page_which_says_so(client):
    signed_in(client, citizen())
    response = client.post("/zh-hant/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert 'class="govuk-notification-banner' in client.get(LOGIN).content.decode()


def test_an_office_that_sends_no_sms_offers_no_phone_sign_in_nor_verification():
    """Settings are read once at start-up, so this starts them afresh with SMS_DISABLED=true."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import PROJECT_ROOT

    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([sorted(settings.ACCOUNT_LOGIN_METHODS), settings.ACCOUNT_SIGNUP_FIELDS, "
        "settings.ACCOUNT_PHONE_VERIFICATION_ENABLED]))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "appeals.settings.test", "SMS_DISABLED": "true"}
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True
    )
    assert output.returncode == 0, output.stderr
    methods, fields, verification = json.loads(output.stdout.strip().splitlines()[-1])
    assert methods == ["email"] and not any(field.startswith("phone") for field in fields)
    assert verification is False
