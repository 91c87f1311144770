"""The platforms the office's social-media accounts are on, by name: each brings an adapter.

An adapter knows one platform's webhook and messaging API and nothing of cases or drafts:

- verify_request(request, account) -> None, or raises Refused (the view answers 403);
- handshake(request, account) -> the body that proves the webhook to the platform (GET), or None;
- parse(body) -> a list of IncomingMessage;
- passive_reply(account, message, text) -> (body, content type) answering within the request;
- send_customer_service_message(account, recipient, text) -> None, or raises outbox.PermanentFailure
  (no retry helps) or any other exception (retried with back-off);
- reply_window: how long after the citizen's last message the platform lets the account write to them.

Another platform plugs in the same way: subclass Adapter in a module of this app, register() it, and
import the module in SocialConfig.ready() (docs/channels-social.md).
"""

from dataclasses import dataclass
from datetime import timedelta


class Refused(Exception):
    """A webhook request that is not the platform's, or is too old to be trusted."""


class Unreadable(Exception):
    """A webhook body that cannot be read safely (not XML, or XML with a DTD or entities)."""


@dataclass(frozen=True)
class IncomingMessage:
    kind: str  # "text", "event" or another platform type ("image", "voice", ...)
    sender: str  # the platform's id of the citizen (WeChat: the openid); personal data
    recipient: str  # the office's account on the platform
    sent_at: int  # seconds since the epoch, as the platform says
    message_id: str = ""
    text: str = ""
    event: str = ""  # for kind "event": "subscribe", "unsubscribe", ...


class Adapter:
    name = ""
    label = ""
    draft_prefix = "S"
    reply_window = timedelta(0)

    def verify_request(self, request, account):
        raise NotImplementedError

    def handshake(self, request, account):
        return None

    def parse(self, body):
        raise NotImplementedError

    def passive_reply(self, account, message, text):
        raise NotImplementedError

    def send_customer_service_message(self, account, recipient, text):
        raise NotImplementedError


PLATFORMS = {}


def register(adapter):
    PLATFORMS[adapter.name] = adapter
    return adapter


def adapter_for(name):
    return PLATFORMS.get(name)


def choices():
    return [(name, adapter.label) for name, adapter in PLATFORMS.items()]
