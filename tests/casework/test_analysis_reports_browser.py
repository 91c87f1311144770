"""An analysis report in the browser: the supervisor creates this quarter's office report, writes it
and submits it; the manager freezes it and downloads it as PDF and XLSX. Every screen passes axe."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from casework.models import AnalysisReport
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_analysis_report_written_frozen_and_exported(
    live_server, demo_site_transactional, page, artifacts_dir
):
    server = live_server.url
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    log_in_to_admin(page, server, "supervisor")

    page.goto(f"{server}/admin/analysis-reports/")
    assert page.locator("#analysis-reports tbody tr").count() == 2  # the demo's two
    assert_accessible(page)
    page.get_by_role("link", name="新增分析報告").click()
    assert_accessible(page)
    page.get_by_label("報告類型").select_option("quarterly")
    page.get_by_label("年度").fill(str(today.year))
    page.get_by_label("季度（季度報告）").select_option(str(quarter))
    page.get_by_label("範圍").select_option(label="全機構")
    with page.expect_navigation():
        page.get_by_role("button", name="建立報告").click()
    assert page.locator("#analysis-table-summary").count() == 1
    page.reload()  # axe reads Wagtail's fading-in message half drawn
    assert_accessible(page)

    page.get_by_label("原因分析").fill("噪音投訴集中於夜間施工路段。")
    page.get_by_label("改進建議").fill("公告施工時段並加強巡查。")
    page.get_by_label("決策參考").fill("局務會議參考。")
    with page.expect_navigation():
        page.get_by_role("button", name="儲存內容").click()
    with page.expect_navigation():
        page.get_by_role("button", name="送審").click()
    assert page.get_by_role("button", name="審核定稿").count() == 0
    log_in_to_admin(page, server, "manager")
    page.goto(f"{server}/admin/analysis-reports/")
    page.get_by_role("link", name=f"{today.year}年第{quarter}季").click()
    with page.expect_navigation():
        page.get_by_role("button", name="審核定稿").click()
    assert page.locator("#analysis-state").inner_text() == "已審核定稿"
    assert "管理" in page.locator("#analysis-reviewed").inner_text()
    page.reload()
    assert_accessible(page)
    save_screenshot(page, str(artifacts_dir / "analysis-report-frozen.png"), full_page=True)
    page.locator("#analysis-category").scroll_into_view_if_needed()
    save_screenshot(page, str(artifacts_dir / "analysis-report-figures.png"))
    report = AnalysisReport.objects.get(kind="quarterly", department__isnull=True)
    assert report.state == AnalysisReport.State.FROZEN

    with page.expect_download() as pdf:
        page.get_by_role("link", name="下載 PDF").click()
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="下載 XLSX").click()
    sheet = load_workbook(io.BytesIO(open(xlsx.value.path(), "rb").read())).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["收件數", report.figures["total"]] in rows
    assert ["原因分析", "噪音投訴集中於夜間施工路段。"] in rows
