"""The quick-start site in a real browser: the portal in three languages and a staff login."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from demo.cases import DEMO_PASSWORD
from tests.helpers import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo_server(live_server, demo_site_transactional):
    return live_server.url


def test_home_pages_render_in_three_languages_without_serious_axe_violations(
    demo_server, page, artifacts_dir
):
    for prefix, lang, title in (
        ("zh-hant", "zh-Hant", "民意訴求服務中心"),
        ("zh-hans", "zh-Hans", "民意诉求服务中心"),
        ("en", "en", "Public Appeals Office"),
    ):
        page.goto(f"{demo_server}/{prefix}/")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").inner_text() == title
        save_screenshot(page, str(artifacts_dir / f"home-{prefix}.png"), full_page=True)
        results = Axe().run(page)
        serious = [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == [], serious


def test_root_sends_a_chinese_browser_to_traditional_chinese(demo_server, page):
    page.goto(f"{demo_server}/")
    assert page.url == f"{demo_server}/zh-hant/"


def test_staff_log_in_to_the_admin(demo_server, page, artifacts_dir):
    page.goto(f"{demo_server}/admin/login/")
    page.fill("input[name=username]", "intake")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo_server}/admin/")
    save_screenshot(page, str(artifacts_dir / "admin-dashboard.png"))
    assert page.locator("main").count() == 1
