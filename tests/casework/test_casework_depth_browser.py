"""Casework in depth, in the browser: a complaint two departments handle, the lead and a co-handler;
a supervisor's notice the lead answers after its date; the reply waits for the co-handler; the outcome's
rectification measure carried out, verified and shown to the citizen on the tracking page; and the
department's monthly analysis report written, frozen and exported. Every back-office screen passes axe."""

import io
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from openpyxl import load_workbook

from casework import roles, workflow
from casework.models import (
    AnalysisReport,
    Category,
    Channel,
    CoHandling,
    RectificationMeasure,
    Status,
    SupervisionNotice,
)
from tests.helpers import assert_accessible, log_in_to_admin, save_screenshot, workflow_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SUBJECT = "瀏覽器測試：社區排水溝發臭並造成道路積水"
MEASURE = "疏濬排水溝並加設截流格柵"


def office_moment(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_current_timezone())


def test_co_handled_complaint_supervised_rectified_and_analysed(
    live_server, demo_site_transactional, page, artifacts_dir, django_user_model
):
    server = live_server.url
    intake = django_user_model.objects.get(username="intake")
    case, code = workflow.register_case(
        actor=intake,
        channel=Channel.HOTLINE,
        category=Category.COMPLAINT,
        subject=SUBJECT,
        content="住家旁排水溝長期發臭，下雨時道路積水。",
        citizen_name="林志明",
        citizen_email="lin@example.org",
    )
    case = workflow.accept(case, intake)
    case_url = f"{server}/admin/cases/{case.pk}/"

    # Intake routes it to the environment department, with public works co-handling.
    log_in_to_admin(page, server, "intake")
    page.goto(case_url)
    assert_accessible(page)
    workflow_step(
        page,
        "route",
        {
            "department": "環境保護局",
            "co_department_1": "工務局",
            "co_task_1": "查明排水溝堵塞情形並提出疏濬時程",
        },
    )
    co_handling = CoHandling.objects.get(case=case)
    assert co_handling.department.code == "pwd" and co_handling.answered_at is None
    assert "工務局" in page.locator("#co-handling").inner_text()

    # A supervisor issues a notice by hand; the department must answer by its date.
    log_in_to_admin(page, server, "supervisor")
    page.goto(case_url)
    workflow_step(
        page, "issue_supervision_notice", {"reason": "民眾多次來電，請說明辦理進度及預定完成日期。"}
    )
    notice = SupervisionNotice.objects.get(case=case, issued_by__username="supervisor")
    assert notice.respond_by > timezone.localdate()

    # The handler answers the day after that date: the answer is recorded as late.
    with time_machine.travel(office_moment(notice.respond_by + timedelta(days=1)), tick=True):
        today = timezone.localdate()
        log_in_to_admin(page, server, "handler")
        page.goto(case_url)
        workflow_step(page, "handling_plan", {"plan": "會同工務局現場會勘"})
        workflow_step(
            page,
            "respond_to_supervision",
            {
                "progress": "已完成現場會勘，待工務局提供疏濬時程。",
                "expected_completion": str(today + timedelta(days=7)),
            },
        )
        notice.refresh_from_db()
        assert notice.answered_late and notice.answered_by.username == "handler"
        with translation.override("zh-hant"):
            late = str(translation.gettext("Answered late"))
        assert late in page.locator("#supervision-notices").inner_text()
        page.reload()  # axe reads Wagtail's fading-in message half drawn
        assert_accessible(page)

        # The outcome lists a rectification measure; the draft reply waits for the co-handler.
        workflow_step(
            page,
            "record_outcome",
            {
                "characterisation": "屬實",
                "measures": "已通知清潔隊清除淤積",
                "measure_1_description": MEASURE,
                "measure_1_department": "環境保護局",
                "measure_1_deadline": str(today + timedelta(days=14)),
            },
        )
        # No draft is offered while public works has not answered; the page says what it waits for.
        assert page.locator("form[action$='/do/submit_for_review/']").count() == 0
        with translation.override("zh-hant"):
            waiting_states = [
                str(translation.pgettext("co-handling state", s)) for s in ("Pending", "Overdue")
            ]
        waiting = page.locator("#co-handling li", has_text="工務局").inner_text()
        assert any(state in waiting for state in waiting_states), waiting
        assert Case_status(case) == Status.IN_PROGRESS
        save_screenshot(page, str(artifacts_dir / "depth-waiting-for-co-handler.png"), full_page=True)

        # Public works records its contribution (the demo has no public-works staff: the administrator).
        log_in_to_admin(page, server, "admin")
        page.goto(case_url)
        workflow_step(page, "contribute_co_handling", {"contribution": "已排定下週疏濬，並檢視管線坡度。"})
        co_handling.refresh_from_db()
        assert co_handling.answered_at is not None

        log_in_to_admin(page, server, "handler")
        page.goto(case_url)
        workflow_step(page, "submit_for_review", {"draft_reply": "經查屬實，工務局將於下週疏濬排水溝。"})
        log_in_to_admin(page, server, "reviewer")
        page.goto(case_url)
        workflow_step(page, "approve_draft")
        log_in_to_admin(page, server, "handler")
        page.goto(case_url)
        workflow_step(page, "reply")
        assert Case_status(case) == Status.REPLIED

        # The measure is carried out by the department and verified by its reviewer.
        workflow_step(page, "carry_out_measure", {"note": "排水溝已疏濬，格柵已裝設。"})
        log_in_to_admin(page, server, "reviewer")
        page.goto(case_url)
        workflow_step(page, "verify_measure", {"note": "現場複查無積水。"})
        measure = RectificationMeasure.objects.get(case=case)
        assert measure.state == RectificationMeasure.State.VERIFIED
        page.reload()
        assert_accessible(page)
        save_screenshot(page, str(artifacts_dir / "depth-case-after-verification.png"), full_page=True)

        # The citizen sees the measure and that it was checked, with no staff name.
        page.context.clear_cookies()
        page.goto(f"{server}/zh-hant/track/?reference={case.reference}")
        page.fill("#id_access_code", code)
        page.click("main form button.govuk-button[type=submit]:not([name=captcha_refresh])")
        page.wait_for_selector("#case-content")
        measures = page.locator("#rectification-measures").inner_text()
        assert MEASURE in measures and today.isoformat() in measures
        main = page.locator("main").inner_text()
        for user in django_user_model.objects.filter(groups__name__in=[roles.HANDLER, roles.REVIEWER]):
            assert user.get_full_name() not in main
        save_screenshot(page, str(artifacts_dir / "depth-citizen-sees-measures.png"), full_page=True)

        # The department's monthly analysis report: written by its reviewer, frozen by the manager.
        log_in_to_admin(page, server, "reviewer")
        page.goto(f"{server}/admin/analysis-reports/new/")
        page.get_by_label("報告類型").select_option("monthly")
        page.get_by_label("年度").fill(str(today.year))
        page.get_by_label("月份（月度報告）").select_option(str(today.month))
        page.get_by_label("範圍").select_option(label="環境保護局")
        with page.expect_navigation():
            page.get_by_role("button", name="建立報告").click()
        page.get_by_label("原因分析").fill("排水溝淤積造成異味及積水，須跨部門處理。")
        page.get_by_label("改進建議").fill("分流時即指定協辦部門並訂定疏濬週期。")
        page.get_by_label("決策參考").fill("提供局務會議訂定排水溝巡查計畫。")
        with page.expect_navigation():
            page.get_by_role("button", name="儲存內容").click()
        with page.expect_navigation():
            page.get_by_role("button", name="送審").click()
        report = AnalysisReport.objects.get(
            kind="monthly", department__code="epb", year=today.year, number=today.month
        )
        log_in_to_admin(page, server, "manager")
        page.goto(f"{server}/admin/analysis-reports/{report.pk}/")
        with page.expect_navigation():
            page.get_by_role("button", name="審核定稿").click()
        report.refresh_from_db()
        assert report.state == AnalysisReport.State.FROZEN
        page.reload()
        assert_accessible(page)
        with page.expect_download() as pdf:
            page.get_by_role("link", name="下載 PDF").click()
        assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
        with page.expect_download() as xlsx:
            page.get_by_role("link", name="下載 XLSX").click()
        sheet = load_workbook(io.BytesIO(open(xlsx.value.path(), "rb").read())).active
        rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
        assert ["收件數", report.figures["total"]] in rows and report.figures["total"] >= 1


def Case_status(case):
    case.refresh_from_db()
    return case.status


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_the_new_lists_read_in_each_language_on_a_desktop_and_a_phone(
    live_server, demo_site_transactional, page, artifacts_dir, django_user_model, language
):
    """The supervision notices, the rectification ledger and the analysis reports: the demo's rows in
    the supervisor's language, axe-clean, nothing scrolling sideways on a phone."""
    from wagtail.users.models import UserProfile

    from tests.casework.test_browser_phone import DESKTOP, PHONE, page_overflow

    supervisor = django_user_model.objects.get(username="supervisor")
    profile = UserProfile.get_for_user(supervisor)
    profile.preferred_language = language
    profile.save()
    log_in_to_admin(page, live_server.url, "supervisor")
    for name, path in [
        ("supervision", "/admin/cases/supervision/"),
        ("rectification", "/admin/rectification/?state=all"),
        ("analysis", "/admin/analysis-reports/"),
    ]:
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang").lower() == language
            assert page.locator("main table tbody tr").count() >= 1, name
            assert_accessible(page)
            if viewport == PHONE:
                assert page_overflow(page) <= 0, name
            save_screenshot(
                page, str(artifacts_dir / f"depth-{name}-{language}-{viewport['width']}.png"), True
            )
