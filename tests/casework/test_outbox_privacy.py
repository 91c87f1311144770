"""A failed message's error names no citizen, and the retention run erases it with the case's data."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused
from unittest import mock

import pytest
from django.utils import timezone

from casework.models import OutboxMessage, Status
from notifications import outbox as notifications
from retention import services as retention
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

ADDRESS = "wang.xiaoming@example.com"


def refused(*args, **kwargs):
    raise SMTPRecipientsRefused(
        {ADDRESS: (550, f"5.1.1 <{ADDRESS}>: user unknown, call 0912-345-678".encode())}
    )


def test_a_delivery_error_keeps_its_class_but_not_the_address(settings):
    case = CaseFactory(citizen_email=ADDRESS)
    message = notifications.queue("case_event", dedupe_key="privacy-1", case=case, address=ADDRESS, event=0)
    with mock.patch("notifications.outbox.send_mail", side_effect=refused):
        notifications.deliver_due(message_id=message.pk, now=timezone.now() + timedelta(hours=1))
    message.refresh_from_db()
    assert message.last_error.startswith("SMTPRecipientsRefused: ")
    assert ADDRESS not in message.last_error and "wang.xiaoming" not in message.last_error
    assert "0912-345-678" not in message.last_error and "912345678" not in message.last_error
    assert "550" in message.last_error  # the server's code still says what went wrong


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{'x@example.com': (550, b'unknown')}", "{'[address]': (550, b'unknown')}"),
        ("SMS gateway refused +886 912 345 678", "SMS gateway refused [number]"),
        ("number 13912345678 unreachable", "number [number] unreachable"),
        ("timed out after 30 s", "timed out after 30 s"),
    ],
)
def test_redaction(text, expected):
    assert notifications.redact(text) == expected


def test_the_retention_run_erases_delivery_errors_of_erased_cases(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    now = timezone.now()
    case = CaseFactory(status=Status.CLOSED, closed_at=now - timedelta(days=31), citizen_email=ADDRESS)
    message = OutboxMessage.objects.create(
        case=case,
        address=ADDRESS,
        template="case_event",
        dedupe_key="privacy-2",
        status=OutboxMessage.State.FAILED,
        last_error=f"SMTPRecipientsRefused: {{'{ADDRESS}': (550, b'unknown')}}",
    )
    _run_id, cases, _visits = retention.run(now)
    assert cases == 1
    message.refresh_from_db()
    assert message.address == "" and message.last_error == ""
    assert any(name.startswith("message errors") for name in case.deletion_records.get().fields)
    # A case whose only remnant is an old error (its address already gone) is still due.
    other = CaseFactory(
        status=Status.CLOSED,
        closed_at=now - timedelta(days=31),
        **dict.fromkeys(
            ["citizen_name", "citizen_phone", "citizen_email", "citizen_address", "citizen_id_number"], ""
        ),
    )
    OutboxMessage.objects.create(
        case=other, address="", template="case_event", dedupe_key="privacy-3", last_error="Err: [address]"
    )
    assert list(retention.due_cases(now)) == [other]
    retention.run(now)
    assert OutboxMessage.objects.get(dedupe_key="privacy-3").last_error == ""


def test_the_default_sms_backend_logs_neither_the_text_nor_the_number(caplog):
    from notifications.outbox import LoggingSMSBackend

    with caplog.at_level("INFO", logger="notifications"):
        LoggingSMSBackend().send("0912345678", "您的新查詢碼：K7Q2-9XPA")
    logged = caplog.text
    assert "SMS to" in logged
    assert "K7Q2-9XPA" not in logged and "0912345678" not in logged
