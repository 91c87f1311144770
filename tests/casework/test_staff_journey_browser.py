"""A supervisor's day in the back office, in each of the three languages: the home page's counts,
the overdue inbox on a phone, the ledger, this month's statistics and the published disclosure
report. Every screen passes axe; screenshots are kept under tests/artifacts."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from portal.models import DisclosureReportPage
from tests.casework.test_browser_phone import DESKTOP, PHONE, page_overflow
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOME_PANELS = ["mine", "overdue", "due_soon", "supervised", "unassigned"]


def keep(page, artifacts_dir, name):
    assert_accessible(page)
    save_screenshot(page, str(artifacts_dir / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_supervisors_day(live_server, demo_site_transactional, page, artifacts_dir, language):
    server = live_server.url
    supervisor = get_user_model().objects.get(username="supervisor")
    profile = UserProfile.get_for_user(supervisor)
    profile.preferred_language = language
    profile.save()
    with translation.override(language):
        overdue_title = str(translation.gettext("Overdue"))

    # Home: a count per panel, in the supervisor's language, each opening its inbox.
    page.set_viewport_size(DESKTOP)
    log_in_to_admin(page, server, "supervisor")
    assert page.locator("html").get_attribute("lang").lower() == language
    panels = page.locator(".casework-home__panel")
    assert [panels.nth(i).get_attribute("data-panel") for i in range(panels.count())] == HOME_PANELS
    assert overdue_title in page.locator("[data-panel=overdue]").inner_text()
    keep(page, artifacts_dir, f"staff-home-{language}")
    overdue = int(page.locator("[data-panel=overdue] .casework-home__count").get_attribute("data-count"))
    assert overdue > 0  # the demo keeps cases past their deadline

    # The overdue inbox on a phone: every overdue case listed, nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    with page.expect_navigation():
        page.locator("[data-panel=overdue] .casework-home__count").click()
    assert page.locator("table.listing tbody tr").count() == min(overdue, 50)
    assert page_overflow(page) <= 0
    keep(page, artifacts_dir, f"staff-inbox-phone-{language}")

    # The ledger: one title per column.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{server}/admin/ledger/")
    titles = [t.strip() for t in page.locator("table.listing thead th").all_inner_texts() if t.strip()]
    assert titles and len(titles) == len(set(titles)), titles
    keep(page, artifacts_dir, f"staff-ledger-{language}")

    # Statistics open on this month, say so, and give each chart's figures as a table.
    page.goto(f"{server}/admin/statistics/")
    period = page.locator("#statistics-period")
    today = timezone.localdate()
    assert period.get_attribute("data-start") == today.replace(day=1).isoformat()
    assert period.inner_text().strip()
    assert page.locator("svg").count() >= 1 and page.locator("table caption").count() >= 1
    keep(page, artifacts_dir, f"staff-statistics-{language}")

    # The published disclosure report, as the public reads it.
    report = DisclosureReportPage.objects.live().filter(locale__language_code=language).first()
    assert report is not None
    page.goto(server + report.url)
    assert page.locator("h1").inner_text() == report.title
    assert page.locator("table.figures").count() >= 1
    keep(page, artifacts_dir, f"staff-disclosure-report-{language}")
