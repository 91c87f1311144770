"""The Twilio adapter against recorded answers shaped like Twilio's documented responses: what it
sends, which refusals are permanent, which are retried, and that neither the text nor the number
reaches a log or an error."""

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.utils import timezone

from casework import roles, workflow
from casework.models import OutboxMessage
from notifications import outbox, sms
from tests.factories import CaseFactory, staff

DATA = Path(__file__).parent / "data"
SID = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
TEXT = "您的新查詢碼：K7Q2-9XPA"
TYPED = "0912-345 678"


def recorded(name):
    return json.loads((DATA / name).read_text())


@pytest.fixture
def twilio(settings):
    settings.CASEWORK_SMS_BACKEND = "notifications.sms.TwilioSMSBackend"
    settings.SMS_DISABLED = False
    settings.SMS_DEFAULT_REGION = "TW"
    settings.SMS_TWILIO_ACCOUNT_SID = SID
    settings.SMS_TWILIO_AUTH_TOKEN = "auth-token"
    settings.SMS_TWILIO_FROM = "+15557122661"
    settings.SMS_TWILIO_MESSAGING_SERVICE_SID = ""
    settings.SMS_TIMEOUT_SECONDS = 5
    with responses.RequestsMock() as mock:
        yield mock


def test_it_posts_the_documented_form_with_basic_auth_and_an_e164_number(twilio):
    twilio.post(URL, json=recorded("twilio_message_created.json"), status=201)
    outbox.sms_backend().send(TYPED, TEXT)
    (call,) = twilio.calls
    form = parse_qs(call.request.body)
    assert form == {"To": ["+886912345678"], "From": ["+15557122661"], "Body": [TEXT]}
    assert call.request.headers["Authorization"].startswith("Basic ")
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_a_messaging_service_replaces_the_sender(twilio, settings):
    settings.SMS_TWILIO_MESSAGING_SERVICE_SID = "MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    twilio.post(URL, json=recorded("twilio_message_created.json"), status=201)
    outbox.sms_backend().send("+886 912 345 678", TEXT)
    form = parse_qs(twilio.calls[0].request.body)
    assert form["MessagingServiceSid"] == ["MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"] and "From" not in form


@pytest.mark.parametrize(
    "typed, region, e164",
    [
        ("0912345678", "TW", "+886912345678"),
        ("0912-345-678", "TW", "+886912345678"),
        ("(02) 2311-3456", "TW", "+886223113456"),
        ("+886 912 345 678", "TW", "+886912345678"),
        ("00886912345678", "TW", "+886912345678"),
        ("13812345678", "CN", "+8613812345678"),
        ("+852 9123 4567", "TW", "+85291234567"),
    ],
)
def test_numbers_as_citizens_type_them_become_e164(settings, typed, region, e164):
    settings.SMS_DEFAULT_REGION = region
    assert sms.normalise_number(typed) == e164


@pytest.mark.parametrize("typed", ["123", "call me", "", "+1234567890123456"])
def test_what_is_no_phone_number_fails_permanently_without_asking_the_gateway(twilio, typed):
    with pytest.raises(outbox.PermanentFailure):
        outbox.sms_backend().send(typed, TEXT)
    assert len(twilio.calls) == 0


@pytest.mark.parametrize(
    "fixture",
    [
        "twilio_error_21211.json",
        "twilio_error_21610.json",
        "twilio_error_21408.json",
        "twilio_error_21614.json",
    ],
)
def test_refusals_no_retry_changes_are_permanent(twilio, fixture):
    answer = recorded(fixture)
    twilio.post(URL, json=answer, status=answer["status"])
    with pytest.raises(outbox.PermanentFailure) as refused:
        outbox.sms_backend().send(TYPED, TEXT)
    assert str(answer["code"]) in str(refused.value)
    assert "912345678" not in str(refused.value)


@pytest.mark.parametrize(
    "fixture", ["twilio_error_20429.json", "twilio_error_20500.json", "twilio_error_20003.json"]
)
def test_rate_limits_server_errors_and_credentials_are_retried(twilio, fixture):
    answer = recorded(fixture)
    twilio.post(URL, json=answer, status=answer["status"])
    with pytest.raises(sms.TemporaryFailure) as failed:
        outbox.sms_backend().send(TYPED, TEXT)
    assert not isinstance(failed.value, outbox.PermanentFailure)


def test_a_gateway_that_does_not_answer_in_time_is_retried(twilio):
    twilio.post(URL, body=requests.Timeout("read timed out"))
    with pytest.raises(sms.TemporaryFailure):
        outbox.sms_backend().send(TYPED, TEXT)


def _sms_message(case):
    return outbox.queue(
        "access_code",
        dedupe_key=f"sms-test:{case.pk}",
        case=case,
        address=TYPED,
        channel=OutboxMessage.Channel.SMS,
        language="zh-hant",
        code="",
    )


def test_the_outbox_fails_a_permanent_refusal_at_once(twilio, db, caplog):
    answer = recorded("twilio_error_21610.json")
    twilio.post(URL, json=answer, status=400)
    message = _sms_message(CaseFactory(citizen_email=""))
    with caplog.at_level("DEBUG"):
        assert outbox.deliver_due(message_id=message.pk) == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.FAILED and message.attempts == 1
    assert "21610" in message.last_error
    assert "912345678" not in message.last_error and "912345678" not in caplog.text


def test_the_outbox_retries_a_temporary_failure_then_sends(twilio, db, caplog):
    twilio.post(URL, json=recorded("twilio_error_20429.json"), status=429)
    twilio.post(URL, json=recorded("twilio_message_created.json"), status=201)
    case = CaseFactory(citizen_email="")
    message = _sms_message(case)
    with caplog.at_level("DEBUG"):
        assert outbox.deliver_due(message_id=message.pk) == 0
        message.refresh_from_db()
        assert message.status == OutboxMessage.State.PENDING and "rate limit" in message.last_error
        assert outbox.deliver_due(message_id=message.pk, now=timezone.now() + timedelta(hours=1)) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.SENT
    body = parse_qs(twilio.calls[1].request.body)["Body"][0]
    assert case.reference in body
    # Neither the text (it carries the reference and may carry a code) nor the number is logged.
    assert case.reference not in caplog.text and "912345678" not in caplog.text
    assert "SMS to ********5678 accepted" in caplog.text


def test_a_citizen_with_only_a_phone_gets_the_step_by_sms(twilio, db):
    twilio.post(URL, json=recorded("twilio_message_created.json"), status=201)
    case = CaseFactory(citizen_email="", citizen_phone=TYPED, language="en")
    workflow.reject(case, staff(roles.INTAKE_OFFICER), "Not a matter for this office")
    assert outbox.deliver_due() == 1
    form = parse_qs(twilio.calls[0].request.body)
    assert form["To"] == ["+886912345678"] and "Not a matter for this office" in form["Body"][0]


def test_the_logging_backend_logs_neither_text_nor_number(caplog):
    with caplog.at_level("INFO", logger="notifications"):
        sms.LoggingSMSBackend().send("0912345678", TEXT)
    assert "SMS to" in caplog.text and "K7Q2" not in caplog.text and "0912345678" not in caplog.text
    # The setting's old default still names the same class.
    assert outbox.LoggingSMSBackend is sms.LoggingSMSBackend
