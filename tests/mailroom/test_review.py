"""The review queue in the back office: intake officers and supervisors list the e-mails the
mailbox could not file (senders masked), read one (behind the confidentiality agreement, logged),
file it as a case by hand or dismiss it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import roles
from casework.models import Attachment, Case, Channel, Event, OutboxMessage, PersonalDataAccess
from mailroom import mailbox
from mailroom.models import MailboxState, ReviewItem
from tests.factories import PNG, staff

from .mail import citizen_mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

BOX = "appeals@imap.example.org:993/INBOX"


@pytest.fixture
def waiting_item(monkeypatch):
    """A citizen's e-mail the workflow refused once, so it waits for a person."""
    from casework.workflow import TransitionNotAllowed

    def refuse(**kwargs):
        raise TransitionNotAllowed("the registration was refused")

    with monkeypatch.context() as patched:
        patched.setattr(mailbox.workflow, "register_case", refuse)
        mailbox.take_in(
            citizen_mail(
                attachments=[("現場.png", PNG, "image", "png"), ("a.exe", b"MZ\x90", "application", "x")]
            ),
            mailbox=BOX,
        )
    return ReviewItem.objects.get()


def index_url():
    return reverse("mailroom:review_index")


def detail_url(item):
    return reverse("mailroom:review_detail", args=[item.pk])


def test_intake_lists_the_waiting_emails_with_their_senders_masked(client, waiting_item):
    client.force_login(staff(roles.INTAKE_OFFICER))

    page = client.get(index_url()).content.decode()

    assert "w***@example.net" in page
    assert "wang@example.net" not in page and "路燈故障" not in page
    assert "The case could not be filed" in page or "無法" in page
    assert not PersonalDataAccess.objects.exists(), "a masked list shows nothing to log"


@pytest.mark.parametrize("role", [roles.HANDLER, roles.REVIEWER, roles.MANAGER, roles.AUDITOR])
def test_other_roles_cannot_reach_the_queue(client, waiting_item, role):
    from tests.factories import DepartmentFactory

    department = DepartmentFactory() if role in (roles.HANDLER, roles.REVIEWER) else None
    client.force_login(staff(role, department))

    for url in (index_url(), detail_url(waiting_item)):
        response = client.get(url)
        # Wagtail answers a refusal with the admin's home page and a message.
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not PersonalDataAccess.objects.exists()


def test_reading_one_needs_the_confidentiality_agreement(client, waiting_item):
    client.force_login(staff(roles.INTAKE_OFFICER, accepts_agreement=False))

    response = client.get(detail_url(waiting_item))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("agreements:agreement"))
    assert not PersonalDataAccess.objects.exists()


def test_reading_one_shows_it_in_full_and_is_logged(client, waiting_item):
    officer = staff(roles.INTAKE_OFFICER)
    client.force_login(officer)

    page = client.get(detail_url(waiting_item)).content.decode()

    assert "wang@example.net" in page and "路燈故障" in page and "中山路三段" in page
    assert "現場.png" in page
    access = PersonalDataAccess.objects.get()
    assert access.user == officer and access.what == f"mailbox e-mail {waiting_item.pk}"


