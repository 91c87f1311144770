"""A demo WeChat official account and one open draft of two messages for intake to confirm.

Re-running the loader keeps one of each: the account by its slug, the draft by its messages' ids.
"""

from datetime import timedelta

from django.utils import timezone

from social import drafts
from social.models import SocialAccount
from social.platforms import IncomingMessage

DEMO_OPENID = "oDemo-6Yx2kQ9aB3cD4eF5gH6iJ7kL"
MESSAGES = [
    ("demo-10001", "您好，我住在中正區廈門街，巷口的路燈已經壞了三個星期，晚上經過很暗，很不安全。"),
    ("demo-10002", "補充：壞的是廈門街 113 巷口那一盞，附近還有一所國小，請盡快派人修理，謝謝。"),
]


def load_social():
    account, _created = SocialAccount.objects.update_or_create(
        platform="wechat",
        slug="demo",
        defaults={
            "name": "市民服務公眾號（示範）",
            "account_id": "gh_demo0000000",
            "token": "demo-wechat-token",
            "app_id": "wx-demo-app-id",
            "app_secret": "demo-app-secret",
            "language": "zh-hans",
        },
    )
    start = timezone.now() - timedelta(minutes=40)
    for minutes, (message_id, text) in zip((0, 6), MESSAGES, strict=True):
        moment = start + timedelta(minutes=minutes)
        message = IncomingMessage(
            kind="text",
            sender=DEMO_OPENID,
            recipient=account.account_id,
            sent_at=int(moment.timestamp()),
            message_id=message_id,
            text=text,
        )
        drafts.keep(account, message, now=moment)
    return account
