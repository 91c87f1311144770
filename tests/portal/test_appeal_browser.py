"""A citizen's whole journey in a real browser on the demo site: file, get a reply, rate it, ask to reopen."""

import pytest
from django.urls import reverse

from casework.models import Case, Event, Status
from tests.helpers import log_in_to_admin, save_screenshot, serious_violations, workflow_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_citizen_files_follows_rates_and_asks_to_reopen(
    live_server, demo_site_transactional, page, artifacts_dir, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    base = live_server.url

    for prefix, heading in (("zh-hans", "网上提出诉求"), ("en", "File an appeal online")):
        page.goto(f"{base}/{prefix}/appeal/")
        assert page.locator("h1").inner_text() == heading
        assert serious_violations(page) == []

    # The citizen files an inquiry.
    page.goto(f"{base}/zh-hant/appeal/")
    assert page.locator("h1").inner_text() == "網上提出訴求"
    assert serious_violations(page) == []
    page.select_option("#id_category", "inquiry")
    page.fill("#id_subject", "<script>alert(1)</script> 辦公時間")
    page.fill("#id_content", "請問週末是否受理訴求？")
    page.fill("#id_name", "王小明")
    page.fill("#id_phone", "0912345678")
    page.check("input[name=reply_channel][value=web]")
    page.check("#id_consent")
    page.fill("#id_captcha_1", "PASSED")
    save_screenshot(page, str(artifacts_dir / "appeal-form.png"), full_page=True)
    # A keyboard user's submission (a click straight after a full-page screenshot can miss the button).
    page.focus("main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/zh-hant/appeal/receipt/")
    reference = page.locator("#case-reference").inner_text()
    code = page.locator("#case-access-code").inner_text()
    assert serious_violations(page) == []
    save_screenshot(page, str(artifacts_dir / "appeal-receipt.png"), full_page=True)
    page.reload()
    assert page.locator("#case-access-code").count() == 0
    case = Case.objects.get(reference=reference)
    assert Case.objects.filter(subject__contains="辦公時間").count() == 1

    # The intake officer answers it from the case page in the back office.
    log_in_to_admin(page, base, "intake")
    page.goto(base + reverse("casework:case_detail", args=[case.pk]))
    workflow_step(page, "answer_directly", {"reply_text": "週六上午九時至十二時亦受理訴求。"})
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    page.context.clear_cookies()

    # The citizen reads the reply and is dissatisfied.
    page.goto(f"{base}/zh-hant/track/")
    assert serious_violations(page) == []
    page.fill("#id_reference", reference)
    page.fill("#id_access_code", code)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/zh-hant/track/")
    assert "週六上午九時至十二時亦受理訴求。" in page.locator("main").inner_text()
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    save_screenshot(page, str(artifacts_dir / "tracking-replied.png"), full_page=True)
    page.check("input[name=satisfaction][value=dissatisfied]")
    page.fill("#id_comment", "週日也需要受理。")
    page.check("#id_reopen")
    page.click("text=提交評價")
    page.wait_for_url(f"{base}/zh-hant/track/")
    assert "轉交工作人員" in page.locator("main").inner_text()
    case.refresh_from_db()
    assert case.status == Status.FOLLOWED_UP and case.satisfaction == "dissatisfied"
    assert case.events.filter(kind=Event.Kind.NOTE, data__reopen_requested=True).exists()

    # A supervisor sees the request on the case page in the back office.
    log_in_to_admin(page, base, "supervisor")
    page.goto(base + reverse("casework:case_detail", args=[case.pk]))
    main = page.locator("main").inner_text()
    assert "訴求人不滿意，要求重辦本案。" in main and "週日也需要受理。" in main
    save_screenshot(page, str(artifacts_dir / "appeal-reopen-request-admin.png"), full_page=True)
