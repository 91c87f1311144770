"""Production sends text messages through a real gateway or says it sends none; when it sends none
no page, form or message promises one."""

import secrets

import pytest
from django.utils import translation

from casework import roles, workflow
from casework.forms import CaseRegistrationForm
from casework.models import Channel, OutboxMessage
from notifications import outbox
from portal.appeals import AppealForm
from tests.appeals.test_settings import PRODUCTION
from tests.conftest import run_manage
from tests.factories import CaseFactory, staff
from tests.portal.appeal_pages import APPEAL_URL, TRACK_URL, appeal_pages  # noqa: F401

STARTS = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)}


def without(env, *names):
    return {name: value for name, value in env.items() if name not in names}


def test_production_refuses_to_start_with_the_logging_backend():
    result = run_manage("check", env=without(STARTS, "SMS_DISABLED"))
    assert result.returncode != 0
    assert "CASEWORK_SMS_BACKEND only writes text messages to the log" in result.stderr
    assert "SMS_DISABLED=true" in result.stderr


def test_production_starts_when_it_says_it_sends_no_sms():
    result = run_manage("check", env={**STARTS, "SMS_DISABLED": "true"})
    assert result.returncode == 0, result.stderr


def test_production_starts_with_a_real_gateway():
    env = {
        **without(STARTS, "SMS_DISABLED"),
        "CASEWORK_SMS_BACKEND": "notifications.sms.TwilioSMSBackend",
        "SMS_TWILIO_ACCOUNT_SID": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "SMS_TWILIO_AUTH_TOKEN": "token",
        "SMS_TWILIO_FROM": "+15557122661",
    }
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr


def _labels(choices):
    with translation.override("en"):
        return " ".join(str(label) for _value, label in choices)


def test_the_online_form_offers_text_messages_only_when_the_office_sends_them(settings):
    settings.SMS_DISABLED = False
    assert "text message (SMS)" in _labels(AppealForm().fields["reply_channel"].choices)
    settings.SMS_DISABLED = True
    labels = _labels(AppealForm().fields["reply_channel"].choices)
    assert "SMS" not in labels and "text message" not in labels
    assert "the office calls you" in labels


def test_the_staff_registration_form_promises_no_text_message_when_disabled(settings, db):
    settings.SMS_DISABLED = True
    field = CaseRegistrationForm().fields["reply_channel"]
    with translation.override("en"):
        said = _labels(field.choices) + str(field.help_text)
    assert "SMS" not in said and "text message (SMS)" not in said
    assert "Telephone call" in said
    settings.SMS_DISABLED = False
    with translation.override("en"):
        assert "text message (SMS)" in str(CaseRegistrationForm().fields["reply_channel"].help_text)


def test_a_citizen_with_only_a_phone_is_sent_no_sms_when_disabled(settings, db):
    settings.SMS_DISABLED = True
    case = CaseFactory(citizen_email="", citizen_phone="0912345678", channel=Channel.WEB)
    assert outbox.citizen_contact(case)[1] == ""
    workflow.reject(case, staff(roles.INTAKE_OFFICER), "Not a matter for this office")
    assert not OutboxMessage.objects.filter(case=case).exists()


def test_an_sms_queued_while_disabled_fails_where_staff_see_it(settings, db):
    settings.SMS_DISABLED = True
    case = CaseFactory(citizen_email="")
    message = outbox.queue(
        "access_code", dedupe_key="sms-off", case=case, address="0912345678", channel="sms"
    )
    assert outbox.deliver_due(message_id=message.pk) == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.FAILED and "SMS_DISABLED" in message.last_error


@pytest.mark.usefixtures("appeal_pages")
def test_the_public_pages_promise_no_text_message_when_disabled(client, settings):
    settings.SMS_DISABLED = True
    form = client.get(APPEAL_URL).content.decode()
    new_code = client.get(TRACK_URL + "new-code/").content.decode()
    with translation.override("zh-hant"):
        by_call = str(dict(AppealForm().fields["reply_channel"].choices)[Channel.HOTLINE])
        settings.SMS_DISABLED = False
        by_sms = str(dict(AppealForm().fields["reply_channel"].choices)[Channel.HOTLINE])
    assert by_call in form and by_sms not in form
    assert "phone number" not in new_code and "電話號碼" not in new_code
