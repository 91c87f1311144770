"""Supervision-group inspections: recorded by supervisors and managers with their findings, read by
auditors; overdue findings listed and reminded once; third-party evaluations; and the published
rectification summary, which carries no personal data."""

from datetime import date, timedelta

import pytest

from casework.models import OutboxMessage
from reception import inspections
from reception.models import Inspection, InspectionFinding, ThirdPartyEvaluation
from tests.factories import CaseFactory
from tests.helpers import denied

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture
def inspection(office):
    inspection = Inspection.objects.create(
        date=date(2026, 2, 1),
        title="第一季接待工作檢查",
        outside_inspectors="陳志明",
        scope="來訪登記表的填寫",
        public_summary="抽查三十宗來訪登記，發現兩項問題。",
    )
    inspection.inspectors.add(office.supervisor)
    InspectionFinding.objects.create(
        inspection=inspection,
        description="部分登記表缺少來訪人確認。",
        rectification_required="補全登記表。",
        department=office.dept,
        deadline=date(2026, 2, 20),
        action_taken="已補全並加入確認欄。",
        rectified_on=date(2026, 2, 15),
        verified_on=date(2026, 2, 18),
    )
    InspectionFinding.objects.create(
        inspection=inspection,
        description="網上訴求分流超時。",
        rectification_required="檢討分流排班。",
        department=office.dept,
        deadline=date(2026, 3, 1),
    )
    return inspection


def test_overdue_findings_are_those_neither_rectified_nor_verified_after_their_deadline(inspection):
    assert [f.description for f in inspections.overdue_findings(TODAY)] == ["網上訴求分流超時。"]
    assert list(inspections.overdue_findings(date(2026, 3, 1))) == []


def test_the_owner_departments_reviewers_are_reminded_once(inspection, office):
    assert inspections.remind_overdue_findings(TODAY) == 1
    assert inspections.remind_overdue_findings(TODAY + timedelta(days=1)) == 0
    message = OutboxMessage.objects.get(template="inspection_finding_overdue")
    assert message.user == office.reviewer
    from notifications.outbox import render

    subject, body = render(message)
    assert "2026-03-01" in subject and "檢討分流排班。" in body


# --- The back office ----------------------------------------------------------------------------


def formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        data[f"{prefix}-{index}-DELETE"] = ""
        data[f"{prefix}-{index}-id"] = ""
    return data


def test_a_supervisor_records_an_inspection_with_its_findings(client, office, admin_access):
    client.force_login(office.supervisor)
    assert client.get("/admin/reception/inspections/new/").status_code == 200
    data = {
        "date": "2026-03-02",
        "title": "接待室突擊檢查",
        "inspectors": [str(office.manager.pk)],
        "outside_inspectors": "市民代表",
        "scope": "接待室秩序",
        "public_summary": "",
        **formset(
            "findings",
            [
                {
                    "description": "指引牌不清楚。",
                    "rectification_required": "更換指引牌。",
                    "department": str(office.dept.pk),
                    "deadline": "2026-03-20",
                    "action_taken": "",
                    "rectified_on": "",
                    "verified_on": "",
                }
            ],
        ),
    }
    response = client.post("/admin/reception/inspections/new/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    inspection = Inspection.objects.get(title="接待室突擊檢查")
    assert list(inspection.inspectors.all()) == [office.manager]
    assert inspection.findings.get().deadline == date(2026, 3, 20)
    assert "接待室突擊檢查" in client.get("/admin/reception/inspections/").content.decode()
    edit = client.get(f"/admin/reception/inspections/edit/{inspection.pk}/")
    assert edit.status_code == 200 and "指引牌不清楚。" in edit.content.decode()


def test_a_finding_without_a_department_or_deadline_is_explained(client, office, admin_access):
    client.force_login(office.manager)
    data = {
        "date": "2026-03-02",
        "title": "不完整的檢查",
        "scope": "接待室秩序",
        **formset(
            "findings", [{"description": "問題", "rectification_required": "整改", "deadline": "soon"}]
        ),
    }
    response = client.post("/admin/reception/inspections/new/", data)
    assert response.status_code == 200
    assert not Inspection.objects.filter(title="不完整的檢查").exists()


def test_auditors_read_inspections_and_the_overdue_list_but_change_nothing(
    client, office, inspection, admin_access
):
    client.force_login(office.auditor)
    assert client.get("/admin/reception/inspections/").status_code == 200
    detail = client.get(f"/admin/reception/inspections/inspect/{inspection.pk}/")
    assert detail.status_code == 200 and "網上訴求分流超時。" in detail.content.decode()
    assert denied(client.get("/admin/reception/inspections/new/"))
    assert denied(client.post(f"/admin/reception/inspections/delete/{inspection.pk}/"))
    overdue = client.get("/admin/reception/overdue-findings/")
    assert overdue.status_code == 200
    assert "網上訴求分流超時。" in overdue.content.decode()
    assert "部分登記表缺少來訪人確認。" not in overdue.content.decode()
    assert Inspection.objects.filter(pk=inspection.pk).exists()


@pytest.mark.parametrize("role", ["handler", "reviewer", "intake"])
def test_other_roles_do_not_reach_inspections(client, office, inspection, admin_access, role):
    client.force_login(getattr(office, role))
    assert denied(client.get("/admin/reception/inspections/"))
    assert denied(client.get("/admin/reception/overdue-findings/"))
    assert denied(client.get("/admin/reception/evaluations/"))


def test_a_manager_records_a_third_party_evaluation(client, office, admin_access):
    client.force_login(office.manager)
    response = client.post(
        "/admin/reception/evaluations/new/",
        {
            "evaluator": "社會調查中心",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "summary": "整體滿意。",
            "score": "86.5",
            "max_score": "100",
        },
    )
    assert response.status_code == 302
    assert ThirdPartyEvaluation.objects.get().score == pytest.approx(86.5)
    client.force_login(office.auditor)
    assert "社會調查中心" in client.get("/admin/reception/evaluations/").content.decode()


# --- The published summary ----------------------------------------------------------------------


def test_the_published_page_shows_the_rectification_without_personal_data(client, portal, office, inspection):
    CaseFactory(citizen_name="王小明")
    inspection.public_summary = "抽查發現兩項問題，聯絡 someone@example.org 或 0912 345 678。"
    inspection.save()
    hidden = Inspection.objects.create(date=date(2026, 1, 5), title="未公開的檢查", scope="內部")

    url = portal.reports.url
    assert "第一季接待工作檢查" not in client.get(url).content.decode()  # not published yet

    inspection.published = True
    inspection.save()
    html = client.get(url).content.decode()
    assert "第一季接待工作檢查" in html
    assert "部分登記表缺少來訪人確認。" in html and "已補全並加入確認欄。" in html
    assert "2026-02-18" in html and "2026-03-01" in html
    assert hidden.title not in html
    for personal in (
        "王小明",
        "someone@example.org",
        "0912 345 678",
        office.supervisor.last_name,
        office.supervisor.username,
        "陳志明",
    ):
        assert personal not in html

    inspection.inspectors_public = True
    inspection.save()
    html = client.get(url).content.decode()
    assert office.supervisor.last_name in html and "陳志明" in html
