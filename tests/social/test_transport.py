"""The WeChat customer-service message API, against responses recorded from its documentation."""

import logging

import pytest
import responses
from django.core.cache import cache
from responses import matchers

from casework.models import OutboxMessage
from notifications import outbox
from social import drafts, wechat
from tests.social.conftest import OPENID

pytestmark = pytest.mark.django_db

TOKEN_OK = {"access_token": "ACCESS_TOKEN_1", "expires_in": 7200}
TOKEN_NEW = {"access_token": "ACCESS_TOKEN_2", "expires_in": 7200}
SENT = {"errcode": 0, "errmsg": "ok"}


@pytest.fixture(autouse=True)
def no_cached_token():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def message(account):
    return OutboxMessage(channel=OutboxMessage.Channel.SOCIAL, address=f"{account.pk}:{OPENID}", template="x")


def token_call(rsps, body, **kwargs):
    return rsps.get(
        wechat.TOKEN_URL,
        json=body,
        match=[
            matchers.query_param_matcher(
                {"grant_type": "client_credential", "appid": "wx0123456789abcdef", "secret": "the-app-secret"}
            )
        ],
        **kwargs,
    )


def send_call(rsps, token, body):
    return rsps.post(
        wechat.SEND_URL, json=body, match=[matchers.query_param_matcher({"access_token": token})]
    )


def test_a_message_goes_out_with_a_token_kept_for_the_next(message):
    with responses.RequestsMock() as rsps:
        token = token_call(rsps, TOKEN_OK)
        sent = send_call(rsps, "ACCESS_TOKEN_1", SENT)
        drafts.send(message, "您的案件 A-1 已登記", "查詢碼：ABCD")
        drafts.send(message, "第二則", "內容")
    assert token.call_count == 1 and sent.call_count == 2
    import json

    payload = json.loads(sent.calls[0].request.body)
    assert payload == {
        "touser": OPENID,
        "msgtype": "text",
        "text": {"content": "您的案件 A-1 已登記\n\n查詢碼：ABCD"},
    }


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_an_expired_token_is_renewed_once_and_the_message_sent(message, errcode):
    cache.set(wechat.adapter._token_key(message_account(message)), "ACCESS_TOKEN_1", 600)
    with responses.RequestsMock() as rsps:
        send_call(rsps, "ACCESS_TOKEN_1", {"errcode": errcode, "errmsg": "access_token expired"})
        token = token_call(rsps, TOKEN_NEW)
        sent = send_call(rsps, "ACCESS_TOKEN_2", SENT)
        drafts.send(message, "主旨", "內容")
    assert token.call_count == 1 and sent.call_count == 1


def message_account(message):
    from social.models import SocialAccount

    return SocialAccount.objects.get(pk=int(message.address.split(":")[0]))


@pytest.mark.parametrize("errcode", [45015, 40003, 43004])
def test_refusals_no_retry_changes_fail_at_once(message, errcode):
    with responses.RequestsMock() as rsps:
        token_call(rsps, TOKEN_OK)
        send_call(rsps, "ACCESS_TOKEN_1", {"errcode": errcode, "errmsg": "refused"})
        with pytest.raises(outbox.PermanentFailure):
            drafts.send(message, "主旨", "內容")


def test_a_busy_platform_is_tried_again_later(message):
    with responses.RequestsMock() as rsps:
        token_call(rsps, TOKEN_OK)
        send_call(rsps, "ACCESS_TOKEN_1", {"errcode": -1, "errmsg": "system error"})
        with pytest.raises(Exception) as raised:
            drafts.send(message, "主旨", "內容")
    assert not isinstance(raised.value, outbox.PermanentFailure)


def test_a_network_error_is_tried_again_later(message):
    import requests

    with responses.RequestsMock() as rsps:
        token_call(rsps, TOKEN_OK)
        rsps.post(wechat.SEND_URL, body=requests.ConnectionError("connection reset"))
        with pytest.raises(requests.ConnectionError):
            drafts.send(message, "主旨", "內容")


def test_the_outbox_retries_a_busy_platform_and_fails_a_closed_window(account, clock):
    """Through the outbox's delivery: -1 leaves the message pending, 45015 fails it."""
    from casework.models import Case

    busy, closed = (
        OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.SOCIAL,
            address=f"{account.pk}:{OPENID}",
            template="social_registered",
            context={"code": "", "draft": "W-20261202-0001"},
            dedupe_key=key,
            case=None,
        )
        for key in ("busy", "closed")
    )
    assert Case  # the messages render without a case
    with responses.RequestsMock() as rsps:
        token_call(rsps, TOKEN_OK)
        send_call(rsps, "ACCESS_TOKEN_1", {"errcode": -1, "errmsg": "system error"})
        outbox.deliver_due(message_id=busy.pk)
        send_call(rsps, "ACCESS_TOKEN_1", {"errcode": 45015, "errmsg": "response out of time limit"})
        outbox.deliver_due(message_id=closed.pk)
    busy.refresh_from_db()
    closed.refresh_from_db()
    assert busy.status == OutboxMessage.State.PENDING
    assert closed.status == OutboxMessage.State.FAILED
    assert "45015" in closed.last_error and OPENID not in closed.last_error


def test_neither_openid_nor_text_nor_secrets_reach_the_logs(message, caplog):
    caplog.set_level(logging.DEBUG)
    with responses.RequestsMock() as rsps:
        token_call(rsps, TOKEN_OK)
        send_call(rsps, "ACCESS_TOKEN_1", SENT)
        drafts.send(message, "您的案件已登記", "查詢碼：SECRETCODE")
    assert caplog.records
    for secret in (OPENID, "查詢碼", "SECRETCODE", "the-app-secret", "ACCESS_TOKEN_1"):
        assert secret not in caplog.text
