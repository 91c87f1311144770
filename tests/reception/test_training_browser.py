"""Training and the roster in the browser: the manager records a session's scores, finds the
expired officer refused by the roster with the reason, and reads the week view at 375 px; the
public reception page shows the demo's leadership reception day. Every screen passes axe."""

import pytest

from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_training_and_the_roster_in_the_admin_and_on_the_portal(
    live_server, demo_site_transactional, page, artifacts_dir
):
    server = live_server.url
    log_in_to_admin(page, server, "manager")

    page.goto(f"{server}/admin/reception/training/")
    assert page.locator("#training-plans tbody tr").count() >= 1
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#training-plans tbody a").first.click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#training-sessions tbody a").first.click()
    assert page.locator("#attendance-form").count() == 1
    assert_accessible(page)

    page.goto(f"{server}/admin/reception/training/people/")
    assert "已到期" in page.locator("#training-people").inner_text()
    assert_accessible(page)

    page.goto(f"{server}/admin/reception/roster/")
    page.get_by_label("人員").select_option(label="接待 二組")
    page.get_by_label("班次").select_option("morning")
    with page.expect_navigation():
        page.get_by_role("button", name="加入", exact=True).click()
    assert "培訓已於" in page.locator(".reception-form").inner_text()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{server}/admin/reception/roster/")
    assert page.locator(".roster-day").count() == 7
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    save_screenshot(page, str(artifacts_dir / "duty-roster-375.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/zh-hant/reception/")
    assert "本辦公室領導" in page.locator("#leadership-schedule").inner_text()
    assert_accessible(page)
