"""Staff assessment in the browser: the manager finds last month's demo scorecards, scores the
department's indicators given by hand, freezes the card the administrator prepared, records a
reward on it and downloads it; the indicator editor and every screen pass axe."""

import io

import pytest
from openpyxl import load_workbook

from reception.models import Scorecard
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_department_scorecard_scored_frozen_rewarded_and_exported(
    live_server, demo_site_transactional, page, artifacts_dir
):
    server = live_server.url
    log_in_to_admin(page, server, "manager")
    page.goto(f"{server}/admin/reception/assessment/")
    assert page.locator("#scorecards tbody tr").count() == 3  # the demo's officer, handler, department
    assert_accessible(page)

    page.get_by_role("link", name="環境保護局").click()
    assert_accessible(page)
    # Inspection findings and data-analysis use are scored by hand.
    scores = [("85", "監督檢查發現問題已整改。"), ("90", "按月運用統計數據改進工作。")]
    assert page.locator("form.scorecard-score").count() == len(scores)
    for index, (score, basis) in enumerate(scores):
        form = page.locator("form.scorecard-score").nth(index)
        form.get_by_label("分數（0–100）").fill(score)
        form.get_by_label("評分依據").fill(basis)
        with page.expect_navigation():
            form.get_by_role("button", name="儲存分數").click()
    page.get_by_label("審核意見").fill("同意。")
    with page.expect_navigation():
        page.get_by_role("button", name="審核定稿").click()
    assert page.locator("#scorecard-state").inner_text() == "已審核定稿"
    assert page.locator("form.scorecard-score").count() == 0

    page.get_by_label("理由").fill("本月無逾期案件。")
    page.get_by_label("決定機關或人員").fill("主任辦公會議")
    with page.expect_navigation():
        page.get_by_role("button", name="登記獎懲").click()
    assert "本月無逾期案件。" in page.locator("#scorecard-decisions").inner_text()
    page.reload()  # axe reads Wagtail's fading-in message half drawn
    assert_accessible(page)
    save_screenshot(page, str(artifacts_dir / "scorecard-frozen.png"), full_page=True)
    card = Scorecard.objects.get(subject_kind="department")
    assert card.is_frozen and card.decisions.count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="下載 XLSX").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert any(row[0] == "加權總分" for row in sheet.iter_rows(values_only=True))

    page.goto(f"{server}/admin/reception/assessment/indicators/")
    assert_accessible(page)
    save_screenshot(page, str(artifacts_dir / "assessment-indicators.png"), full_page=True)
    page.get_by_role("link", name="數據分析運用").click()
    assert_accessible(page)
    page.goto(f"{server}/admin/reception/assessment/new/")
    assert_accessible(page)
