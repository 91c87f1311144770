"""Assessment of departments and handlers: indicators worked out by hand, exports, scoping."""

import csv
import io

import pytest
from openpyxl import load_workbook

from casework import roles
from casework.models import Case
from tests.casework.statistics_cases import build_fixture_cases
from tests.factories import staff
from tests.helpers import denied

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture(autouse=True)
def admin_access(db):
    """Role groups can sign in to the Wagtail admin, as casework.roles sets up."""
    roles.ensure_role_groups()


@pytest.fixture
def fixture_cases():
    cases = build_fixture_cases()
    cases["handler"] = staff(roles.HANDLER, department=cases["roads"], first_name="路", last_name="甲")
    Case.objects.filter(department=cases["roads"]).update(handler=cases["handler"])
    return cases


def exported(client, fmt="csv", **query):
    response = client.get(f"/admin/statistics/assessment/export.{fmt}", {**MARCH, **query})
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_assessment_indicators_per_department_and_handler(client, fixture_cases):
    client.force_login(staff(roles.MANAGER))
    rows = {row[1]: row[2:] for row in exported(client)[1:]}
    # Roads: 2 cases; screening on time 1 of 2; one of 2 re-routed; handling (3+10)/2 days;
    # replies on time 1 of 2; satisfied 1 of 2 rated; no supervision notices.
    # Co-handling: none, so no rate of contributions on time either.
    assert rows["道路處"] == ["2", "0.5", "0.5", "6.5", "0.5", "0.5", "0", "", "0"]
    # Parks: 1 case, not screened, not re-routed, 4 days, on time, basically satisfied.
    assert rows["公園處"] == ["1", "", "1.0", "4.0", "1.0", "1.0", "0", "", "0"]
    # Co-handling is counted by department, not by handler.
    assert rows["路 甲"] == ["2", "0.5", "0.5", "6.5", "0.5", "0.5", "", "", "0"]


def test_assessment_xlsx_export(client, fixture_cases):
    client.force_login(staff(roles.SUPERVISOR))
    rows = exported(client, "xlsx")
    assert len(rows[0]) == 11
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["道路處"][2] == 2
    assert by_name["道路處"][5] == 6.5


def test_assessment_page_shows_tables(client, fixture_cases):
    client.force_login(staff(roles.MANAGER))
    response = client.get("/admin/statistics/assessment/", MARCH)
    text = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in text and "道路處" in text and "50.0%" in text
    assert "export.xlsx" in text and "export.csv" in text


def test_assessment_reviewer_sees_only_their_department(client, fixture_cases):
    client.force_login(staff(roles.REVIEWER, department=fixture_cases["parks"]))
    names = [row[1] for row in exported(client)[1:]]
    assert names == ["公園處"]
    response = client.get("/admin/statistics/assessment/", {**MARCH, "department": fixture_cases["roads"].pk})
    assert "道路處" not in response.content.decode()


def test_assessment_refused_to_handlers_and_intake(client, fixture_cases):
    for role, department in ((roles.HANDLER, fixture_cases["roads"]), (roles.INTAKE_OFFICER, None)):
        client.force_login(staff(role, department=department))
        response = client.get("/admin/statistics/assessment/export.csv", MARCH)
        assert denied(response), (role, response.status_code, response.get("Location"))
        assert "道路處" not in response.content.decode()


def test_assessment_counts_supervision_notices_against_the_department_notified(client, fixture_cases):
    from casework.models import SupervisionNotice

    roads, parks = fixture_cases["roads"], fixture_cases["parks"]
    first, second, parks_case = fixture_cases["cases"][:3]
    SupervisionNotice.objects.create(case=first, stage="reply", level=1, department=roads)
    SupervisionNotice.objects.create(case=first, stage="reply", level=2, department=roads)
    # Sent to roads before the case was routed on to parks: it still counts for roads.
    SupervisionNotice.objects.create(case=parks_case, stage="routing", level=1, department=roads)
    SupervisionNotice.objects.create(case=second, stage="reply", level=1, department=None)
    client.force_login(staff(roles.MANAGER))
    rows = {row[1]: row[-1] for row in exported(client)[1:]}
    assert rows["道路處"] == "4"
    assert rows["公園處"] == "0"
    assert rows["路 甲"] == "3"  # the notices about the two cases the handler holds
    # Filtered to roads alone, the notice about the case now in parks still counts.
    rows = {row[1]: row[-1] for row in exported(client, department=roads.pk)[1:]}
    assert rows["道路處"] == "4"
    # A reviewer of parks does not see roads' notices.
    client.force_login(staff(roles.REVIEWER, department=parks))
    assert {row[1]: row[-1] for row in exported(client)[1:]} == {"公園處": "0"}
