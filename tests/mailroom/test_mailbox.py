"""A message taken in from the mailbox: filed as a case and answered, ignored, or queued for review;
never filed twice."""

import base64
import threading

import pytest
from django.db import connection, connections

from casework import crypto
from casework.models import Attachment, Case, Category, Channel, OutboxMessage, PersonalDataAccess
from mailroom import mailbox
from mailroom.models import MailboxState, ProcessedMessage, ReviewItem
from notifications import outbox
from tests.factories import PNG

from .mail import bounce, citizen_mail, out_of_office

pytestmark = pytest.mark.django_db

BOX = "appeals@imap.example.org:993/INBOX"


def acknowledgement(case):
    message = OutboxMessage.objects.get(case=case, template=mailbox.ACKNOWLEDGEMENT)
    return message, *outbox.render(message)


def test_a_citizens_email_becomes_an_email_case_and_is_answered_with_its_reference_and_code():
    assert mailbox.take_in(citizen_mail(), mailbox=BOX) == "filed"

    case = Case.objects.get()
    assert case.channel == Channel.EMAIL and case.reply_channel == Channel.EMAIL
    assert case.category == Category.OTHER
    assert case.subject == "路燈故障"
    assert "路燈已經壞了兩個星期" in case.content
    assert (case.citizen_name, case.citizen_email, case.language) == ("王小明", "wang@example.net", "zh-hant")
    message, subject, body = acknowledgement(case)
    assert message.address == "wang@example.net" and message.language == "zh-hant"
    assert case.reference in subject
    code = crypto.decrypt(message.context["code"])
    assert code in body
    assert code not in str(message.context), "the code travels encrypted"
    assert Case.objects.get().check_access_code_hash(code)[0]
    assert ProcessedMessage.objects.get().case == case
    # The answer is the one message: the registration's own notice would tell them nothing more.
    assert OutboxMessage.objects.filter(case=case).count() == 1


def test_an_english_email_is_answered_in_english(settings):
    settings.MAILBOX_DEFAULT_CATEGORY = "complaint"
    mailbox.take_in(
        citizen_mail(
            subject="Broken street light", text="The light on Park Road is out.", sender="ann@example.com"
        ),
        mailbox=BOX,
    )

    case = Case.objects.get()
    assert case.category == Category.COMPLAINT
    _message, subject, body = acknowledgement(case)
    assert subject == f"We received your e-mail: case {case.reference}"
    assert "Your access code is" in body


def test_attachments_are_checked_like_the_web_forms_and_a_refused_one_is_named_in_the_answer():
    raw = citizen_mail(
        attachments=[
            ("現場.png", PNG, "image", "png"),
            ("說明.html", b"<script>alert(1)</script>", "text", "html"),
        ]
    )

    assert mailbox.take_in(raw, mailbox=BOX) == "filed"

    case = Case.objects.get()
    assert list(Attachment.objects.filter(case=case).values_list("original_name", "content_type")) == [
        ("現場.png", "image/png")
    ]
    message, _subject, body = acknowledgement(case)
    assert "說明.html：只能附加圖片" in body or "說明.html: 只能附加圖片" in body
    assert "說明.html" not in str(message.context), "the file names travel encrypted"


def test_a_bounce_and_an_auto_reply_are_recorded_as_ignored_and_file_nothing():
    assert mailbox.take_in(bounce(), mailbox=BOX) == "bounce"
    assert mailbox.take_in(out_of_office(), mailbox=BOX) == "auto_reply"

    assert not Case.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert sorted(ProcessedMessage.objects.values_list("outcome", flat=True)) == ["auto_reply", "bounce"]
    assert mailbox.take_in(bounce(), mailbox=BOX) == "duplicate"


def test_the_same_message_twice_files_one_case():
    raw = citizen_mail()
    assert mailbox.take_in(raw, mailbox=BOX) == "filed"
    assert mailbox.take_in(raw, mailbox=BOX) == "duplicate"

    assert Case.objects.count() == 1
    assert OutboxMessage.objects.filter(template=mailbox.ACKNOWLEDGEMENT).count() == 1


def test_the_same_message_id_in_another_mailbox_is_another_message():
    mailbox.take_in(citizen_mail(), mailbox=BOX)
    mailbox.take_in(citizen_mail(), mailbox="complaints@imap.example.org:993/INBOX")

    assert Case.objects.count() == 2


def test_messages_without_a_message_id_are_told_apart_by_their_bytes():
    first = citizen_mail(message_id=None)
    second = citizen_mail(message_id=None, text="另一封信的內容")

    assert [mailbox.take_in(raw, mailbox=BOX) for raw in (first, second, first)] == [
        "filed",
        "filed",
        "duplicate",
    ]


def test_the_processed_key_does_not_store_the_message_id():
    mailbox.take_in(citizen_mail(message_id="<wang.private@mail.example.net>"), mailbox=BOX)

    assert "wang" not in ProcessedMessage.objects.get().key


