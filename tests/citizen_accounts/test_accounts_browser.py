"""A citizen in the browser: signs in from the header, finds their cases in My appeals, adds an
earlier case with its reference and access code, and sends the information asked for without
typing the code again. Each page passes axe at desktop and phone widths."""

import pytest
from django.contrib.auth import get_user_model

from casework import workflow
from casework.models import Category, Channel, Event, Status
from demo.cases import DEMO_PASSWORD
from demo.citizen_accounts import CITIZEN_EMAIL
from tests.helpers import assert_accessible, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 375)


def audited(page, artifacts_dir, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        save_screenshot(page, str(artifacts_dir / f"accounts-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_sign_in_my_appeals_add_a_case_and_send_information(
    live_server, demo_site_transactional, page, artifacts_dir
):
    server = live_server.url
    intake = get_user_model().objects.get(username="intake")
    case, code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category=Category.COMPLAINT,
        subject="瀏覽器測試：公車站牌傾斜",
        content="忠孝東路公車站牌傾斜，恐有倒塌危險。",
        citizen_name="陳美玲",
        citizen_email=CITIZEN_EMAIL,
    )
    workflow.request_information(case, intake, "請提供站牌的站名或附近門牌。")

    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(f"{server}/zh-hant/")
    page.click(".account-link a")
    page.wait_for_url("**/zh-hant/accounts/login/")
    audited(page, artifacts_dir, "sign-in")
    page.fill("input[name=login]", CITIZEN_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/zh-hant/accounts/appeals/")

    # The demo's two cases are there; the header now leads to My appeals.
    assert page.locator("#my-appeals tbody tr").count() == 2
    assert page.locator(".account-link a").get_attribute("href") == "/zh-hant/accounts/appeals/"
    audited(page, artifacts_dir, "my-appeals")

    # An earlier case joins with its reference and code.
    page.fill("#id_reference", case.reference)
    page.fill("#id_access_code", code)
    with page.expect_navigation():
        page.click("form[action$='/accounts/appeals/add/'] button[type=submit]")
    assert page.locator("#my-appeals tbody tr").count() == 3
    assert page.locator("[role=status]").first.inner_text().find(case.reference) >= 0

    # Open it and send the information: no code asked.
    with page.expect_navigation():
        page.click(f"#my-appeals a:text('{case.reference}')")
    assert page.locator("input[name=access_code]").count() == 0
    audited(page, artifacts_dir, "case")
    page.fill("textarea[name=text]", "站名：忠孝復興站，靠近忠孝東路四段 1 號。")
    with page.expect_navigation():
        page.click("form:has(input[name=action][value=information]) button[type=submit]")
    assert page.locator(".message").count() == 1
    audited(page, artifacts_dir, "information-sent")

    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.events.filter(kind=Event.Kind.INFORMATION_RECEIVED, text__contains="忠孝復興站").exists()

    # In each language, the list fits a phone's width: no sideways scrolling for the longest status.
    from tests.casework.test_browser_phone import page_overflow

    page.set_viewport_size({"width": 375, "height": 800})
    for language in ("zh-hant", "zh-hans", "en"):
        page.goto(f"{server}/{language}/accounts/appeals/")
        assert page.locator("#my-appeals tbody tr").count() == 3
        assert page_overflow(page) <= 0, language
