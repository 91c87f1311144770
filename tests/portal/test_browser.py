"""The portal in a real browser: accessibility of every page type, and an editor's change reaching
all three languages through the admin."""

import pytest
from django.urls import reverse
from wagtail_localize.models import TranslationSource

from demo.cases import DEMO_PASSWORD
from portal.models import ReceptionPage
from tests.helpers import save_screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGE_TYPES = {
    "home": "",
    "reception": "reception/",
    "procedure": "procedure/",
    "visit-form": "procedure/forms/visit/",
    "complaint-form": "procedure/forms/complaint/",
    "faq": "faq/",
    "notice-index": "notices/",
    "notice": "notices/year-end-reception-hours/",
    "standard": "rules/",
    "policy": "rules/public-appeals-measures/",
}


@pytest.fixture
def demo_server(live_server, demo_site_transactional):
    return live_server.url


def test_every_page_type_passes_axe_in_three_languages(demo_server, page, artifacts_dir):
    found = {}
    for prefix in ("zh-hant", "zh-hans", "en"):
        for name, path in PAGE_TYPES.items():
            response = page.goto(f"{demo_server}/{prefix}/{path}")
            assert response.status == 200, f"/{prefix}/{path}"
            save_screenshot(page, str(artifacts_dir / f"portal-{name}-{prefix}.png"), full_page=True)
            violations = serious_violations(page)
            if violations:
                found[f"/{prefix}/{path}"] = violations
    assert found == {}


def test_keyboard_user_reaches_main_content_through_the_skip_link(demo_server, page):
    page.goto(f"{demo_server}/en/reception/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_work_without_javascript(demo_server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(f"{demo_server}/en/faq/")
        tab.get_by_text("How do I make a complaint?").click()  # <details> opens without scripts
        assert tab.get_by_text("Complaint Registration Form").is_visible()
        tab.get_by_role("link", name="简体中文").click()
        assert tab.url.endswith("/zh-hans/faq/")
    finally:
        context.close()


def test_editor_changes_reception_hours_and_all_languages_show_it(demo_server, page, artifacts_dir):
    reception = ReceptionPage.objects.get(locale__language_code="zh-hant")
    for prefix in ("zh-hant", "zh-hans", "en"):
        page.goto(f"{demo_server}/{prefix}/reception/")  # the public pages are now cached
        assert "09:00–12:15" not in page.content()

    page.goto(f"{demo_server}/admin/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo_server}/admin/")

    page.goto(f"{demo_server}/admin/pages/{reception.pk}/edit/")
    monday_morning = page.locator("input[name='hours-0-closes']")
    assert monday_morning.input_value() in {"12:00", "12:00:00"}
    monday_morning.fill("12:15")
    save_screenshot(page, str(artifacts_dir / "admin-reception-hours.png"), full_page=True)
    # "Publish" sits in the save button's drop-down menu.
    page.locator("footer [aria-label], .footer [aria-label]").first.wait_for()
    page.evaluate("document.querySelector('button[name=action-publish]').click()")
    page.wait_for_url(lambda url: "/edit/" not in url)
    # The editor is offered the sync of the translations at once, in their language.
    source = TranslationSource.objects.get(object_id=reception.translation_key)
    sync = page.locator(".messages a", has_text="同步翻譯的頁面")
    assert sync.count() == 1
    sync_url = sync.get_attribute("href")
    assert sync_url.startswith(reverse("wagtail_localize:update_translations", args=[source.pk]))
    page.goto(f"{demo_server}/zh-hant/reception/")
    assert "09:00–12:15" in page.content()

    page.goto(demo_server + sync_url)
    screen = page.locator("main").inner_text()
    assert "同步" in screen and "Sync" not in screen and "translat" not in screen
    save_screenshot(page, str(artifacts_dir / "admin-sync-translations.png"), full_page=True)
    page.check("input[name=publish_translations]")
    page.locator("main form[method=POST] [type=submit]").last.click()
    page.wait_for_url(lambda url: "/localize/update/" not in url)

    for prefix in ("zh-hant", "zh-hans", "en"):
        page.goto(f"{demo_server}/{prefix}/reception/")
        assert "09:00–12:15" in page.content(), prefix
        save_screenshot(page, str(artifacts_dir / f"reception-after-edit-{prefix}.png"), full_page=True)