def test_a_second_worker_that_reaches_the_unique_key_second_files_nothing(monkeypatch):
    """The race: another worker committed the same message after this one looked."""
    raw = citizen_mail(attachments=[("現場.png", PNG, "image", "png")])
    assert mailbox.take_in(raw, mailbox=BOX) == "filed"
    monkeypatch.setattr(mailbox, "already_processed", lambda key: False)

    assert mailbox.take_in(raw, mailbox=BOX) == "duplicate"

    assert Case.objects.count() == 1
    assert Attachment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_taking_in_the_same_message_at_once_file_one_case():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time anyway")
    raw = citizen_mail()
    barrier = threading.Barrier(3)
    outcomes, errors = [], []

    def worker():
        try:
            barrier.wait()
            outcomes.append(mailbox.take_in(raw, mailbox=BOX))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["duplicate", "duplicate", "filed"]
    assert Case.objects.count() == 1


def test_an_unreadable_message_waits_in_the_review_queue_encrypted():
    raw = (
        b"From: Wang <wang@example.net>\r\nSubject: help\r\nMessage-ID: <u1@x>\r\n"
        b"Content-Type: text/plain; charset=x-unknown\r\n\r\n\xff\xfe"
    )

    assert mailbox.take_in(raw, mailbox=BOX) == "review"
    assert mailbox.take_in(raw, mailbox=BOX) == "duplicate"

    item = ReviewItem.objects.get()
    assert item.reason == ReviewItem.Reason.UNREADABLE
    assert base64.b64decode(item.raw_message) == raw
    assert item.sender == "wang@example.net"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT raw_message, sender FROM {ReviewItem._meta.db_table}")
        stored = cursor.fetchone()
    assert all(value.startswith(crypto.PREFIX) for value in stored), "kept encrypted"
    assert "wang" not in item.detail
    assert not Case.objects.exists()


def test_a_message_the_workflow_refuses_waits_for_review_with_why(monkeypatch):
    from casework.workflow import TransitionNotAllowed

    def refuse(**kwargs):
        raise TransitionNotAllowed("refused for wang@example.net")

    monkeypatch.setattr(mailbox.workflow, "register_case", refuse)

    assert mailbox.take_in(citizen_mail(), mailbox=BOX) == "review"

    item = ReviewItem.objects.get()
    assert item.reason == ReviewItem.Reason.REFUSED
    assert item.detail == "refused for [address]"
    assert ProcessedMessage.objects.get().outcome == "review"


def test_the_mailbox_is_off_without_a_host(settings):
    settings.MAILBOX_IMAP_HOST = ""
    assert mailbox.poll() is None
    assert not MailboxState.objects.exists()


def test_an_outage_is_recorded_without_personal_data_and_the_next_poll_tries_again(settings, caplog):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    settings.MAILBOX_IMAP_HOST = "127.0.0.1"
    settings.MAILBOX_IMAP_PORT = port
    settings.MAILBOX_IMAP_SSL = False
    settings.MAILBOX_IMAP_USER = "complaints@example.org"
    settings.MAILBOX_IMAP_TIMEOUT = 2

    assert mailbox.poll() is None

    state = MailboxState.objects.get()
    assert state.last_error.startswith("ConnectionRefusedError")
    assert state.last_success_at is None
    assert "complaints@example.org" not in caplog.text
    assert "could not be read" in caplog.text


def test_nothing_personal_is_logged_when_a_message_is_taken_in(caplog):
    caplog.set_level("DEBUG", logger="mailroom")
    mailbox.take_in(citizen_mail(), mailbox=BOX)
    mailbox.take_in(b"\xff" * 10, mailbox=BOX)

    assert "wang" not in caplog.text and "王小明" not in caplog.text
    assert not PersonalDataAccess.objects.exists()


def test_a_message_that_breaks_the_intake_unexpectedly_goes_to_review_instead_of_blocking_the_mailbox(
    monkeypatch,
):
    def broken(raw):
        raise RuntimeError("something about wang@example.net")

    monkeypatch.setattr(mailbox.parsing, "parse", broken)

    assert mailbox.take_in_safely(citizen_mail(), mailbox=BOX) == "review"

    item = ReviewItem.objects.get()
    assert (item.reason, item.detail) == (ReviewItem.Reason.UNREADABLE, "RuntimeError")


def test_a_case_from_the_mailbox_counts_from_when_the_server_received_the_message():
    from datetime import datetime, timedelta

    from django.utils import timezone

    arrived = timezone.now() - timedelta(hours=5)
    mailbox.take_in(citizen_mail(), mailbox=BOX, received_at=mailbox._arrival(arrived))
    assert Case.objects.get().received_at == arrived

    future = datetime(2999, 1, 1, tzinfo=timezone.get_current_timezone())
    assert mailbox._arrival(future) <= timezone.now()
