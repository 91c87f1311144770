"""The post room in the browser: intake prints the demo's letter and marks it posted; the case page
then shows the reply went out by letter and when it was posted."""

import pytest

from notifications.models import Letter
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_intake_prints_a_queued_letter_and_marks_it_posted(
    live_server, demo_site_transactional, page, artifacts_dir
):
    server = live_server.url
    letter = Letter.objects.filter(state=Letter.State.QUEUED).select_related("message__case").first()
    reference = letter.message.case.reference

    log_in_to_admin(page, server, "intake")
    page.goto(f"{server}/admin/post-room/")
    row = page.locator(f"tr[data-letter='{letter.pk}']")
    assert reference in row.inner_text() and "張*英" in row.inner_text()
    assert "西園路" not in page.content()
    assert_accessible(page)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        save_screenshot(page, artifacts_dir / f"post-room-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        row.get_by_role("button", name="列印").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    letter.refresh_from_db()
    assert letter.state == Letter.State.PRINTED

    page.goto(f"{server}/admin/post-room/")
    with page.expect_navigation():
        page.locator(f"tr[data-letter='{letter.pk}']").get_by_role("button", name="標示已寄出").click()
    assert reference in page.locator("#recently-posted").inner_text()
    letter.refresh_from_db()
    assert letter.state == Letter.State.POSTED and letter.posted_by.username == "intake"

    page.goto(f"{server}/admin/cases/{letter.message.case.pk}/")
    replies = page.locator("#replies").inner_text()
    assert "已寄出" in replies or "posted" in replies
    assert_accessible(page)
    page.locator("#replies").scroll_into_view_if_needed()
    save_screenshot(page, artifacts_dir / "case-replies-1280.png")
