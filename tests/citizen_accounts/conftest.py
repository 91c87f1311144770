import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.portal.appeal_pages import appeal_pages  # noqa: F401

from . import sms


@pytest.fixture(autouse=True)
def citizen_world(settings, appeal_pages):  # noqa: F811
    settings.CASEWORK_SMS_BACKEND = "tests.citizen_accounts.sms.CapturingSMSBackend"
    sms.SENT.clear()
    cache.clear()  # allauth's rate limits and the tracking throttles live in the cache
    yield appeal_pages
    sms.SENT.clear()


def code_in_last_mail():
    body = mail.outbox[-1].body
    return re.search(r"^([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)$", body, re.MULTILINE)[1]


def code_in_last_sms():
    return re.search(r"([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})*)", sms.SENT[-1][1])[1]
