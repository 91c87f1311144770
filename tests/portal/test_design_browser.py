"""The public site in the design system, as a citizen sees it on a phone (375 px) and a desktop
(1280 px) in each language: every page passes axe with no violation at all, forms show their error
summary, and a screenshot of each page is kept for people to look at (tests/artifacts/screenshots)."""

import pytest
from playwright.sync_api import expect

from tests.helpers import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ("zh-hant", "zh-hans", "en")
WIDTHS = (375, 1280)
PAGES = {
    "home": "",
    "reception": "reception/",
    "procedure": "procedure/",
    "faq": "faq/",
    "notices": "notices/",
    "policy": "rules/public-appeals-measures/",
    "disclosure-index": "disclosure/",
    "appeal-form": "appeal/",
    "tracking": "track/",
    "search": "search/?q=%E6%8A%95%E8%A8%B4",
}


@pytest.fixture
def demo_server(live_server, demo_site_transactional):
    return live_server.url


def violations(page):
    """Every axe-core violation, whatever its impact, with a few offending nodes."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
    ]


def check(tab, name, language, width, shots, found):
    save_screenshot(tab, str(shots / f"{name}-{language}-{width}.png"), full_page=True)
    problems = violations(tab)
    if problems:
        found[f"{name} {language} {width}px"] = problems
    # Nothing is wider than the screen: a phone never scrolls sideways.
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        found[f"{name} {language} {width}px"] = [("horizontal-scroll", f"{overflow}px")]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_passes_axe_in_three_languages(demo_server, browser, artifacts_dir, width):
    shots = artifacts_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    tab = context.new_page()
    found = {}
    try:
        for language in LANGUAGES:
            for name, path in PAGES.items():
                response = tab.goto(f"{demo_server}/{language}/{path}")
                assert response.status == 200, f"/{language}/{path}"
                check(tab, name, language, width, shots, found)

            tab.goto(f"{demo_server}/{language}/disclosure/")
            tab.locator(".report-list a").first.click()
            tab.wait_for_load_state()
            check(tab, "disclosure-report", language, width, shots, found)

            # The appeal form sent empty: the error summary has the focus and links to each field.
            tab.goto(f"{demo_server}/{language}/appeal/")
            tab.locator("main form button.govuk-button:not(.captcha-refresh)").click()
            tab.wait_for_load_state()
            summary = tab.locator(".govuk-error-summary")
            assert summary.is_visible()
            assert tab.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
            first_link = summary.locator("a").first.get_attribute("href")
            assert tab.locator(first_link).count() == 1
            check(tab, "appeal-form-errors", language, width, shots, found)

            tab.goto(f"{demo_server}/{language}/track/")
            tab.locator("main form button.govuk-button").click()
            tab.wait_for_load_state()
            assert tab.locator(".govuk-error-summary").is_visible()
            check(tab, "tracking-errors", language, width, shots, found)
    finally:
        context.close()
    assert found == {}


def test_another_captcha_picture_with_and_without_javascript(demo_server, browser):
    for scripts in (False, True):
        context = browser.new_context(java_script_enabled=scripts, viewport={"width": 375, "height": 900})
        tab = context.new_page()
        try:
            tab.goto(f"{demo_server}/en/appeal/")
            tab.fill("#id_subject", "Broken street light")
            picture = tab.locator("img.captcha").get_attribute("src")
            tab.get_by_role("button", name="Show another picture").click()
            # A locator assertion, not wait_for_function: the page's CSP forbids evaluating strings.
            expect(tab.locator("img.captcha")).not_to_have_attribute("src", picture)
            assert tab.input_value("#id_subject") == "Broken street light"
            assert tab.locator(".govuk-error-summary").count() == 0
            # Enter in the answer box sends the form; it does not ask for yet another picture.
            tab.fill("#id_captcha_1", "wrong")
            with tab.expect_navigation():
                tab.press("#id_captcha_1", "Enter")
            assert tab.locator(".govuk-error-summary").is_visible()
        finally:
            context.close()


def test_printable_forms_print_without_the_sites_navigation(demo_server, page, artifacts_dir):
    page.goto(f"{demo_server}/zh-hant/procedure/forms/visit/")
    page.emulate_media(media="print")
    for chrome in (
        ".govuk-service-navigation",
        ".language-switcher",
        ".site-search",
        ".govuk-footer",
        ".no-print",
    ):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator("table.form-grid").is_visible() and page.locator("h1").is_visible()
    border = page.evaluate("getComputedStyle(document.querySelector('.form-grid td')).borderTopColor")
    assert border == "rgb(0, 0, 0)"
    # The site's name is printed as a name, not followed by its address.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-header__homepage-link'), '::after').content"
    ) in ("none", "normal")
    save_screenshot(page, str(artifacts_dir / "screenshots" / "visit-form-print.png"), full_page=True)
