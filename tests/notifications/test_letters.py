"""Replies by post: a case that came by letter (or asked for one) is answered by a letter that waits
in the post room, which prints it with the office's letterhead and marks it posted; the case page
lists every reply with its channel and times."""

import re
import uuid
import zlib

import pytest
from django.urls import reverse

from casework import roles, workflow
from casework.models import Category, Channel, OutboxMessage, PersonalDataAccess
from notifications import letters, outbox
from notifications.models import Letter
from tests.factories import CaseFactory, staff
from tests.helpers import denied

ADDRESS = "臺北市中正區重慶南路一段122號\n3樓"


def pdf_text(pdf):
    """The PDF's streams inflated: enough to find the metadata and the letter's reference."""
    inflated = b""
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            inflated += zlib.decompressobj().decompress(match.group(1))
        except zlib.error:
            continue
    return pdf + inflated


@pytest.fixture
def intake(db):
    roles.ensure_role_groups()
    return staff(roles.INTAKE_OFFICER, first_name="Lin")


def replied_by_letter(intake, **case_fields):
    fields = {"channel": Channel.LETTER, "citizen_address": ADDRESS, "language": "zh-hant", **case_fields}
    case = CaseFactory(**fields)
    workflow.reject(case, intake, "不屬本中心職掌，請洽地方政府。")
    outbox.deliver_due()
    return case


def test_a_case_that_came_by_letter_is_answered_by_a_letter_waiting_in_the_post_room(intake):
    case = replied_by_letter(intake)
    message = OutboxMessage.objects.get(case=case)
    assert message.channel == OutboxMessage.Channel.LETTER and message.status == OutboxMessage.State.SENT
    letter = Letter.objects.get(message=message)
    assert letter.state == Letter.State.QUEUED
    assert letter.recipient_name == case.citizen_name and letter.postal_address == ADDRESS
    # Delivering again (a worker that died after handing it over) queues no second letter.
    letters.queue_letter(message, "", "")
    assert Letter.objects.filter(message__case=case).count() == 1


@pytest.mark.parametrize(
    "fields, channel",
    [
        ({"channel": Channel.VISIT, "reply_channel": Channel.LETTER}, OutboxMessage.Channel.LETTER),
        ({"reply_channel": Channel.EMAIL}, OutboxMessage.Channel.EMAIL),
        ({"citizen_address": ""}, OutboxMessage.Channel.EMAIL),
    ],
    ids=["walk-in asked for a letter", "letter asked for e-mail", "no postal address"],
)
def test_the_reply_goes_by_letter_only_when_asked_and_addressable(intake, fields, channel):
    case = replied_by_letter(intake, **fields)
    assert OutboxMessage.objects.get(case=case).channel == channel


def test_the_letter_has_the_letterhead_the_recipient_and_the_message_in_the_citizens_language(intake):
    case = replied_by_letter(intake)
    letter = Letter.objects.get(message__case=case)
    html = letters.letter_html(letter)
    assert case.reference in html and "王小明" in html and "3樓" in html
    assert "不屬本中心職掌" in html and 'lang="zh-hant"' in html
    assert "WenQuanYi Micro Hei" in html


def test_the_post_room_lists_letters_masked_for_intake_and_refuses_others(client, intake):
    case = replied_by_letter(intake)
    client.force_login(intake)
    page = client.get(reverse("post_room:index")).content.decode()
    assert case.reference in page and "王*明" in page
    assert "王小明" not in page and "重慶南路" not in page
    client.force_login(staff(roles.HANDLER))
    assert denied(client.get(reverse("post_room:index")))


