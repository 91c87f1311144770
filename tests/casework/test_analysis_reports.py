"""Analysis reports (分析報告): figures of the period prefilled, written, reviewed, frozen, exported."""

import io
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from casework import roles
from casework.models import AnalysisReport, Category, FrozenReportError, Satisfaction, Status
from reporting import analysis
from tests.factories import CaseFactory, DepartmentFactory, staff
from tests.helpers import denied

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 10)
NOW = timezone.make_aware(datetime(2026, 4, 10, 9))


def t(text):
    """The text as the admin shows it to a user who chose no language: in the office's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(text)


def at(month, day, hour=10):
    return timezone.make_aware(datetime(2026, month, day, hour))


@pytest.fixture(autouse=True)
def admin_access(db):
    roles.ensure_role_groups()


@pytest.fixture
def world():
    """March 2026: three complaints about 中山東路 noise (two roads, one parks), a suggestion; one
    complaint in April, outside the period."""
    roads = DepartmentFactory(code="roads", name="道路處")
    parks = DepartmentFactory(code="parks", name="公園處")
    cases = [
        CaseFactory(
            department=roads,
            category=Category.COMPLAINT,
            status=Status.CLOSED,
            received_at=at(3, 2),
            replied_at=at(3, 5),
            reply_due=date(2026, 3, 20),
            satisfaction=Satisfaction.SATISFIED,
            subject="中山東路噪音擾民",
        ),
        CaseFactory(
            department=roads,
            category=Category.COMPLAINT,
            status=Status.CLOSED,
            received_at=at(3, 9),
            replied_at=at(3, 25),
            reply_due=date(2026, 3, 20),
            satisfaction=Satisfaction.DISSATISFIED,
            subject="中山東路夜間施工噪音",
        ),
        CaseFactory(
            department=parks,
            category=Category.COMPLAINT,
            status=Status.IN_PROGRESS,
            received_at=at(3, 12),
            subject="光明公園噪音",
        ),
        CaseFactory(
            department=parks,
            category=Category.SUGGESTION,
            status=Status.IN_PROGRESS,
            received_at=at(3, 20),
            subject="公園增設路燈",
        ),
        CaseFactory(
            department=roads,
            category=Category.COMPLAINT,
            status=Status.RECEIVED,
            received_at=at(4, 1),
            subject="中山東路噪音",
        ),
    ]
    return {
        "roads": roads,
        "parks": parks,
        "cases": cases,
        "manager": staff(roles.MANAGER),
        "supervisor": staff(roles.SUPERVISOR),
        "auditor": staff(roles.AUDITOR),
        "roads_reviewer": staff(roles.REVIEWER, roads),
        "roads_handler": staff(roles.HANDLER, roads),
        "parks_reviewer": staff(roles.REVIEWER, parks),
    }


def _create(user, department=None, kind=AnalysisReport.Kind.MONTHLY, number=3):
    return analysis.create_report(user, kind, 2026, number, department, today=TODAY)


def _written(report, user):
    return analysis.update_text(
        user,
        report,
        causes="夜間施工集中於中山東路。",
        proposals="協調施工時段。",
        decisions="市政會議第12次決議參考。",
    )


# --- Figures --------------------------------------------------------------------------------------


def test_periods_are_calendar_months_and_quarters():
    assert analysis.period_bounds("monthly", 2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert analysis.period_bounds("quarterly", 2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(analysis.AnalysisReportError):
        analysis.period_bounds("quarterly", 2026, 5)


def test_office_figures_count_the_period_with_repeats_by_place_and_topic(world):
    figures = analysis.compute_figures(date(2026, 3, 1), date(2026, 3, 31))
    assert figures["total"] == 4  # the April complaint is outside
    assert dict(figures["by_category"])["complaint"] == 3
    assert dict(figures["by_category"])["suggestion"] == 1
    assert dict(figures["by_department"]) == {"道路處": 2, "公園處": 2}
    # One of two replies on time; one satisfied of two rated.
    assert figures["reply_on_time_rate"] == 0.5
    assert figures["satisfaction"]["rate"] == 0.5
    repeats = {(item["kind"], item["term"]): item["cases"] for item in figures["repeats"]}
    # 中山東路 named by two complaints (a place), 噪音 by three (a topic); the suggestion counts for neither.
    assert repeats[("place", "中山东路")] == 2
    assert repeats[("topic", "噪音")] == 3
    assert all(n >= 2 for n in repeats.values())
    assert ["噪音", 3] in figures["hot_topics"]


def test_figures_hold_no_personal_data(world):
    figures = analysis.compute_figures(date(2026, 3, 1), date(2026, 3, 31))
    text = str(figures)
    for secret in ("王小明", "13812345678", "citizen@example.org", "重慶南路", world["cases"][0].reference):
        assert secret not in text


def test_department_figures_count_only_its_cases(world):
    figures = analysis.compute_figures(date(2026, 3, 1), date(2026, 3, 31), world["roads"])
    assert figures["total"] == 2
    assert "by_department" not in figures


# --- Permissions ----------------------------------------------------------------------------------


def test_office_reports_are_written_by_managers_and_supervisors_only(world):
    assert _create(world["supervisor"]).department is None
    with pytest.raises(analysis.AnalysisReportError):
        _create(world["roads_reviewer"], kind=AnalysisReport.Kind.QUARTERLY, number=1)


def test_a_department_reviewer_writes_their_department_only(world):
    report = _create(world["roads_reviewer"], world["roads"])
    assert report.figures["total"] == 2
    with pytest.raises(analysis.AnalysisReportError):
        _create(world["roads_reviewer"], world["parks"])
    with pytest.raises(analysis.AnalysisReportError):
        _create(world["roads_handler"], world["roads"], number=2)


def test_reading_is_scoped_by_department(world):
    office = _create(world["manager"])
    roads = _create(world["roads_reviewer"], world["roads"])
    parks = _create(world["parks_reviewer"], world["parks"])
    assert set(analysis.reports_visible_to(world["auditor"])) == {office, roads, parks}
    assert set(analysis.reports_visible_to(world["roads_handler"])) == {roads}
    assert not analysis.can_review(world["parks_reviewer"], roads)
    assert analysis.can_review(world["roads_reviewer"], roads)
    assert not analysis.can_review(world["supervisor"], office)


def test_one_report_per_kind_period_and_scope(world):
    _create(world["manager"])
    with pytest.raises(analysis.AnalysisReportError):
        _create(world["supervisor"])


def test_a_period_not_started_cannot_be_reported(world):
    with pytest.raises(analysis.AnalysisReportError):
        _create(world["manager"], number=5)


# --- The state machine ----------------------------------------------------------------------------


def test_submitting_needs_the_causes_and_proposals(world):
    report = _create(world["manager"])
    with pytest.raises(analysis.AnalysisReportError):
        analysis.submit_for_review(world["manager"], report)


def test_returned_report_goes_back_to_draft_with_the_comment(world):
    report = _written(_create(world["roads_reviewer"], world["roads"]), world["roads_reviewer"])
    analysis.submit_for_review(world["roads_reviewer"], report)
    report = analysis.return_for_changes(world["manager"], report, "請補充原因")
    assert report.state == AnalysisReport.State.DRAFT
    assert report.return_comment == "請補充原因"


def test_the_one_who_submitted_does_not_review(world):
    reviewer = world["roads_reviewer"]
    report = _written(_create(reviewer, world["roads"]), reviewer)
    report = analysis.submit_for_review(reviewer, report)
    assert not analysis.may_review_now(reviewer, report)
    for step in (analysis.freeze, lambda user, report: analysis.return_for_changes(user, report, "改")):
        with pytest.raises(analysis.AnalysisReportError):
            step(reviewer, report)
    assert analysis.may_review_now(world["manager"], report)


def test_frozen_report_is_immutable_and_its_snapshot_stays(world):
    manager, supervisor = world["manager"], world["supervisor"]
    report = _written(_create(supervisor), supervisor)
    analysis.submit_for_review(supervisor, report)
    with time_machine.travel(NOW, tick=False):
        report = analysis.freeze(manager, report)
    report.refresh_from_db()
    assert report.state == AnalysisReport.State.FROZEN
    assert report.reviewed_by == manager and report.frozen_at == NOW
    # The cases move on: another complaint in March, one case routed elsewhere.
    CaseFactory(category=Category.COMPLAINT, received_at=at(3, 30), subject="中山東路噪音")
    world["cases"][2].department = world["roads"]
    world["cases"][2].save()
    report.refresh_from_db()
    assert report.figures["total"] == 4
    for step in (analysis.refresh_figures, analysis.submit_for_review):
        with pytest.raises(analysis.AnalysisReportError):
            step(manager, report)
    with pytest.raises(analysis.AnalysisReportError):
        analysis.update_text(manager, report, causes="x", proposals="y", decisions="z")
    report.causes = "changed behind the service's back"
    with pytest.raises(FrozenReportError):
        report.save()
    with pytest.raises(FrozenReportError):
        report.delete()


def test_a_draft_can_compute_its_figures_again(world):
    report = _create(world["manager"])
    CaseFactory(category=Category.COMPLAINT, received_at=at(3, 30), subject="中山東路噪音")
    report = analysis.refresh_figures(world["manager"], report)
    assert report.figures["total"] == 5


# --- Screens --------------------------------------------------------------------------------------


def test_create_write_submit_and_freeze_through_the_screens(client, world):
    client.force_login(world["roads_reviewer"])
    # March 2026 is over whatever today is (the office's idle-session check forbids travelling back).
    response = client.post(
        "/admin/analysis-reports/new/",
        {"kind": "monthly", "year": "2026", "month": "3", "quarter": "", "department": world["roads"].pk},
    )
    assert response.status_code == 302
    report = AnalysisReport.objects.get()
    detail = client.get(response["Location"])
    assert detail.status_code == 200, (detail.status_code, detail.get("Location"))
    page = detail.content.decode()
    assert t("Submit for review") in page and "中山東路" in page and "analysis-table-repeats" in page
    base = f"/admin/analysis-reports/{report.pk}/do/"
    client.post(base + "text/", {"causes": "施工噪音", "proposals": "調整時段", "decisions": "局務會議"})
    client.post(base + "submit/")
    report.refresh_from_db()
    assert report.state == AnalysisReport.State.IN_REVIEW
    page = client.get(f"/admin/analysis-reports/{report.pk}/").content.decode()
    # The one who submitted waits for another reviewer; a manager freezes it.
    assert t("Freeze report") not in page and t("Save text") not in page
    client.post(base + "freeze/")
    report.refresh_from_db()
    assert report.state == AnalysisReport.State.IN_REVIEW
    client.force_login(world["manager"])
    assert t("Freeze report") in client.get(f"/admin/analysis-reports/{report.pk}/").content.decode()
    client.post(base + "freeze/")
    report.refresh_from_db()
    assert report.state == AnalysisReport.State.FROZEN and report.reviewed_by == world["manager"]
    # Frozen: a late edit is refused with a message and changes nothing.
    response = client.post(
        base + "text/", {"causes": "改", "proposals": "改", "decisions": "改"}, follow=True
    )
    assert t("This report is frozen: it can no longer be changed.") in response.content.decode()
    report.refresh_from_db()
    assert report.causes == "施工噪音"


def test_create_form_explains_a_missing_month(client, world):
    client.force_login(world["manager"])
    response = client.post("/admin/analysis-reports/new/", {"kind": "monthly", "year": "2026", "month": ""})
    assert response.status_code == 200
    assert t("Choose the month of a monthly report.") in response.content.decode()
    assert not AnalysisReport.objects.exists()


def test_list_filters_and_department_scope(client, world):
    office = _create(world["manager"])
    roads = _create(world["roads_reviewer"], world["roads"])
    _create(world["parks_reviewer"], world["parks"])
    client.force_login(world["roads_handler"])
    page = client.get("/admin/analysis-reports/").content.decode()
    assert f"/admin/analysis-reports/{roads.pk}/" in page
    assert f"/admin/analysis-reports/{office.pk}/" not in page
    assert client.get(f"/admin/analysis-reports/{office.pk}/").status_code == 404
    client.force_login(world["auditor"])
    page = client.get("/admin/analysis-reports/", {"scope": "office"}).content.decode()
    assert f"/admin/analysis-reports/{office.pk}/" in page
    assert f"/admin/analysis-reports/{roads.pk}/" not in page
    # Auditors read, they do not write.
    assert denied(client.get("/admin/analysis-reports/new/"))


def test_intake_officers_have_no_analysis_reports(client, world):
    client.force_login(staff(roles.INTAKE_OFFICER))
    assert denied(client.get("/admin/analysis-reports/"))


# --- Exports --------------------------------------------------------------------------------------


def test_xlsx_export_holds_the_text_and_figures(client, world):
    report = _written(_create(world["manager"]), world["manager"])
    client.force_login(world["auditor"])
    response = client.get(f"/admin/analysis-reports/{report.pk}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert [t("Cases received"), 4] in rows
    assert [t("On-time replies"), 0.5] in rows
    assert [t("Place"), "中山東路", 2] in rows
    assert [t("Causes (analysis)"), "夜間施工集中於中山東路。"] in rows


def test_pdf_export_is_a_pdf(client, world):
    report = _written(_create(world["manager"]), world["manager"])
    client.force_login(world["manager"])
    response = client.get(f"/admin/analysis-reports/{report.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_pdf_export_sets_the_chinese_in_a_chinese_font(client, world, monkeypatch):
    from reporting import analysis_views

    report = _written(_create(world["manager"]), world["manager"])
    render = analysis_views.render_pdf
    monkeypatch.setattr(analysis_views, "render_pdf", lambda html: render(html, uncompressed_pdf=True))
    client.force_login(world["manager"])
    response = client.get(f"/admin/analysis-reports/{report.pk}/report.pdf")
    assert b"/BaseFont /" in response.content
    assert b"WenQuanYi-Micro-Hei" in response.content


def test_pdf_export_without_weasyprint_explains_instead_of_failing(client, world, monkeypatch):
    from reporting import analysis_views

    report = _create(world["manager"])
    monkeypatch.setattr(analysis_views, "render_pdf", lambda html: None)
    client.force_login(world["manager"])
    response = client.get(f"/admin/analysis-reports/{report.pk}/report.pdf", follow=True)
    assert response.status_code == 200
    assert (
        t("The PDF cannot be made on this server at the moment; download the XLSX instead.")
        in response.content.decode()
    )