def test_intake_files_it_as_a_case_and_the_citizen_is_answered(client, waiting_item):
    officer = staff(roles.INTAKE_OFFICER)
    client.force_login(officer)

    response = client.post(
        detail_url(waiting_item),
        {
            "action": "file",
            "category": "complaint",
            "subject": "路燈故障",
            "content": "中山路三段的路燈壞了。",
            "citizen_name": "王小明",
            "citizen_email": "wang@example.net",
            "language": "zh-hant",
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "casework:case_detail", args=[case.pk]
    )
    assert (case.channel, case.category, case.citizen_email) == (
        Channel.EMAIL,
        "complaint",
        "wang@example.net",
    )
    assert Event.objects.get(case=case, kind=Event.Kind.REGISTERED).actor == officer
    assert list(Attachment.objects.filter(case=case).values_list("original_name", flat=True)) == ["現場.png"]
    answer = OutboxMessage.objects.get(case=case, template=mailbox.ACKNOWLEDGEMENT)
    assert answer.address == "wang@example.net"
    waiting_item.refresh_from_db()
    assert (waiting_item.state, waiting_item.case, waiting_item.resolved_by) == (
        ReviewItem.State.FILED,
        case,
        officer,
    )

    again = client.post(detail_url(waiting_item), {"action": "dismiss", "reason": "twice"}, follow=True)
    assert Case.objects.count() == 1
    waiting_item.refresh_from_db()
    assert waiting_item.state == ReviewItem.State.FILED
    assert "already" in again.content.decode() or "已" in again.content.decode()


def test_a_supervisor_dismisses_it_with_a_reason(client, waiting_item):
    supervisor = staff(roles.SUPERVISOR)
    client.force_login(supervisor)

    refused = client.post(detail_url(waiting_item), {"action": "dismiss", "reason": " "})
    assert refused.status_code == 400

    response = client.post(detail_url(waiting_item), {"action": "dismiss", "reason": "廣告信"})

    assert response.status_code == 302
    waiting_item.refresh_from_db()
    assert (waiting_item.state, waiting_item.dismissal_reason, waiting_item.resolved_by) == (
        ReviewItem.State.DISMISSED,
        "廣告信",
        supervisor,
    )
    assert base_raw_kept(waiting_item), "a dismissed e-mail is kept, not deleted"
    assert not Case.objects.exists()


def base_raw_kept(item):
    return ReviewItem.objects.get(pk=item.pk).raw_message != ""


def test_the_queue_shows_the_mailboxs_last_successful_poll_and_last_error(client):
    MailboxState.objects.create(
        mailbox=BOX,
        last_success_at=timezone.now(),
        last_error_at=timezone.now(),
        last_error="LoginError: b'[AUTHENTICATIONFAILED] Authentication failed.'",
    )
    client.force_login(staff(roles.SUPERVISOR))

    page = client.get(index_url()).content.decode()

    assert BOX in page
    assert "AUTHENTICATIONFAILED" in page
    assert "data-last-success" in page


def test_the_e_mail_a_case_was_filed_from_is_erased_with_the_cases_personal_data(waiting_item):
    from casework.workflow.erasure import erase_case
    from mailroom import review

    officer = staff(roles.INTAKE_OFFICER)
    case, _code = review.file_by_hand(
        waiting_item,
        officer,
        category="complaint",
        subject="路燈故障",
        content="中山路三段的路燈壞了。",
        citizen_email="wang@example.net",
        language="zh-hant",
    )
    assert case.pk in review.cases_with_messages()
    record = erase_case(case, "00000000-0000-0000-0000-000000000001", 1095)
    waiting_item.refresh_from_db()
    assert (waiting_item.raw_message, waiting_item.sender, waiting_item.subject) == ("", "", "")
    assert waiting_item.case == case
    assert "mailbox messages (1)" in " ".join(record.fields)
    assert case.pk not in review.cases_with_messages()


@pytest.mark.date_sensitive
def test_a_dismissed_e_mail_is_erased_by_the_retention_run_once_the_period_is_over(
    client, waiting_item, settings
):
    from datetime import timedelta

    from casework.models import DeletionRecord
    from mailroom import review
    from retention import services as retention

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    supervisor = staff(roles.SUPERVISOR)
    review.dismiss(waiting_item, supervisor, "廣告信")
    dismissed_at = ReviewItem.objects.get().resolved_at

    retention.run(now=dismissed_at + timedelta(days=29))
    assert base_raw_kept(waiting_item), "within the period a dismissal can be looked back on"
    assert not DeletionRecord.objects.exists()

    retention.run(now=dismissed_at + timedelta(days=31))
    item = ReviewItem.objects.get()
    assert (item.raw_message, item.sender, item.subject) == ("", "", "")
    assert (item.state, item.dismissal_reason) == (ReviewItem.State.DISMISSED, "廣告信")
    record = DeletionRecord.objects.get()
    assert record.fields == [f"mailroom.reviewitem {item.pk}: {name}" for name in review.MESSAGE_FIELDS]
    assert record.retention_days == 30
    retention.run(now=dismissed_at + timedelta(days=32))
    assert DeletionRecord.objects.count() == 1, "a second run erases and records nothing"

    client.force_login(supervisor)
    page = client.get(detail_url(item)).content.decode()
    assert "data-erased" in page and "wang@example.net" not in page and "路燈故障" not in page
    client.force_login(staff(roles.AUDITOR))
    ledger = client.get(reverse("casework_deletion_ledger"))
    assert ledger.status_code == 200
    text = ledger.content.decode()
    # The auditor reads what the record was, in the admin's language, never what it said.
    assert f"待審閱的電子郵件 {item.pk}" in text or f"e-mail to review {item.pk}" in text
    assert "mailroom.reviewitem" not in text and "wang@example.net" not in text


@pytest.mark.date_sensitive
def test_an_e_mail_still_waiting_is_never_erased_however_old(waiting_item, settings):
    from datetime import timedelta

    from retention import services as retention

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    retention.run(now=timezone.now() + timedelta(days=400))

    assert base_raw_kept(waiting_item)
    assert ReviewItem.objects.get().state == ReviewItem.State.WAITING
