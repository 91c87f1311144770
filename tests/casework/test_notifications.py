"""Who is told what: citizens in their own language, staff about their work, SMS through a backend."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from casework import citizen_vocabulary, roles, workflow
from casework.models import Channel, Event, OutboxMessage, Status
from notifications import outbox as notifications
from reporting.ledger import stalled_cases
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

SATISFACTION_LINE = (
    "Please tell us whether you are satisfied, basically satisfied or dissatisfied with "
    "this reply: open your case on the portal with its reference and access code and "
    "rate the reply. If you are dissatisfied you can ask for the case to be handled again."
)


def citizen_mail(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_notification_citizen_messages_follow_the_case_in_the_citizens_language(office, language):
    address = f"{language}@example.org"
    case, _code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="inquiry",
        subject="路燈故障",
        content="巷口路燈不亮",
        citizen_email=address,
        language=language,
    )
    case = workflow.request_information(case, office["intake"], "請提供路燈編號")
    case = workflow.receive_information(case, None, "編號 A-12")
    case = workflow.answer_directly(case, office["intake"], "已通知維修廠商，三日內修復。")
    case = workflow.close(case, office["intake"], "民眾未回覆滿意度")
    notifications.deliver_due()

    sent = citizen_mail(address)
    kinds = [
        Event.Kind.REGISTERED,
        Event.Kind.INFORMATION_REQUESTED,
        Event.Kind.INFORMATION_RECEIVED,
        Event.Kind.REPLIED,
        Event.Kind.CLOSED,
    ]
    assert len(sent) == len(kinds)
    with translation.override(language):
        # The citizen's words for each step, not the office's (casework/citizen_vocabulary.py).
        expected_kinds = [str(citizen_vocabulary.label(kind)) for kind in kinds[:3]]
        acknowledgement = gettext("Your case has been registered. We will reply by %(date)s.") % {
            "date": re.search(r"\d{4}-\d\d-\d\d", case.events.get(kind=Event.Kind.REGISTERED).text)[0]
        }
        satisfaction = gettext(SATISFACTION_LINE)
        closed = gettext("Your case has been closed.")
    # The acknowledgement, the request for information and the reply, each in the citizen's language.
    for message, what in zip(sent[:3], expected_kinds, strict=True):
        assert case.reference in message.subject and what in message.subject
    assert "請提供路燈編號" in sent[1].body
    # The reply carries the satisfaction request; the closure says so.
    assert "已通知維修廠商" in sent[3].body and satisfaction in sent[3].body
    assert closed in sent[4].body
    assert acknowledgement in sent[0].body
    if language != "en":
        assert satisfaction != SATISFACTION_LINE and "Your case" not in sent[3].subject


def test_notification_of_a_returned_draft_reaches_the_handler_with_the_comments(office):
    case = CaseFactory(
        status=Status.IN_REVIEW, department=office["dept"], handler=office["handler"], draft_reply="草稿"
    )
    workflow.return_draft(case, office["reviewer"], "請補充裁處依據")
    message = OutboxMessage.objects.get(template="returned")
    assert message.user == office["handler"] and message.case == case
    assert notifications.deliver_due() == 1
    (sent,) = mail.outbox
    assert sent.to == [office["handler"].email]
    assert case.reference in sent.subject and "請補充裁處依據" in sent.body


def test_notification_of_a_draft_returned_by_management(office):
    case = CaseFactory(
        status=Status.AWAITING_APPROVAL,
        department=office["dept"],
        handler=office["handler"],
        is_major=True,
        draft_reply="草稿",
    )
    workflow.manager_return(case, office["manager"], "請先會同法制處")
    notifications.deliver_due()
    assert [m.to for m in mail.outbox] == [[office["handler"].email]]
    assert "請先會同法制處" in mail.outbox[0].body


def test_notification_no_returned_draft_message_without_a_handler(office):
    case = CaseFactory(status=Status.IN_REVIEW, department=office["dept"], handler=None, draft_reply="x")
    workflow.return_draft(case, office["reviewer"], "請修改")
    assert not OutboxMessage.objects.filter(template="returned").exists()


def test_notification_staff_messages_are_translatable(office):
    case = CaseFactory(status=Status.IN_REVIEW, department=office["dept"], handler=office["handler"])
    workflow.return_draft(case, office["reviewer"], "請修改")
    message = OutboxMessage.objects.get(template="returned")
    message.language = "en"
    english, _body = notifications.render(message)
    message.language = "zh-hant"
    chinese, _body = notifications.render(message)
    assert english.startswith("The draft reply") and chinese != english and case.reference in chinese


class RecordingSMS:
    sent = []

    def send(self, number, text):
        self.sent.append((number, text))


def test_notification_sms_goes_through_the_configured_backend(settings):
    settings.CASEWORK_SMS_BACKEND = "tests.casework.test_notifications.RecordingSMS"
    RecordingSMS.sent.clear()
    case = CaseFactory(citizen_email="", citizen_phone="0912345678", language="en")
    workflow.reject(case, staff(roles.INTAKE_OFFICER), "Not a matter for this office")
    assert notifications.deliver_due() == 1
    ((number, text),) = RecordingSMS.sent
    assert number == "0912345678" and case.reference in text and "Not a matter for this office" in text
    assert mail.outbox == []


@pytest.mark.date_sensitive
def test_supervision_progress_update_from_the_case_page_ends_a_stall(client, office):
    case = CaseFactory(status=Status.IN_PROGRESS, department=office["dept"], handler=office["handler"])
    Event.objects.create(
        case=case, kind=Event.Kind.HANDLING_PLAN, text="稽查", created_at=timezone.now() - timedelta(days=20)
    )
    assert list(stalled_cases(office["supervisor"], 14)) == [case]

    client.force_login(office["handler"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert 'id="step-post_progress"' in page
    response = client.post(
        reverse("casework:case_action", args=[case.pk, "post_progress"]),
        {"post_progress-text": "已完成現場會勘，等待廠商報價"},
    )
    assert response.status_code == 302
    event = case.events.get(kind=Event.Kind.PROGRESS)
    assert event.actor == office["handler"] and not event.is_public
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "已完成現場會勘，等待廠商報價" in page
    assert list(stalled_cases(office["supervisor"], 14)) == []
    # Nothing goes to the citizen: a progress report is internal.
    assert not OutboxMessage.objects.filter(case=case).exists()


def test_supervision_progress_update_is_refused_outside_the_department(office):
    other = staff(roles.HANDLER, DepartmentFactory(code="dot"))
    case = CaseFactory(status=Status.IN_PROGRESS, department=office["dept"], handler=office["handler"])
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.post_progress(case, other, "x")
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.post_progress(case, office["handler"], "  ")


def test_notification_log_is_linked_from_the_case_and_shows_failures(client, office):
    case = CaseFactory(status=Status.IN_PROGRESS, department=office["dept"], handler=office["handler"])
    OutboxMessage.objects.create(
        case=case,
        address="x@example.org",
        template="case_event",
        dedupe_key="k1",
        recipient_kind=OutboxMessage.Recipient.CITIZEN,
        status=OutboxMessage.State.FAILED,
        last_error="SMTPServerDisconnected: gone",
    )
    client.force_login(office["handler"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    log_url = reverse("ledger:case_notifications", args=[case.pk])
    warnings = set()
    for language in ("en", "zh-hant"):
        with translation.override(language):
            warnings.add(
                ngettext(
                    "%(counter)s notification could not be delivered",
                    "%(counter)s notifications could not be delivered",
                    1,
                )
                % {"counter": 1}
            )
    assert log_url in page and any(warning in page for warning in warnings)
    log = client.get(log_url).content.decode()
    assert "SMTPServerDisconnected" in log


def test_notification_to_staff_is_in_the_language_they_chose_for_the_admin(office):
    from wagtail.users.models import UserProfile

    english_handler = staff(roles.HANDLER, office["dept"])
    profile = UserProfile.get_for_user(english_handler)
    profile.preferred_language = "en"
    profile.save()
    for handler in (office["handler"], english_handler):
        case = CaseFactory(status=Status.ROUTED, department=office["dept"])
        workflow.assign(case, office["reviewer"], handler)
    notifications.deliver_due()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert (
        subjects[english_handler.email].startswith("Case ")
        and "assigned to you" in subjects[english_handler.email]
    )
    with translation.override("zh-hant"):
        chinese = gettext("Case %(reference)s was assigned to you").split("%")[0]
    assert "assigned to you" not in subjects[office["handler"].email]
    assert chinese.strip() in subjects[office["handler"].email]
