"""Statistics end to end in a real browser: a manager reads this month's dashboard and a department's
assessment; an editor publishes a quarterly disclosure report in the page editor; citizens read it
and download its figures in three languages, and the figures stay as published."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Locale

from casework.models import Case, Category, Channel, Department
from demo.cases import DEMO_DEPARTMENT, DEMO_PASSWORD
from portal.disclosure import DisclosureIndexPage, DisclosureReportPage
from tests.factories import CaseFactory
from tests.helpers import save_screenshot
from tests.portal.test_disclosure import seed_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "2020年第1季民意訴求統計報告"
# How a hidden count reads in each language.
SUPPRESSED = {"zh-hant": "不公開", "zh-hans": "不公开", "en": "suppressed"}


@pytest.fixture
def demo_server(live_server, demo_site_transactional):
    return live_server.url


def sign_in(page, server, username):
    page.goto(f"{server}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/admin/")


def downloaded(page, link):
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), encoding="utf-8-sig") as file:
        return file.read()


def serious_violations(page):
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def month_start():
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today.replace(day=1), datetime.min.time()))


@pytest.mark.date_sensitive
def test_manager_reads_this_months_dashboard_and_a_departments_assessment(demo_server, page, artifacts_dir):
    this_month = Case.objects.filter(received_at__gte=month_start())
    department = Department.objects.get(code=DEMO_DEPARTMENT)
    assert this_month.exists() and this_month.filter(department=department).exists()

    sign_in(page, demo_server, "manager")
    page.goto(f"{demo_server}/admin/statistics/")
    # This month by default, every department for a manager.
    assert page.locator("#statistics-total").inner_text() == str(this_month.count())
    assert page.locator("svg.chart").count() >= 5
    assert page.locator("table caption").count() >= 8
    save_screenshot(page, str(artifacts_dir / "statistics-dashboard.png"), full_page=True)

    # Filtered to one department.
    page.select_option("select[name=department]", str(department.pk))
    page.locator("form.statistics-filters button[type=submit]").click()
    page.wait_for_url(lambda url: f"department={department.pk}" in url)
    assert page.locator("#statistics-total").inner_text() == str(
        this_month.filter(department=department).count()
    )

    # That department's assessment, on screen and as a download.
    page.goto(f"{demo_server}/admin/statistics/assessment/")
    page.select_option("select[name=department]", str(department.pk))
    page.locator("form.statistics-filters button[type=submit]").click()
    page.wait_for_url(lambda url: f"department={department.pk}" in url)
    department_rows = page.locator("table").first.locator("tbody tr")
    # The URL changes as the response starts: wait for the table, on a loaded machine it comes later.
    expect(department_rows).to_have_count(1)
    assert department_rows.first.locator("th").inner_text() == department.name
    cells = department_rows.first.locator("td")
    assert cells.first.inner_text() == str(this_month.filter(department=department).count())
    save_screenshot(page, str(artifacts_dir / "statistics-assessment.png"), full_page=True)
    rows = list(csv.reader(io.StringIO(downloaded(page, page.locator("a[href*='export.csv']")))))
    assert [row[1] for row in rows[1:] if row[0] == rows[1][0]] == [department.name]
    assert rows[1][2] == str(this_month.filter(department=department).count())


def test_editor_publishes_a_quarterly_disclosure_report_citizens_read_and_download(
    demo_server, page, browser, artifacts_dir
):
    # 2020 Q1: 12 complaints on the web, 3 suggestions by hotline, 6 requests for help by e-mail.
    seed_cases()
    index = DisclosureIndexPage.objects.get(locale__language_code="zh-hant")

    sign_in(page, demo_server, "editor")
    page.goto(f"{demo_server}/admin/pages/{index.pk}/")
    page.locator(f"a[href*='/admin/pages/{index.pk}/add_subpage/']").first.click()
    # The index takes reports and the inspections' rectification page: the editor picks a report.
    page.wait_for_url(lambda url: "/add_subpage/" in url)
    page.locator(f"a[href*='/add/portal/disclosurereportpage/{index.pk}/']").first.click()
    page.wait_for_url(lambda url: "/add/portal/disclosurereportpage/" in url)
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=period_start]", "2020-01-01")
    # Wagtail derives the slug from the title a moment after the title loses focus; the editor's own
    # slug is typed once that has happened, or the derived one would overwrite it.
    expect(page.locator("input[name=slug]")).not_to_have_value("")
    page.fill("input[name=period_end]", "2020-03-31")
    page.fill("textarea[name=summary]", "本季收到的民意訴求統計。")
    # The slug sits on the promote tab (named in the editor's language).
    promote = page.evaluate("document.querySelector('input[name=slug]').closest('[role=tabpanel]').id")
    page.locator(f"a[role=tab][href='#{promote}']").click()
    page.fill("input[name=slug]", "2020-q1")
    save_screenshot(page, str(artifacts_dir / "admin-disclosure-report.png"), full_page=True)
    page.evaluate("document.querySelector('button[name=action-publish]').click()")
    page.wait_for_url(lambda url: "/add/" not in url)

    report = DisclosureReportPage.objects.get(slug="2020-q1", locale__language_code="zh-hant")
    assert report.live
    figures = report.figures
    assert figures["tables"]["category"]["values"]["complaint"] == 12
    # The other language versions: "Translate this page" into both (published with the report's
    # frozen figures at once); then Simplified by OpenCC's machine translation, English by hand.
    page.goto(f"{demo_server}/admin/localize/submit/page/{report.pk}/")
    for box in page.locator("input[name=locales]").all():
        box.check()
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url(lambda url: "/localize/submit/" not in url)
    simplified = DisclosureReportPage.objects.get(slug="2020-q1", locale__language_code="zh-hans")
    page.goto(f"{demo_server}/admin/pages/{simplified.pk}/edit/")
    with page.expect_navigation():
        page.get_by_role("button", name="Translate with OpenCC").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish in 简体中文").click()
    # English: the editor types the title and the summary in the translation editor.
    english = DisclosureReportPage.objects.get(slug="2020-q1", locale__language_code="en")
    page.goto(f"{demo_server}/admin/pages/{english.pk}/edit/")
    for text in ("Appeals statistics, 2020 Q1", "Appeals received this quarter."):
        page.get_by_role("button", name="Translate", exact=True).first.click()
        page.locator("textarea").first.fill(text)
        page.locator("li:has(> div > textarea) button").last.click()  # save (in the admin's language)
        page.get_by_text(text).first.wait_for()
    save_screenshot(page, str(artifacts_dir / "admin-disclosure-translation-en.png"), full_page=True)
    # Each segment is saved in the background: publishing before the last save has landed would
    # publish an incomplete translation (on a loaded machine the click can beat it).
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish in English").click()
    english.refresh_from_db()
    assert english.live and english.title == "Appeals statistics, 2020 Q1"
    simplified = DisclosureReportPage.objects.get(slug="2020-q1", locale__language_code="zh-hans")
    assert simplified.live and simplified.title == "2020年第1季民意诉求统计报告"
    assert DisclosureReportPage.objects.get(slug="2020-q1", locale__language_code="en").live

    citizen_context = browser.new_context()
    citizen = citizen_context.new_page()
    try:
        for language in ("zh-hant", "zh-hans", "en"):
            citizen.goto(f"{demo_server}/{language}/disclosure/")
            translated = report.get_translation(Locale.objects.get(language_code=language))
            citizen.locator(f"a[href$='/{language}/disclosure/2020-q1/']").click()
            citizen.wait_for_url(
                lambda url, language=language: url.endswith(f"/{language}/disclosure/2020-q1/")
            )
            assert citizen.locator("h1").inner_text() == translated.title
            assert (
                citizen.locator("svg.chart").count() == 6
            )  # types, channels, outcomes, timeliness, satisfaction, adoption
            if language == "en":
                assert citizen.get_by_role("heading", name="Appeals by type").is_visible()
            # Hand-computed: 12 complaints shown; 3 suggestions below 5 and, so that the total of 21
            # cannot give them away, the 6 requests for help hidden as well; both read "suppressed".
            types = citizen.locator("#table-category + svg + table")
            hidden = SUPPRESSED[language]
            assert types.locator("tbody td").all_inner_texts() == ["0", "12", hidden, hidden, "0"]
            assert citizen.locator("#suppression-note").inner_text().lower().startswith(hidden)
            assert types.locator("tfoot td").inner_text() == "21"
            save_screenshot(citizen, str(artifacts_dir / f"disclosure-report-{language}.png"), full_page=True)
            assert serious_violations(citizen) == []

            rows = list(csv.reader(io.StringIO(downloaded(citizen, citizen.get_by_role("link", name="CSV")))))
            assert ["category", "complaint"] == rows[2][:2] and rows[2][3] == "12"
            assert ["category", "suggestion"] == rows[3][:2] and rows[3][3] == hidden
            data = json.loads(downloaded(citizen, citizen.get_by_role("link", name="JSON")))
            assert data["title"] == translated.title
            assert data["period"] == ["2020-01-01", "2020-03-31"]
            assert data["tables"]["category"]["values"] == {
                "inquiry": 0,
                "complaint": 12,
                "suggestion": None,
                "help": None,
                "other": 0,
            }
            assert data["tables"]["channel"]["values"]["web"] == 12

        # Cases change after publication; the editor republishes; the report stays as published.
        for day in range(10):
            CaseFactory(
                category=Category.SUGGESTION,
                channel=Channel.HOTLINE,
                received_at=timezone.make_aware(datetime(2020, 2, 1, 10)) + timedelta(days=day),
            )
        page.goto(f"{demo_server}/admin/pages/{report.pk}/edit/")
        page.fill("textarea[name=summary]", "本季收到的民意訴求統計（修訂說明）。")
        page.evaluate("document.querySelector('button[name=action-publish]').click()")
        page.wait_for_url(lambda url: "/edit/" not in url)
        citizen.goto(f"{demo_server}/zh-hant/disclosure/2020-q1/")
        assert "修訂說明" in citizen.content()
        types = citizen.locator("#table-category + svg + table")
        assert types.locator("tbody td").all_inner_texts() == ["0", "12", "不公開", "不公開", "0"]
        assert types.locator("tfoot td").inner_text() == "21"
        report.refresh_from_db()
        assert report.figures == figures
    finally:
        citizen_context.close()
