"""The citizen's whole journey in a real browser on the demo site, in each language, on a desktop and
on a phone: file an appeal, lose the access code, get a new one from the message the outbox sends,
track the case and see what they filed, add the information staff ask for, rate the reply; and
withdraw a second case. Every page passes axe; screenshots are kept under tests/artifacts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from casework import workflow
from casework.models import Case, Category, OutboxMessage, Satisfaction, Status
from notifications import outbox
from tests.factories import CaseFactory
from tests.helpers import save_screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
SECOND_CASE_CODE = "K7Q2M9XPA3BC"


def submit(page, action):
    """Press the visible submit button of the tracking page's form for ``action``."""
    with page.expect_navigation():
        page.click(f"form:has(input[name=action][value={action}]) button.govuk-button[type=submit]")


def check_and_keep(page, artifacts_dir, name):
    assert serious_violations(page) == [], page.url
    save_screenshot(page, str(artifacts_dir / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(
    "language, viewport", [("zh-hant", DESKTOP), ("zh-hans", PHONE), ("en", DESKTOP), ("zh-hant", PHONE)]
)
def test_citizen_journey(
    live_server, demo_site_transactional, page, artifacts_dir, settings, tmp_path, language, viewport
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    page.set_viewport_size(viewport)
    shot = f"{language}-{viewport['width']}"
    intake = get_user_model().objects.get(username="intake")
    # Rate limits and wrong-code counts of earlier runs from the same address start afresh.
    cache.clear()
    base = live_server.url
    track = f"{base}/{language}/track/"

    # The citizen files a complaint, and loses the receipt with its access code.
    page.goto(f"{base}/{language}/appeal/")
    page.select_option("#id_category", "inquiry")
    page.fill("#id_subject", "公園路燈不亮")
    page.fill("#id_content", "公園東側步道的路燈已經壞了一個月。")
    page.fill("#id_name", "陳美玲")
    page.fill("#id_email", "chen@example.org")
    page.check("input[name=reply_channel][value=email]")
    page.check("#id_consent")
    page.fill("#id_captcha_1", "PASSED")
    page.focus("main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/{language}/appeal/receipt/")
    check_and_keep(page, artifacts_dir, f"journey-receipt-{shot}")
    reference = page.locator("#case-reference").inner_text()
    lost_code = page.locator("#case-access-code").inner_text()
    case = Case.objects.get(reference=reference)
    page.context.clear_cookies()

    # The acknowledgement links to the tracking page with the reference filled in.
    acknowledgement = OutboxMessage.objects.filter(case=case, template="case_event").first()
    link = re.search(r"https?://\S+", outbox.render(acknowledgement)[1]).group(0)
    assert link.endswith(f"/{language}/track/?reference={reference}") and lost_code not in link
    page.goto(f"{track}?reference={reference}")
    assert page.input_value("#id_reference") == reference
    assert serious_violations(page) == []

    # She asks for a new code.
    page.click("#new-code-link")
    assert page.input_value("#id_reference") == reference
    assert serious_violations(page) == []
    page.fill("#id_captcha_1", "PASSED")
    page.click("main button.govuk-button[type=submit]:not([name=captcha_refresh])")
    page.wait_for_selector("#new-code-requested")
    assert serious_violations(page) == []
    save_screenshot(page, str(artifacts_dir / f"journey-new-code-sent-{shot}.png"), full_page=True)

    # The message the outbox sends her carries the new code.
    message = OutboxMessage.objects.get(case=case, template="access_code")
    assert message.address == "chen@example.org"
    new_code = re.search(r"[A-Z2-9]{12}", outbox.render(message)[1]).group(0)
    assert new_code != lost_code

    # The old code no longer opens the case; the new one does.
    page.goto(f"{track}?reference={reference}")
    page.fill("#id_access_code", lost_code)
    page.click("main form button.govuk-button[type=submit]:not([name=captcha_refresh])")
    page.wait_for_selector("main .govuk-error-summary[role=alert]")
    page.fill("#id_reference", reference)
    page.fill("#id_access_code", new_code)
    page.click("main form button.govuk-button[type=submit]:not([name=captcha_refresh])")
    page.wait_for_selector("#case-content")
    main = page.locator("main").inner_text()
    with translation.override(language):
        category = str(case.get_category_display())
    assert "公園東側步道的路燈已經壞了一個月。" in main
    assert page.locator("#case-category").inner_text() == category
    assert serious_violations(page) == []
    save_screenshot(page, str(artifacts_dir / f"journey-own-case-{shot}.png"), full_page=True)

    # Staff ask for the lamp post's number; she sends it from the tracking page.
    workflow.request_information(case, intake, "請提供路燈桿上的編號。")
    page.reload()
    assert "請提供路燈桿上的編號。" in page.locator("main").inner_text()
    check_and_keep(page, artifacts_dir, f"journey-information-asked-{shot}")
    page.fill("#id_text", "路燈編號 A-123")
    submit(page, "information")
    assert "路燈編號 A-123" in page.locator("ol.timeline").inner_text()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED

    # The office answers; she reads the reply and rates it.
    workflow.answer_directly(case, intake, "已通知維修廠商，三日內修復。")
    page.reload()
    assert "已通知維修廠商，三日內修復。" in page.locator("main").inner_text()
    check_and_keep(page, artifacts_dir, f"journey-replied-{shot}")
    page.check("input[name=satisfaction][value=satisfied]")
    submit(page, "satisfaction")
    assert page.locator("form:has(input[name=action][value=satisfaction])").count() == 0
    check_and_keep(page, artifacts_dir, f"journey-rated-{shot}")
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.SATISFIED

    # A second case of hers, still open, is withdrawn with a reason.
    second = CaseFactory(
        category=Category.SUGGESTION, language=language, subject="公園增設座椅", access_code=SECOND_CASE_CODE
    )
    submit(page, "leave")
    page.fill("#id_reference", second.reference)
    page.fill("#id_access_code", SECOND_CASE_CODE)
    page.click("main form button.govuk-button[type=submit]:not([name=captcha_refresh])")
    page.wait_for_selector("#case-content")
    page.fill("#id_reason", "已經不需要了。")
    page.check("#id_confirm")
    check_and_keep(page, artifacts_dir, f"journey-withdrawing-{shot}")
    submit(page, "withdraw")
    assert page.locator("form:has(input[name=action][value=withdraw])").count() == 0
    assert "已經不需要了。" in page.locator("ol.timeline").inner_text()
    check_and_keep(page, artifacts_dir, f"journey-withdrawn-{shot}")
    second.refresh_from_db()
    assert second.status == Status.WITHDRAWN
