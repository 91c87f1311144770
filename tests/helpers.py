"""Assertions shared by the back-office tests."""

from django.urls import reverse


def denied(response):
    """Wagtail turns PermissionDenied into a redirect to the dashboard with an error message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


# --- Browser helpers -----------------------------------------------------------------------------


def serious_violations(page):
    """The axe-core violations of impact serious or critical on the page, with a few offending nodes."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def assert_accessible(page):
    serious = serious_violations(page)
    assert serious == [], (page.url, serious)


def log_in_to_admin(page, server, username):
    from demo.cases import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto(f"{server}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/admin/")


def workflow_step(page, action, fields=None):
    """Fill in and submit the form of one workflow step on the case page in the back office."""
    form = page.locator(f"form[action$='/do/{action}/']")
    assert form.count() == 1, f"no form for {action}"
    if form.locator("xpath=ancestor::details").count():
        form.locator("xpath=ancestor::details/summary").click()
    for name, value in (fields or {}).items():
        field = form.locator(f"[name='{action}-{name}']")
        if field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        elif field.first.get_attribute("type") == "radio":
            form.locator(f"[name='{action}-{name}'][value='{value}']").check()
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".messages .error").count() == 0, (
        page.locator(".messages").inner_text() + page.locator(".error-message").all_inner_texts().__str__()
    )


def save_screenshot(page, path, full_page=False):
    """Keep a picture of the page for people to look at; never the reason a test fails.

    Chromium sometimes cannot capture a frame on a loaded machine ("Unable to capture screenshot");
    the screenshot is tried again, and given up with a warning, since what the test asserts is
    checked elsewhere.
    """
    import time
    import warnings

    for attempt in range(3):
        try:
            page.screenshot(path=path, full_page=full_page)
            return True
        except Exception as error:  # noqa: BLE001 - any capture failure: retry, then warn
            last = error
            time.sleep(0.5 * (attempt + 1))
    warnings.warn(f"screenshot {path} not saved: {last}", stacklevel=2)
    return False
