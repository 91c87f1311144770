"""The notification outbox: written with the change, delivered once, retried with back-off."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from casework import workflow
from casework.models import Channel, OutboxMessage
from notifications import outbox as notifications
from tests.factories import CaseFactory, staff

pytestmark = pytest.mark.django_db


def register(**extra):
    case, _code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="complaint",
        subject="路燈故障",
        content="巷口路燈不亮",
        citizen_name="林小華",
        citizen_email="lin@example.org",
        language="en",
        **extra,
    )
    return case


def test_outbox_row_is_written_with_the_case_and_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = register()
    message = OutboxMessage.objects.get(case=case)
    assert message.status == OutboxMessage.State.SENT and message.attempts == 1
    assert message.address == "lin@example.org" and message.language == "en"
    assert [m.to for m in mail.outbox] == [["lin@example.org"]]
    assert case.reference in mail.outbox[0].subject and "Your case" in mail.outbox[0].subject


def test_outbox_address_is_encrypted_at_rest():
    case = register()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM casework_outboxmessage WHERE case_id = %s", [case.pk])
        (stored,) = cursor.fetchone()
    assert "lin@example.org" not in stored


def test_outbox_rollback_leaves_no_message_and_no_task(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            register()
            raise RuntimeError
    assert OutboxMessage.objects.count() == 0 and callbacks == []


def test_outbox_broker_down_at_submit_keeps_the_case_and_the_sweep_delivers(
    broker_mode, django_capture_on_commit_callbacks
):
    from notifications import tasks

    with mock.patch.object(tasks.deliver_outbox, "delay", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            case = register()
    message = OutboxMessage.objects.get(case=case)
    assert message.status == OutboxMessage.State.PENDING and mail.outbox == []
    assert tasks.sweep_outbox() == 1
    assert [m.to for m in mail.outbox] == [["lin@example.org"]]


def test_a_delivery_queued_by_an_older_release_with_a_single_id_still_sends(broker_mode):
    from notifications import tasks

    with mock.patch.object(tasks.deliver_outbox, "delay"):
        case = register()
    message = OutboxMessage.objects.get(case=case)
    assert tasks.deliver_outbox(message.pk) == 1
    assert [m.to for m in mail.outbox] == [["lin@example.org"]]


def test_outbox_delivery_run_twice_sends_once():
    case = register()
    assert notifications.deliver_due() == 1
    assert notifications.deliver_due() == 0
    assert notifications.deliver_due(message_id=OutboxMessage.objects.get(case=case).pk) == 0
    assert len(mail.outbox) == 1


def test_outbox_queueing_the_same_message_twice_keeps_one_row():
    case = register()
    event = case.events.get()
    assert notifications.queue_for_event(event) is None
    assert OutboxMessage.objects.filter(case=case).count() == 1


def test_outbox_retries_with_back_off_then_fails_visibly():
    case = register()
    message = OutboxMessage.objects.get(case=case)
    now = timezone.now()
    with mock.patch("notifications.outbox.send_mail", side_effect=OSError("mail server down")):
        assert notifications.deliver_due(now=now) == 0
        message.refresh_from_db()
        assert message.status == OutboxMessage.State.PENDING and message.attempts == 1
        assert "mail server down" in message.last_error
        first_delay = message.next_attempt_at - timezone.now()
        assert timedelta(seconds=50) < first_delay <= timedelta(seconds=60)
        # Not due yet: nothing is tried before the back-off has passed.
        assert notifications.deliver_due(now=now) == 0
        message.refresh_from_db()
        assert message.attempts == 1
        for _attempt in range(notifications.MAX_ATTEMPTS - 1):
            notifications.deliver_due(now=message.next_attempt_at + timedelta(seconds=1))
            message.refresh_from_db()
    assert message.status == OutboxMessage.State.FAILED
    assert message.attempts == notifications.MAX_ATTEMPTS and mail.outbox == []


def test_outbox_recovers_after_the_mail_server_returns():
    case = register()
    message = OutboxMessage.objects.get(case=case)
    with mock.patch("notifications.outbox.send_mail", side_effect=OSError("down")):
        notifications.deliver_due()
    message.refresh_from_db()
    assert notifications.deliver_due(now=message.next_attempt_at) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.SENT and len(mail.outbox) == 1


def test_outbox_no_countdown_exceeds_the_visibility_timeout():
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    )
    assert (
        settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["visibility_timeout"]
        == settings.CELERY_VISIBILITY_TIMEOUT
    )
    longest = max(notifications.backoff(n) for n in range(1, 40))
    assert longest.total_seconds() <= settings.CELERY_VISIBILITY_TIMEOUT
    assert notifications.SENDING_LEASE.total_seconds() <= settings.CELERY_VISIBILITY_TIMEOUT


def test_outbox_citizen_without_e_mail_gets_an_sms_through_the_logging_backend(caplog):
    case = CaseFactory(citizen_email="", citizen_phone="0912345678", language="zh-hant")
    with caplog.at_level("INFO", logger="notifications.sms"):
        workflow.reject(case, staff("Intake officer"), "非本府權責")
        assert notifications.deliver_due() == 1
    message = OutboxMessage.objects.get(case=case)
    assert message.channel == OutboxMessage.Channel.SMS and mail.outbox == []
    assert "******5678" in caplog.text and "0912345678" not in caplog.text


def test_notification_to_a_handler_assigned_by_the_reviewer():
    from tests.factories import DepartmentFactory

    dept = DepartmentFactory()
    handler = staff("Department handler", dept)
    reviewer = staff("Department reviewer", dept)
    from casework.models import Status

    case = CaseFactory(status=Status.ROUTED, department=dept)
    workflow.assign(case, reviewer, handler)
    assert notifications.deliver_due() == 1
    assert mail.outbox[0].to == [handler.email] and case.reference in mail.outbox[0].subject
