"""The WeChat official account (微信公众号) in plain-text mode: the message push's signature, its XML
messages, passive replies, and customer-service messages through the platform's HTTP API.

References: the official account's "接入指南" (server verification), "接收普通消息", "接收事件推送",
"被动回复用户消息" and "客服消息" pages of the WeChat developer documentation.
"""

import hashlib
import hmac
import json
import logging
import time
import xml.etree.ElementTree as ET
from datetime import timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from notifications import outbox

from .platforms import Adapter, IncomingMessage, Refused, Unreadable, register

log = logging.getLogger(__name__)

API = "https://api.weixin.qq.com/cgi-bin"
TOKEN_URL = f"{API}/token"
SEND_URL = f"{API}/message/custom/send"
TIMEOUT = (3.05, 10)
# A customer-service text may be at most 2048 bytes; Chinese takes three bytes a character.
MAX_TEXT_CHARACTERS = 600
# The platform's answers that no retry changes: out of the 48-hour window, an unknown openid, a
# citizen who unfollowed the account, an app id or secret the platform does not accept.
PERMANENT_ERRORS = {45015, 40003, 43004, 40013, 40125, 40164}
TOKEN_ERRORS = {40001, 42001, 40014}
MAX_BODY_BYTES = 64 * 1024


def signature(token, timestamp, nonce):
    """sha1 of the token, timestamp and nonce sorted and joined, as the platform signs its requests."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def _text(element, tag):
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _cdata(value):
    # "]]>" would end the section early: split it across two sections.
    return "<![CDATA[" + str(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


class WeChatAdapter(Adapter):
    name = "wechat"
    label = _("WeChat official account")
    draft_prefix = "W"
    # The platform accepts customer-service messages for 48 hours after the citizen's last message.
    reply_window = timedelta(hours=48)

    def _signed(self, request, account):
        params = request.GET
        given = params.get("signature", "")
        timestamp, nonce = params.get("timestamp", ""), params.get("nonce", "")
        if not (account.token and given and timestamp and nonce):
            raise Refused("unsigned")
        expected = signature(account.token, timestamp, nonce)
        if not hmac.compare_digest(expected, given.lower()):
            raise Refused("bad signature")
        return timestamp

    def verify_request(self, request, account):
        timestamp = self._signed(request, account)
        try:
            moment = int(timestamp)
        except ValueError:
            raise Refused("bad timestamp") from None
        # The signature never expires: a captured request could be replayed for ever without this.
        if abs(time.time() - moment) > settings.SOCIAL_REPLAY_WINDOW_SECONDS:
            raise Refused("stale timestamp")

    def handshake(self, request, account):
        """The server check when the URL is saved in the console: echo echostr if the signature is ours."""
        self._signed(request, account)
        return request.GET.get("echostr", "")

    def parse(self, body):
        if len(body) > MAX_BODY_BYTES:
            raise Unreadable("too large")
        lowered = body[:MAX_BODY_BYTES].lower()
        # xml.etree expands internal entities ("billion laughs"): refuse any DTD before parsing.
        if b"<!doctype" in lowered or b"<!entity" in lowered:
            raise Unreadable("DTD or entity")
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise Unreadable("not XML") from None
        if root.tag != "xml":
            raise Unreadable("not a message")
        try:
            sent_at = int(_text(root, "CreateTime") or 0)
        except ValueError:
            sent_at = 0
        kind = _text(root, "MsgType").lower()
        return [
            IncomingMessage(
                kind=kind,
                sender=_text(root, "FromUserName"),
                recipient=_text(root, "ToUserName"),
                sent_at=sent_at,
                message_id=_text(root, "MsgId"),
                text=_text(root, "Content") if kind == "text" else "",
                event=_text(root, "Event").lower() if kind == "event" else "",
            )
        ]

    def passive_reply(self, account, message, text):
        if not text:
            # The platform takes "success" (or an empty body) as "no reply", and stops retrying.
            return "success", "text/plain; charset=utf-8"
        xml = (
            "<xml>"
            f"<ToUserName>{_cdata(message.sender)}</ToUserName>"
            f"<FromUserName>{_cdata(message.recipient or account.account_id)}</FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>"
            f"<MsgType>{_cdata('text')}</MsgType>"
            f"<Content>{_cdata(text)}</Content>"
            "</xml>"
        )
        return xml, "application/xml; charset=utf-8"

    # --- Customer-service messages -----------------------------------------------------------

    def _token_key(self, account):
        # Changing the app id or secret in the admin starts a new token.
        fingerprint = hashlib.sha256(f"{account.app_id}:{account.app_secret}".encode()).hexdigest()[:16]
        return f"social:wechat:token:{account.pk}:{fingerprint}"

    def access_token(self, account, refresh=False):
        key = self._token_key(account)
        token = None if refresh else cache.get(key)
        if token:
            return token
        response = requests.get(
            TOKEN_URL,
            params={"grant_type": "client_credential", "appid": account.app_id, "secret": account.app_secret},
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        data = response.json()
        errcode = data.get("errcode") or 0
        if errcode in PERMANENT_ERRORS:
            raise outbox.PermanentFailure(f"WeChat refused the account's credentials (errcode {errcode})")
        if errcode or not data.get("access_token"):
            raise RuntimeError(f"WeChat gave no access token (errcode {errcode})")
        token = data["access_token"]
        # Renewed five minutes before the platform's expiry (7200 s), so a send never holds a dead one.
        cache.set(key, token, max(int(data.get("expires_in", 7200)) - 300, 60))
        return token

    def send_customer_service_message(self, account, recipient, text):
        payload = {"touser": recipient, "msgtype": "text", "text": {"content": text[:MAX_TEXT_CHARACTERS]}}
        for refresh in (False, True):
            token = self.access_token(account, refresh=refresh)
            response = requests.post(
                SEND_URL,
                params={"access_token": token},
                # The platform wants the Chinese as it is, not as \u escapes.
                data=_json(payload),
                headers={"Content-Type": "application/json; charset=utf-8"},
                timeout=TIMEOUT,
            )
            response.raise_for_status()
            errcode = response.json().get("errcode") or 0
            if not errcode:
                log.info("WeChat customer-service message sent for account %s", account.pk)
                return
            if errcode in TOKEN_ERRORS and not refresh:
                cache.delete(self._token_key(account))
                continue
            if errcode in PERMANENT_ERRORS:
                raise outbox.PermanentFailure(f"WeChat refused the message (errcode {errcode})")
            # -1 (system busy) and anything unknown: tried again later with back-off.
            raise RuntimeError(f"WeChat could not take the message now (errcode {errcode})")
        raise RuntimeError("WeChat refused a fresh access token")


def _json(payload):
    return json.dumps(payload, ensure_ascii=False).encode()


adapter = register(WeChatAdapter())
