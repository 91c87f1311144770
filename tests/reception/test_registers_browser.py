"""Browser: an officer registers a walk-in complaint with every field of the printed register, hands
the visitor a slip with the access code, and prints the filled register; both pages axe-clean."""

import pytest

from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_officer_registers_a_visit_and_prints_the_register_and_the_slip(
    live_server, demo_site_transactional, page, artifacts_dir
):
    server = live_server.url
    log_in_to_admin(page, server, "intake")
    page.goto(f"{server}/admin/cases/visits/new/")
    page.fill("#id_visitor_count", "2")
    page.fill("#id_visitor_names", "周大明、周小華")
    page.fill("#id_id_numbers", "B123456789")
    page.fill("#id_citizen_phone", "0955-123-456")
    page.fill("#id_citizen_email", "chou@example.org")
    page.fill("#id_address", "臺北市信義區松仁路100號")
    page.fill("#id_reason", "住家旁工地夜間施工噪音")
    page.fill("#id_materials_provided", "噪音錄影光碟1片")
    page.fill("#id_outcome", "已登記並告知處理流程")
    page.check("#id_visitor_confirmed")
    page.check("#id_open_case")
    page.select_option("#id_category", "complaint")
    page.fill("#id_subject", "工地夜間施工噪音")
    page.select_option("#id_language", "en")
    page.click("form[data-registration-form] button[type=submit]")
    page.wait_for_selector("[data-access-code]")
    code = page.inner_text("[data-access-code]")

    page.click("a[data-slip]")
    page.wait_for_selector("[data-slip]")
    assert page.inner_text("[data-access-code]") == code
    assert page.get_attribute("html", "lang") == "en"
    assert_accessible(page)
    save_screenshot(page, artifacts_dir / "visitor-slip.png", full_page=True)

    page.go_back()
    page.click("text=" + page.inner_text("a[href*='/admin/registers/visits/']"))
    page.wait_for_selector("[data-register]")
    register = page.inner_text("[data-register]")
    for value in (
        "周大明、周小華",
        "B123456789",
        "0955-123-456",
        "松仁路100號",
        "噪音錄影光碟1片",
        "已登記並告知處理流程",
    ):
        assert value in register, value
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.is_visible("nav.no-print")
    save_screenshot(page, artifacts_dir / "visit-register.png", full_page=True)
