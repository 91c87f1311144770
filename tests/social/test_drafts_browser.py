"""Intake, in the browser, opens the demo's WeChat draft of two messages and registers it as a case;
the case then waits in intake's inbox with the channel "Social media". At 1280 and 375 px."""

import pytest

from casework.models import Channel
from demo.social import MESSAGES
from social.models import SocialDraft
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_intake_confirms_the_demo_draft_as_a_case(live_server, demo_site_transactional, page, artifacts_dir):
    server = live_server.url
    draft = SocialDraft.objects.get(state=SocialDraft.State.DRAFT, account__slug="demo")
    log_in_to_admin(page, server, "intake")

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{server}/admin/social/")
    row = page.locator(f"tr[data-draft='{draft.number}']")
    assert row.count() == 1
    save_screenshot(page, str(artifacts_dir / "social-drafts-375.png"), full_page=True)
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        row.get_by_role("link", name=draft.number).click()
    chat = page.locator("[data-messages] li")
    chat.first.wait_for()
    assert chat.count() == 2
    for _message_id, text in MESSAGES:
        assert text in page.locator("[data-messages]").inner_text()
    save_screenshot(page, str(artifacts_dir / "social-draft-1280.png"), full_page=True)
    assert_accessible(page)

    page.set_viewport_size({"width": 375, "height": 812})
    save_screenshot(page, str(artifacts_dir / "social-draft-375.png"), full_page=True)
    form = page.locator("form[data-confirm-form]")
    form.locator("select[name=category]").select_option("complaint")
    form.locator("input[name=subject]").fill("廈門街113巷口路燈故障")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    draft.refresh_from_db()
    case = draft.case
    assert draft.state == SocialDraft.State.CONFIRMED
    assert case.channel == Channel.SOCIAL and case.subject == "廈門街113巷口路燈故障"
    assert page.url.endswith(f"/admin/cases/{case.pk}/")
    assert case.reference in page.locator(".messages").inner_text()

    # Intake's own inbox, filtered to the social channel as a desk would.
    page.goto(f"{server}/admin/cases/?inbox=mine&channel=social")
    assert case.reference in page.content()
    page.set_viewport_size({"width": 1280, "height": 900})
    save_screenshot(page, str(artifacts_dir / "social-case-in-inbox-1280.png"), full_page=True)
