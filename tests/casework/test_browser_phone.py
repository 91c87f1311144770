"""The back office on a phone (375 px) and the ledger on a desktop (1280 px): the case list keeps
reference, subject, status and due date readable, the rest folds away, nothing scrolls sideways;
the ledger's dates stay on one line."""

import pytest

from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def page_overflow(page):
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def table_overflow(page):
    """How far the list's table reaches past the window's right edge."""
    return page.evaluate(
        "document.querySelector('table.listing').getBoundingClientRect().right"
        " - document.documentElement.clientWidth"
    )


def char_width(page, selector):
    """The width of one CJK character in the font of the first element matching selector."""
    return page.evaluate(
        """(selector) => {
            const cell = document.querySelector(selector);
            const probe = document.createElement('span');
            probe.textContent = '案';
            probe.style.whiteSpace = 'nowrap';
            cell.appendChild(probe);
            const width = probe.getBoundingClientRect().width;
            probe.remove();
            return width;
        }""",
        selector,
    )


def lines_of(cell):
    """The number of lines the cell's text takes."""
    return cell.evaluate(
        """(cell) => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top));
            return new Set(tops).size;
        }"""
    )


def test_case_list_on_a_phone(live_server, demo_site_transactional, page, artifacts_dir):
    server = live_server.url
    page.set_viewport_size(PHONE)
    log_in_to_admin(page, server, "supervisor")
    page.goto(f"{server}/admin/cases/?inbox=all")
    save_screenshot(page, str(artifacts_dir / "casework-list-375.png"), full_page=True)

    rows = page.locator("table.listing tbody tr")
    assert rows.count() > 0
    subject = page.locator("table.listing tbody tr td.casework-col--subject").first
    width = subject.bounding_box()["width"]
    assert width > 6 * char_width(page, "table.listing tbody tr td.casework-col--subject"), width
    # The priority columns are on screen; the others are folded into the row's details.
    for name in ("reference", "subject", "status", "due"):
        assert page.locator(f"table.listing thead th.casework-col--{name}").first.is_visible(), name
    for name in ("category", "channel", "department", "handler", "citizen"):
        assert not page.locator(f"table.listing thead th.casework-col--{name}").first.is_visible(), name
    details = page.locator("table.listing tbody tr details.casework-more").first
    assert details.is_visible()
    details.locator("summary").click()
    assert details.locator("dd").first.is_visible()
    assert page_overflow(page) <= 0
    assert table_overflow(page) <= 0
    details.scroll_into_view_if_needed()
    save_screenshot(page, str(artifacts_dir / "casework-list-375-rows.png"))

    # On a desktop every column is there, and the folded details are not repeated.
    page.set_viewport_size(DESKTOP)
    assert page.locator("table.listing thead th.casework-col--department").first.is_visible()
    assert not page.locator("table.listing tbody tr details.casework-more").first.is_visible()


def test_admin_home_on_a_phone_counts_what_waits_and_opens_the_list(
    live_server, demo_site_transactional, page, artifacts_dir
):
    server = live_server.url
    page.set_viewport_size(PHONE)
    log_in_to_admin(page, server, "supervisor")
    panels = page.locator(".casework-home__panel")
    assert [panels.nth(i).get_attribute("data-panel") for i in range(panels.count())] == [
        "mine",
        "overdue",
        "due_soon",
        "supervised",
        "unassigned",
    ]
    assert page.get_by_placeholder("Search all pages…").count() == 0
    save_screenshot(page, str(artifacts_dir / "admin-home-375.png"), full_page=True)
    assert_accessible(page)
    assert page_overflow(page) <= 0

    overdue = page.locator("[data-panel=overdue] .casework-home__count")
    count = int(overdue.get_attribute("data-count"))
    assert count > 0  # the demo has cases past their deadline
    with page.expect_navigation():
        overdue.click()
    assert page.locator("table.listing tbody tr").count() == min(count, 50)
    assert_accessible(page)


def test_ledger_on_a_desktop_and_a_phone(live_server, demo_site_transactional, page, artifacts_dir):
    server = live_server.url
    page.set_viewport_size(DESKTOP)
    log_in_to_admin(page, server, "supervisor")
    page.goto(f"{server}/admin/ledger/")
    save_screenshot(page, str(artifacts_dir / "ledger-1280.png"), full_page=True)
    dates = page.locator("table.listing tbody td.casework-date")
    assert dates.count() > 0
    references = page.locator("table.listing tbody td.casework-col--reference")
    for cells in (dates, references):
        for index in range(min(cells.count(), 12)):
            cell = cells.nth(index)
            if cell.inner_text().strip():
                assert lines_of(cell) == 1, cell.inner_text()

    page.set_viewport_size(PHONE)
    page.goto(f"{server}/admin/ledger/")
    save_screenshot(page, str(artifacts_dir / "ledger-375.png"), full_page=True)
    subject = page.locator("table.listing tbody tr td.casework-col--subject").first
    assert subject.bounding_box()["width"] > 6 * char_width(
        page, "table.listing tbody tr td.casework-col--subject"
    )
    assert page_overflow(page) <= 0
    assert table_overflow(page) <= 0
