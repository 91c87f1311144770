"""The WeChat official account's message push: signature, replay window, messages and drafts."""

import logging
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from social.models import SocialDraft, SocialMessage
from tests.social.conftest import MOMENT, OPENID, TOKEN, fixture, signed_query, text_message

pytestmark = pytest.mark.django_db


def reply(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {child.tag: child.text for child in root}


def test_the_console_check_echoes_echostr_when_the_signature_is_the_accounts(client, account, clock):
    query = signed_query() | {"echostr": "8329184710293"}
    response = client.get(f"/social/wechat/{account.slug}/", query)
    assert response.status_code == 200
    assert response.content == b"8329184710293"


def test_the_console_check_with_another_token_is_refused(client, account, clock):
    query = signed_query(token="someone-elses-token") | {"echostr": "8329184710293"}
    response = client.get(f"/social/wechat/{account.slug}/", query)
    assert response.status_code == 403
    assert b"8329184710293" not in response.content


def test_a_message_with_a_bad_signature_is_refused_and_not_kept(post_message, clock):
    response = post_message(text_message("路燈壞了", "1001"), query=signed_query(token="wrong"))
    assert response.status_code == 403
    assert not SocialMessage.objects.exists()


def test_a_stale_timestamp_is_refused_even_when_signed(post_message, clock):
    stale = MOMENT - timedelta(minutes=6)
    response = post_message(text_message("路燈壞了", "1001"), timestamp=stale.timestamp())
    assert response.status_code == 403
    assert not SocialDraft.objects.exists()


def test_a_switched_off_account_has_no_webhook(post_message, account, clock):
    account.active = False
    account.save()
    assert post_message(text_message("路燈壞了", "1001")).status_code == 403
    assert not SocialMessage.objects.exists()


def test_a_text_message_opens_a_draft_and_the_passive_reply_gives_its_number(post_message, account, clock):
    answer = reply(post_message(text_message("巷口路燈壞了三週", "1001")))

    draft = SocialDraft.objects.get()
    assert draft.number == "W-20261202-0001"
    assert draft.sender_id == OPENID
    assert OPENID not in draft.sender_hash
    assert draft.text() == "巷口路燈壞了三週"
    # The passive reply goes from the office's account back to the sender, as plain text.
    assert answer["ToUserName"] == OPENID
    assert answer["FromUserName"] == "toUser"
    assert answer["MsgType"] == "text"
    assert int(answer["CreateTime"]) == int(MOMENT.timestamp())
    assert "W-20261202-0001" in answer["Content"]
    assert "案件編號" in answer["Content"] and "查詢碼" in answer["Content"]


def test_the_sender_and_text_are_stored_encrypted(post_message, clock):
    from django.db import connection

    post_message(text_message("巷口路燈壞了三週", "1001"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT sender_id FROM social_socialdraft")
        (stored_sender,) = cursor.fetchone()
        cursor.execute("SELECT text FROM social_socialmessage")
        (stored_text,) = cursor.fetchone()
    assert OPENID not in stored_sender and stored_sender.startswith("enc1:")
    assert "路燈" not in stored_text and stored_text.startswith("enc1:")


def test_a_retried_message_is_kept_once_and_answered_with_the_same_draft(post_message, clock):
    body = text_message("巷口路燈壞了三週", "1001")
    first = reply(post_message(body))
    # WeChat retries the same MsgId up to three times when no answer came within five seconds.
    for _retry in range(3):
        again = reply(post_message(body))
        assert again["Content"] == first["Content"]
    assert SocialMessage.objects.count() == 1
    assert SocialDraft.objects.count() == 1


def test_messages_within_the_window_join_one_draft_and_a_later_one_opens_another(
    post_message, clock, settings
):
    settings.SOCIAL_DRAFT_WINDOW_MINUTES = 30
    post_message(text_message("巷口路燈壞了三週", "1001"))
    clock.shift(timedelta(minutes=20))
    post_message(text_message("是廈門街113巷口", "1002", moment=MOMENT + timedelta(minutes=20)))
    # The window runs from the last message: 29 minutes after it still joins.
    clock.shift(timedelta(minutes=29))
    post_message(text_message("附近有國小", "1003", moment=MOMENT + timedelta(minutes=49)))
    clock.shift(timedelta(minutes=31))
    answer = reply(post_message(text_message("另一件事", "1004", moment=MOMENT + timedelta(minutes=80))))

    first, second = SocialDraft.objects.order_by("pk")
    assert first.text() == "巷口路燈壞了三週\n\n是廈門街113巷口\n\n附近有國小"
    assert second.text() == "另一件事"
    assert "W-20261202-0002" in answer["Content"]


def test_another_sender_gets_a_draft_of_their_own(post_message, clock):
    post_message(text_message("巷口路燈壞了三週", "1001"))
    post_message(text_message("公園垃圾沒人清", "2001", sender="oAnotherCitizen0000000000000"))
    assert SocialDraft.objects.count() == 2


def test_the_window_is_a_setting(post_message, clock, settings):
    settings.SOCIAL_DRAFT_WINDOW_MINUTES = 5
    post_message(text_message("巷口路燈壞了三週", "1001"))
    clock.shift(timedelta(minutes=6))
    post_message(text_message("補充", "1002", moment=MOMENT + timedelta(minutes=6)))
    assert SocialDraft.objects.count() == 2


@pytest.mark.parametrize("name", ["image", "voice"])
def test_other_message_types_are_asked_to_write_text(post_message, clock, name):
    body = fixture(name, **{"fromUser": OPENID, "1348831860": int(MOMENT.timestamp())})
    answer = reply(post_message(body))
    assert "文字" in answer["Content"]
    assert not SocialDraft.objects.exists()


def test_a_new_follower_is_welcomed(post_message, clock):
    answer = reply(post_message(fixture("subscribe", FromUser=OPENID)))
    assert "市民服務公眾號" in answer["Content"]
    assert not SocialDraft.objects.exists()


def test_an_unfollow_gets_no_reply(post_message, clock):
    response = post_message(fixture("unsubscribe", FromUser=OPENID))
    assert response.status_code == 200
    assert response.content == b"success"


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><xml><Content>&lol;</Content></xml>',
        b'<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml/>',
        b"not xml at all",
    ],
)
def test_bodies_with_a_dtd_or_not_xml_are_refused(post_message, clock, body):
    assert post_message(body).status_code == 400
    assert not SocialMessage.objects.exists()


def test_the_reply_is_in_the_accounts_language(post_message, account, clock):
    account.language = "zh-hans"
    account.save()
    answer = reply(post_message(text_message("路灯坏了", "1001")))
    assert "案件编号" in answer["Content"]


def test_neither_openid_nor_text_reach_the_logs(post_message, clock, caplog):
    caplog.set_level(logging.DEBUG)
    post_message(text_message("我的電話是0912345678", "1001"))
    post_message(text_message("路燈", "1002"), query=signed_query(token="wrong"))
    assert caplog.records, "the webhook logs what it did"
    assert OPENID not in caplog.text
    assert "0912345678" not in caplog.text and "路燈" not in caplog.text
    assert TOKEN not in caplog.text


def test_the_webhook_needs_no_csrf_token_nor_language_prefix(account, clock):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    query = "&".join(f"{k}={v}" for k, v in signed_query().items())
    response = strict.post(
        f"/social/wechat/{account.slug}/?{query}",
        data=text_message("路燈壞了", "1001"),
        content_type="text/xml",
    )
    assert response.status_code == 200
    assert SocialDraft.objects.count() == 1
