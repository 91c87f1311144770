import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casework import roles
from social import wechat
from social.models import SocialAccount
from tests.factories import staff

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "a-known-test-token"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
MOMENT = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))


def fixture(name, **replacements):
    """A message as WeChat documents it, with the documented placeholders replaced."""
    text = (FIXTURES / f"{name}.xml").read_text()
    for old, new in replacements.items():
        text = text.replace(old, str(new))
    return text.encode()


def signed_query(token=TOKEN, timestamp=None, nonce="1405367286"):
    # Signed now by default: the tests' clock stands still at MOMENT unless a test moves it.
    timestamp = str(int(timestamp if timestamp is not None else time.time()))
    return {"signature": wechat.signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


@pytest.fixture
def clock():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def account(db):
    return SocialAccount.objects.create(
        platform="wechat",
        name="市民服務公眾號",
        slug="citizens",
        account_id="gh_0123456789ab",
        token=TOKEN,
        app_id="wx0123456789abcdef",
        app_secret="the-app-secret",
        language="zh-hant",
    )


@pytest.fixture
def post_message(client, account):
    """POST one signed message to the account's webhook, as WeChat does."""

    def post(body, query=None, timestamp=None):
        query = query or signed_query(timestamp=timestamp)
        query = {**query, "openid": OPENID}
        url = f"/social/wechat/{account.slug}/?" + "&".join(f"{k}={v}" for k, v in query.items())
        return client.post(url, data=body, content_type="text/xml")

    return post


def text_message(text, msg_id, moment=None, sender=OPENID):
    moment = moment or MOMENT
    return fixture(
        "text",
        fromUser=sender,
        **{"this is a test": text, "1348831860": int(moment.timestamp()), "1234567890123456": msg_id},
    )


@pytest.fixture
def office(db, admin_access):
    return {
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR),
        "handler_less": staff(roles.MANAGER),
        "unaccepted": staff(roles.INTAKE_OFFICER, accepts_agreement=False),
    }