def test_printing_downloads_the_pdf_records_the_access_and_marks_it_printed(client, intake):
    case = replied_by_letter(intake)
    letter = Letter.objects.get(message__case=case)
    client.force_login(intake)
    response = client.post(reverse("post_room:print", args=[letter.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert case.reference.encode() in pdf_text(response.content)
    letter.refresh_from_db()
    assert letter.state == Letter.State.PRINTED and letter.printed_by == intake
    assert PersonalDataAccess.objects.filter(
        user=intake, case=case, what="post room: letter printed"
    ).exists()


def test_printing_waits_for_the_confidentiality_agreement(client, intake):
    case = replied_by_letter(intake)
    letter = Letter.objects.get(message__case=case)
    newcomer = staff(roles.INTAKE_OFFICER, accepts_agreement=False)
    client.force_login(newcomer)
    response = client.post(reverse("post_room:print", args=[letter.pk]))
    assert response.status_code == 302 and reverse("agreements:agreement") in response["Location"]
    assert not PersonalDataAccess.objects.filter(user=newcomer).exists()
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.QUEUED


def test_letters_are_marked_posted_one_by_one_or_by_selection(client, intake):
    first, second, third = (Letter.objects.get(message__case=replied_by_letter(intake)) for _ in range(3))
    client.force_login(intake)
    client.post(reverse("post_room:posted"), {"letter": [first.pk]})
    assert Letter.objects.get(pk=first.pk).state == Letter.State.POSTED
    client.post(reverse("post_room:posted"), {"letter": [second.pk, third.pk]})
    posted = Letter.objects.filter(state=Letter.State.POSTED)
    assert posted.count() == 3 and {letter.posted_by for letter in posted} == {intake}
    page = client.get(reverse("post_room:index")).content.decode()
    assert 'id="post-room"' not in page and first.message.case.reference in page  # recently posted


def test_the_case_page_lists_each_reply_with_its_channel_and_times(client, intake):
    case = replied_by_letter(intake)
    letter = Letter.objects.get(message__case=case)
    letters.mark_posted([letter], intake)
    letter.refresh_from_db()
    client.force_login(intake)
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    section = page[page.index('id="replies"') :]
    assert str(OutboxMessage.Channel.LETTER.label) in section or "印製信函" in section
    assert letter.message.sent_at.astimezone().strftime("%Y-%m-%d") in section
    assert case.reference in section  # the subject names the case
    assert "重慶南路" not in section and "王小明" not in page[page.index('id="replies"') :]


def test_the_demo_has_a_reply_by_letter_waiting_in_the_post_room(db):
    from demo import replies as replies_demo

    roles.ensure_role_groups()
    staff(roles.INTAKE_OFFICER, username="intake")
    replies_demo.load_letters()
    replies_demo.load_letters()
    # The acknowledgement of receipt and the reply, once however often the demo is loaded.
    queued = list(Letter.objects.all())
    assert len(queued) == 2 and {letter.state for letter in queued} == {Letter.State.QUEUED}
    assert {letter.message.case.channel for letter in queued} == {Channel.LETTER}


def test_the_retention_erasure_blanks_the_letters_envelope(intake):
    from casework.workflow.erasure import erase_case

    case = replied_by_letter(intake)
    record = erase_case(case, run_id=uuid.uuid4(), retention_days=1)
    letter = Letter.objects.get(message__case=case)
    assert letter.recipient_name == "" and letter.postal_address == ""
    assert "letter addresses (1)" in record.fields
    assert erase_case(case, run_id=uuid.uuid4(), retention_days=1) is None


def test_the_notification_log_shows_the_letter_posted_and_masks_its_address(client, intake):
    case = replied_by_letter(intake)
    letter = Letter.objects.get(message__case=case)
    letters.mark_posted([letter], intake)
    client.force_login(intake)
    page = client.get(reverse("ledger:case_notifications", args=[case.pk])).content.decode()
    assert "已寄出" in page and "紙本信函" in page
    inspect = client.get(reverse("ledger:outbox_message", args=[letter.message.pk])).content.decode()
    assert "臺北市中*" in inspect or "臺北市中" in inspect
    assert "重慶南路" not in inspect


def test_only_the_steps_worth_posting_go_by_letter_the_others_by_e_mail_or_the_portal(intake):
    fields = {"channel": Channel.LETTER, "category": Category.INQUIRY, "citizen_address": ADDRESS}
    by_post = CaseFactory(**fields, citizen_email="", citizen_phone="")
    with_email = CaseFactory(**fields, citizen_email="chen@example.net", citizen_phone="")
    for case in (by_post, with_email):
        workflow.accept(case, intake, "")
        workflow.answer_directly(case, intake, "敬老乘車卡請持身分證至區公所辦理。")
    outbox.deliver_due()
    # Accepting is shown on the portal (and e-mailed where the citizen gave an address); the reply is
    # posted.
    assert [(m.template, m.channel) for m in OutboxMessage.objects.filter(case=by_post)] == [
        ("case_event", OutboxMessage.Channel.LETTER)
    ]
    assert Letter.objects.get(message__case=by_post).message.context["event"] == (
        by_post.events.get(kind="replied").pk
    )
    assert sorted(OutboxMessage.objects.filter(case=with_email).values_list("channel", flat=True)) == [
        OutboxMessage.Channel.EMAIL,
        OutboxMessage.Channel.LETTER,
    ]
    assert Letter.objects.filter(message__case=by_post).count() == 1
