"""Intake reads a draft, registers it as a case (the citizen is told the reference and access code on
WeChat) or dismisses it; only intake officers and supervisors who accepted the agreement see drafts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from casework import crypto
from casework.admin_lists import inbox_cases
from casework.models import Category, Channel, OutboxMessage, PersonalDataAccess
from notifications import outbox
from social import drafts
from social.models import SocialDraft, SocialMessage
from social.platforms import IncomingMessage
from tests.helpers import denied
from tests.social.conftest import MOMENT, OPENID

pytestmark = pytest.mark.django_db


def receive(account, text, message_id, minutes=0):
    moment = MOMENT + timedelta(minutes=minutes)
    message = IncomingMessage(
        kind="text",
        sender=OPENID,
        recipient=account.account_id,
        sent_at=int(moment.timestamp()),
        message_id=message_id,
        text=text,
    )
    return drafts.keep(account, message, now=moment)


@pytest.fixture
def draft(account, clock):
    receive(account, "巷口路燈壞了三週，晚上很暗。", "1001")
    return receive(account, "是廈門街113巷口那一盞。", "1002", minutes=5)


def detail_url(draft):
    return reverse("social:draft_detail", args=[draft.pk])


def test_intake_lists_open_drafts_with_the_sender_masked(client, office, draft):
    client.force_login(office["intake"])
    page = client.get(reverse("social:draft_index")).content.decode()
    assert draft.number in page
    assert "巷口路燈壞了三週" in page
    assert OPENID not in page


def test_opening_a_draft_shows_the_joined_messages_prefilled_and_is_logged(client, office, draft):
    client.force_login(office["intake"])
    page = client.get(detail_url(draft)).content.decode()
    assert "巷口路燈壞了三週，晚上很暗。" in page and "是廈門街113巷口那一盞。" in page
    assert OPENID not in page
    # The content field starts as the messages joined, the subject as their first words.
    assert "巷口路燈壞了三週，晚上很暗。\n\n是廈門街113巷口那一盞。</textarea>" in page
    record = PersonalDataAccess.objects.get()
    assert record.user == office["intake"] and draft.number in record.what


def test_confirming_files_a_social_case_in_intakes_inbox_and_sends_the_code_on_wechat(
    client, office, draft, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setitem(
        outbox.TRANSPORTS, OutboxMessage.Channel.SOCIAL, lambda m, s, b: sent.append((m, s, b))
    )
    client.force_login(office["intake"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail_url(draft),
            {"category": Category.COMPLAINT, "subject": "廈門街路燈故障", "content": "巷口路燈壞了三週。"},
        )

    draft.refresh_from_db()
    case = draft.case
    assert response.status_code == 302 and response["Location"] == reverse(
        "casework:case_detail", args=[case.pk]
    )
    assert draft.state == SocialDraft.State.CONFIRMED and draft.handled_by == office["intake"]
    assert (case.channel, case.reply_channel, case.category) == (
        Channel.SOCIAL,
        Channel.SOCIAL,
        Category.COMPLAINT,
    )
    assert case.subject == "廈門街路燈故障" and case.received_at == draft.first_message_at
    assert case in inbox_cases(office["intake"], "mine")
    listing = client.get(reverse("casework:case_index") + "?inbox=mine").content.decode()
    assert case.reference in listing
    # The draft's copy of the texts is gone: the case holds them now.
    assert set(SocialMessage.objects.values_list("text", flat=True)) == {""}
    # The reference and access code went to the citizen as a WeChat customer-service message.
    code_message = OutboxMessage.objects.get(template="social_registered")
    # One message on WeChat, the one with the code: the registration's own notice is not sent too.
    assert list(OutboxMessage.objects.filter(case=case).values_list("template", flat=True)) == [
        "social_registered"
    ]
    assert code_message.channel == OutboxMessage.Channel.SOCIAL
    assert code_message.address == f"{draft.account.pk}:{OPENID}"
    assert code_message.context["code"].startswith("enc1:")
    code = crypto.decrypt(code_message.context["code"])
    assert case.check_access_code(code)
    bodies = "\n".join(subject + body for _m, subject, body in sent)
    assert case.reference in bodies and code in bodies and draft.number in bodies
    assert code_message.pk in {m.pk for m, _s, _b in sent}


def test_after_48_hours_the_reply_does_not_go_on_wechat(office, draft, clock):
    clock.shift(timedelta(hours=49))
    case, _code, message = drafts.confirm(
        draft, office["intake"], category=Category.INQUIRY, subject="路燈", content="路燈壞了"
    )
    assert message is None
    assert outbox.citizen_contact(case)[0] != OutboxMessage.Channel.SOCIAL


def test_a_later_message_of_the_citizen_opens_the_window_again(office, account, draft, clock):
    case, _code, _message = drafts.confirm(
        draft, office["intake"], category=Category.INQUIRY, subject="路燈", content="路燈壞了"
    )
    clock.shift(timedelta(hours=47))
    receive(account, "請問處理進度？", "1003", minutes=47 * 60)
    clock.shift(timedelta(hours=40))
    assert outbox.citizen_contact(case) == (OutboxMessage.Channel.SOCIAL, f"{account.pk}:{OPENID}")


def test_a_draft_is_confirmed_once(office, draft):
    drafts.confirm(draft, office["intake"], category=Category.INQUIRY, subject="路燈", content="路燈壞了")
    with pytest.raises(drafts.DraftClosed):
        drafts.confirm(
            draft, office["supervisor"], category=Category.INQUIRY, subject="路燈", content="路燈壞了"
        )


def test_dismissing_keeps_the_reason_and_erases_the_texts(client, office, draft):
    client.force_login(office["supervisor"])
    response = client.post(reverse("social:draft_dismiss", args=[draft.pk]), {"reason": "廣告訊息"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == SocialDraft.State.DISMISSED and draft.dismissal_reason == "廣告訊息"
    assert draft.case is None
    assert set(draft.messages.values_list("text", flat=True)) == {""}
    listing = client.get(reverse("social:draft_index")).content.decode()
    assert f'data-draft="{draft.number}"' not in listing


def test_dismissing_needs_a_reason(client, office, draft):
    client.force_login(office["intake"])
    client.post(reverse("social:draft_dismiss", args=[draft.pk]), {"reason": " "})
    draft.refresh_from_db()
    assert draft.state == SocialDraft.State.DRAFT


@pytest.mark.parametrize("who", ["handler_less"])
def test_other_roles_see_no_drafts(client, office, draft, who):
    client.force_login(office[who])
    assert denied(client.get(reverse("social:draft_index")))
    assert denied(client.get(detail_url(draft)))
    assert denied(client.post(reverse("social:draft_dismiss", args=[draft.pk]), {"reason": "x"}))
    assert not PersonalDataAccess.objects.exists()


def test_intake_without_the_confidentiality_agreement_is_sent_to_it(client, office, draft):
    client.force_login(office["unaccepted"])
    for response in (client.get(reverse("social:draft_index")), client.get(detail_url(draft))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("agreements:agreement"))
    response = client.post(detail_url(draft), {"category": "other", "subject": "x", "content": "y"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == SocialDraft.State.DRAFT
    assert not PersonalDataAccess.objects.exists()


def test_handled_drafts_forget_the_sender_once_no_reply_can_reach_them(office, account, draft, clock):
    drafts.confirm(draft, office["intake"], category=Category.INQUIRY, subject="路燈", content="路燈壞了")
    waiting = receive(account, "另一件事", "2001", minutes=120)
    assert drafts.forget_senders(now=MOMENT + timedelta(hours=47)) == 0
    assert drafts.forget_senders(now=MOMENT + timedelta(hours=49)) == 1
    draft.refresh_from_db()
    waiting.refresh_from_db()
    assert draft.sender_id == "" and draft.sender_hash
    # A draft intake has not handled yet keeps it, to send the reference once registered.
    assert waiting.sender_id == OPENID
