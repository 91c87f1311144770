"""A citizen who lost their access code, in a real browser on the demo site: file an appeal, ask for
a new code, read it in the message the outbox sends, track the case with it, see what they filed,
withdraw it."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation

from casework.models import Case, OutboxMessage, Status
from notifications import outbox
from tests.helpers import save_screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_citizen_recovers_a_lost_code_tracks_and_withdraws(
    live_server, demo_site_transactional, page, artifacts_dir, settings, tmp_path, language
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    # Rate limits and wrong-code counts of earlier runs from the same address start afresh.
    cache.clear()
    base = live_server.url
    track = f"{base}/{language}/track/"

    # The citizen files a complaint, and loses the receipt with its access code.
    page.goto(f"{base}/{language}/appeal/")
    page.select_option("#id_category", "complaint")
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
    save_screenshot(page, str(artifacts_dir / f"new-access-code-sent-{language}.png"), full_page=True)

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
    save_screenshot(page, str(artifacts_dir / f"tracking-own-case-{language}.png"), full_page=True)

    # She withdraws it.
    page.fill("#id_reason", "路燈已經修好了。")
    page.check("#id_confirm")
    page.click("form:has(input[name=action][value=withdraw]) button[type=submit]")
    page.wait_for_selector("main p.message[role=status]")
    assert page.locator("form:has(input[name=action][value=withdraw])").count() == 0
    assert "路燈已經修好了。" in page.locator("ol.timeline").inner_text()
    assert serious_violations(page) == []
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
