"""Replies by the channel used: a partner with a callback URL gets each public step as a signed JSON
document; failures it cannot fix fail at once, others are retried; without one the citizen is mailed."""

import hashlib
import hmac
import json

import pytest
import requests
import responses

from casework import workflow
from casework.models import Case, OutboxMessage
from casework.roles import INTAKE_OFFICER
from notifications import outbox
from partner_api.callbacks import SIGNATURE_HEADER
from partner_api.models import Partner
from tests.factories import staff

from .conftest import CASE, file_case

CALLBACK = "https://hotline.example.org/appeals/callback"
SECRET = "callback-secret-0123456789"


@pytest.fixture
def with_callback(partner):
    Partner.objects.filter(pk=partner.pk).update(callback_url=CALLBACK)
    partner.refresh_from_db()
    partner.callback_secret = SECRET
    partner.save()
    return partner


def messages(case):
    return OutboxMessage.objects.filter(case=case).order_by("pk")


@responses.activate
def test_each_public_step_goes_to_the_callback_signed_and_staff_notes_do_not(api, with_callback):
    responses.post(CALLBACK, status=204)
    reference = file_case(api).json()["reference"]
    case = Case.objects.get(reference=reference)
    officer = staff(INTAKE_OFFICER)
    workflow.add_note(case, officer, "Internal: the caller is a regular")
    workflow.accept(case, officer)

    queued = list(messages(case))
    assert [m.channel for m in queued] == [OutboxMessage.Channel.API] * 2
    assert outbox.deliver_due() == 2
    assert [m.status for m in messages(case)] == [OutboxMessage.State.SENT] * 2

    call = responses.calls[1]
    body = call.request.body
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert call.request.headers[SIGNATURE_HEADER] == expected
    document = json.loads(body)
    assert document["reference"] == reference
    assert document["status"] == "accepted"
    assert document["open311_status"] == "open"
    assert "Your case has been accepted." in document["text"]
    sent = b"".join(c.request.body for c in responses.calls).decode()
    assert "regular" not in sent
    assert CASE["citizen"]["phone"] not in sent and CASE["citizen"]["name"] not in sent


@pytest.mark.parametrize(
    "answer, state",
    [
        ({"status": 400}, OutboxMessage.State.FAILED),
        ({"status": 410}, OutboxMessage.State.FAILED),
        ({"status": 429}, OutboxMessage.State.PENDING),
        ({"status": 408}, OutboxMessage.State.PENDING),
        ({"status": 503}, OutboxMessage.State.PENDING),
        ({"body": requests.Timeout("read timed out")}, OutboxMessage.State.PENDING),
    ],
)
@responses.activate
def test_a_refused_callback_fails_at_once_and_a_busy_one_is_retried(api, with_callback, answer, state):
    responses.post(CALLBACK, **answer)
    case = Case.objects.get(reference=file_case(api).json()["reference"])
    outbox.deliver_due()
    message = messages(case).get()
    assert message.status == state
    assert message.attempts == 1
    assert "callback" in message.last_error or "Timeout" in message.last_error


def test_without_a_callback_the_citizen_is_told_by_email(api, partner):
    case = Case.objects.get(reference=file_case(api).json()["reference"])
    message = messages(case).get()
    assert message.channel == OutboxMessage.Channel.EMAIL
    assert message.address == CASE["citizen"]["email"]


@responses.activate
def test_a_citizen_who_asked_for_email_gets_email_even_when_the_partner_takes_callbacks(api, with_callback):
    case = Case.objects.get(
        reference=file_case(api, body={**CASE, "reply_channel": "email"}).json()["reference"]
    )
    assert messages(case).get().channel == OutboxMessage.Channel.EMAIL


@responses.activate
def test_a_partner_deactivated_later_gets_no_more_callbacks(api, with_callback):
    case = Case.objects.get(reference=file_case(api).json()["reference"])
    Partner.objects.filter(pk=with_callback.pk).update(is_active=False)
    outbox.deliver_due()
    assert messages(case).get().status == OutboxMessage.State.FAILED
    assert len(responses.calls) == 0
