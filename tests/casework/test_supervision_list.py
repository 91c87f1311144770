"""The list of supervision notices: its filters, its department scoping and its exports."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from casework import roles, workflow
from casework.models import Status, SupervisionNotice
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))
TODAY = NOW.date()
URL = "casework:supervision_notices"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def notices(office):
    """One notice in each state, in two departments."""
    parks = DepartmentFactory(name="公園處", code="prk")
    parks_handler = staff(roles.HANDLER, parks)

    def case(department, handler, subject):
        return CaseFactory(
            status=Status.IN_PROGRESS,
            department=department,
            handler=handler,
            subject=subject,
            stage_started_on=TODAY - timedelta(days=20),
            due_date=TODAY + timedelta(days=10),
        )

    def notice(case, respond_by, **fields):
        return SupervisionNotice.objects.create(
            case=case,
            stage="in_progress",
            level=1,
            department=case.department,
            text=f"reason {case.subject}",
            issued_by=office["supervisor"],
            issued_at=NOW - timedelta(days=10),
            respond_by=respond_by,
            **fields,
        )

    waiting = case(office["dept"], office["handler"], "waiting")
    notice(waiting, TODAY + timedelta(days=2))
    overdue = case(office["dept"], office["handler"], "overdue")
    notice(overdue, TODAY - timedelta(days=2), escalations=1, escalated_at=NOW)
    on_time = case(parks, parks_handler, "on-time")
    notice(on_time, TODAY - timedelta(days=5), answered_at=NOW - timedelta(days=6), answered_by=parks_handler)
    late = case(parks, parks_handler, "late")
    notice(late, TODAY - timedelta(days=5), answered_at=NOW, answered_by=parks_handler, answered_late=True)
    return {"parks_handler": parks_handler, "cases": (waiting, overdue, on_time, late)}


def listed(client, user, **query):
    client.force_login(user)
    response = client.get(reverse(URL), query)
    assert response.status_code == 200
    page = response.content.decode()
    return {
        notice.case.subject
        for notice in SupervisionNotice.objects.select_related("case")
        if notice.case.reference in page
    }


@pytest.mark.parametrize(
    "state,expected",
    [
        ("", {"waiting", "overdue", "on-time", "late"}),
        ("open", {"waiting", "overdue"}),
        ("answered", {"on-time", "late"}),
        ("answered_late", {"late"}),
        ("overdue", {"overdue"}),
        ("escalated", {"overdue"}),
    ],
)
def test_the_filters(client, office, notices, state, expected):
    assert listed(client, office["supervisor"], state=state) == expected


def test_a_closed_cases_unanswered_notice_is_no_longer_waiting(client, office, notices):
    waiting = notices["cases"][0]
    waiting.status = Status.CLOSED
    waiting.save()
    assert listed(client, office["supervisor"], state="open") == {"overdue"}


def test_department_staff_see_their_departments_notices_only(client, office, notices):
    assert listed(client, office["handler"]) == {"waiting", "overdue"}
    assert listed(client, notices["parks_handler"]) == {"on-time", "late"}
    for role in ("manager", "intake"):
        assert listed(client, office[role]) == {"waiting", "overdue", "on-time", "late"}
    auditor = staff(roles.AUDITOR)
    assert listed(client, auditor) == {"waiting", "overdue", "on-time", "late"}


def test_bad_filter_input_lists_nothing(client, office, notices):
    assert listed(client, office["supervisor"], state="everything") == set()


def test_people_outside_casework_are_turned_away(client, office, notices):
    client.force_login(staff(roles.EDITOR))
    assert client.get(reverse(URL)).status_code in (302, 403)


def test_exports_follow_the_filters_and_scoping(client, office, notices):
    client.force_login(office["supervisor"])
    response = client.get(reverse(URL), {"state": "answered_late", "export": "csv"})
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    late = notices["cases"][3]
    assert rows[1][0] == late.reference and "reason late" in rows[1]
    assert late.citizen_name not in response.content.decode("utf-8-sig")

    client.force_login(office["handler"])
    response = client.get(reverse(URL), {"export": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    references = {row[0] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert references == {notices["cases"][0].reference, notices["cases"][1].reference}


def test_a_notice_answered_through_the_workflow_shows_as_answered_late(client, office):
    case = CaseFactory(
        status=Status.IN_PROGRESS,
        department=office["dept"],
        handler=office["handler"],
        stage_started_on=TODAY,
    )
    workflow.issue_supervision_notice(
        case, office["supervisor"], reason="Report", respond_by=date(2026, 3, 11)
    )
    notice = SupervisionNotice.objects.get()
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        workflow.respond_to_supervision(
            case, office["handler"], notice=notice, progress="ok", expected_completion=date(2026, 3, 30)
        )
        assert listed(client, office["supervisor"], state="answered_late") == {case.subject}
