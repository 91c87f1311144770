"""The demo's mailbox: two e-mail cases in the inboxes and one e-mail waiting for review, whatever
the number of times the demo is loaded."""

import pytest

from casework.models import Case, Channel, Status
from demo import mailbox as mailbox_demo
from mailroom.models import ReviewItem

pytestmark = pytest.mark.django_db


def test_the_demo_mailbox_files_two_cases_and_queues_one_email_once():
    assert mailbox_demo.load_mailbox() == ["filed", "filed", "review"]
    assert mailbox_demo.load_mailbox() == ["duplicate", "duplicate", "duplicate"]

    cases = Case.objects.filter(channel=Channel.EMAIL)
    assert cases.count() == 2 and {case.status for case in cases} == {Status.RECEIVED}
    assert {case.language for case in cases} == {"zh-hant", "en"}
    assert cases.get(language="zh-hant").attachments.count() == 1
    assert ReviewItem.objects.get().reason == ReviewItem.Reason.UNREADABLE
