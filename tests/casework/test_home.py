"""The admin home: each role's panels count what waits for them in their departments only, and each
count opens a list of as many cases."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import home, roles
from casework.models import Status, SupervisionNotice
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

# A Tuesday in the office's time zone: tomorrow is a working day, so "due soon" (1 working day) holds.
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office():
    today = NOW.date()
    roads, parks = DepartmentFactory(name="工務局", code="pwd"), DepartmentFactory(name="公園處", code="prk")
    people = {
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR),
        "manager": staff(roles.MANAGER),
        "auditor": staff(roles.AUDITOR),
        "handler": staff(roles.HANDLER, roads),
        "reviewer": staff(roles.REVIEWER, roads),
        "parks_handler": staff(roles.HANDLER, parks),
    }

    def case(dept, status, due, handler=None, notice_on=None, stage_started_on=today - timedelta(days=5)):
        made = CaseFactory(
            department=dept, status=status, due_date=due, handler=handler, stage_started_on=stage_started_on
        )
        if notice_on is not None:
            SupervisionNotice.objects.create(
                case=made,
                stage=f"{status}:{stage_started_on}",
                level=1,
                issued_at=datetime.combine(notice_on, datetime.min.time(), tzinfo=NOW.tzinfo),
            )
        return made

    handler = people["handler"]
    # Roads: one overdue and unassigned, one due soon under supervision, one whose notice concerned
    # an earlier stage, one closed past its date (no longer anyone's concern).
    case(roads, Status.ROUTED, today - timedelta(days=2))
    case(roads, Status.IN_PROGRESS, today + timedelta(days=1), handler, notice_on=today)
    case(
        roads,
        Status.IN_PROGRESS,
        today + timedelta(days=30),
        handler,
        notice_on=today - timedelta(days=10),
    )
    case(roads, Status.CLOSED, today - timedelta(days=3), handler)
    # Parks: the same trouble in another department.
    case(parks, Status.ROUTED, today - timedelta(days=4))
    case(parks, Status.IN_PROGRESS, today, people["parks_handler"], notice_on=today - timedelta(days=1))
    case(parks, Status.ROUTED, today + timedelta(days=20))
    return people


def counts(user):
    return {item.panel.key: item.count for item in home.counts_for(user)}


# Worked out by hand from the cases above.
EXPECTED = {
    # Roads only: the routed case nobody has taken waits for the department's handlers (handling
    # plan), and the handler's two cases in progress wait for them.
    "handler": {"mine": 3, "overdue": 1, "due_soon": 1, "supervised": 1},
    # Parks only: two routed cases nobody has taken and one in progress.
    "parks_handler": {"mine": 3, "overdue": 1, "due_soon": 1, "supervised": 1},
    # Roads only; the routed case nobody has taken waits for a reviewer to assign it.
    "reviewer": {"mine": 1, "overdue": 1, "due_soon": 1, "supervised": 1, "unassigned": 1},
    # Nothing received or accepted is waiting to be screened or routed.
    "intake": {"mine": 0, "overdue": 2, "due_soon": 2, "unassigned": 3},
    # A supervisor's tasks include every case past its deadline.
    "supervisor": {"mine": 2, "overdue": 2, "due_soon": 2, "supervised": 2, "unassigned": 3},
    "manager": {"mine": 0, "overdue": 2, "due_soon": 2, "supervised": 2},
    # The auditor reads: no tasks, no assigning.
    "auditor": {"overdue": 2, "due_soon": 2, "supervised": 2},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_sees_its_panels_with_counts_of_its_departments(office, who):
    assert counts(office[who]) == EXPECTED[who]


def test_handlers_count_only_their_department(office):
    assert counts(office["handler"])["overdue"] == 1
    # The parks case overdue by four days is not in the roads handler's count, nor in the list.
    listed = listed_references(office["handler"], "inbox=overdue")
    assert len(listed) == 1


def listed_references(user, query, client=None):
    from django.test import Client

    client = client or Client()
    client.force_login(user)
    response = client.get(f"{reverse('casework:case_index')}?{query}")
    assert response.status_code == 200
    return [case.reference for case in response.context["object_list"]]


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_count_opens_a_list_of_as_many_cases(office, client, who):
    user = office[who]
    client.force_login(user)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    for item in home.counts_for(user):
        # The home page shows the count and links to the list ...
        match = re.search(
            rf'data-panel="{item.panel.key}">\s*<a href="([^"]+)">\s*<span class="casework-home__count" '
            rf'data-count="(\d+)"',
            page,
        )
        assert match, (who, item.panel.key)
        url, shown = match.group(1).replace("&amp;", "&"), int(match.group(2))
        assert shown == item.count
        # ... which shows exactly that many rows.
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["items_count"] == shown, (who, item.panel.key)
        assert len(response.context["object_list"]) == shown


def test_one_count_query_per_panel(office):
    user = office["supervisor"]
    user.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        panels = home.counts_for(user)
    count_queries = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(count_queries) == len(panels) == 5


def test_admin_home_leaves_out_page_search_for_casework_staff(office, client):
    client.force_login(office["handler"])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-panel="mine"' in page
    assert 'data-panel="unassigned"' not in page
    assert 'name="q"' not in page  # Wagtail's "Search all pages"


def test_staff_outside_casework_see_no_case_panels(db, client):
    client.force_login(staff(roles.EDITOR))
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "casework-home" not in page
    assert home.counts_for(staff(roles.EDITOR)) == []


def test_supervised_inbox_is_a_tab_of_the_case_list(office, client):
    client.force_login(office["supervisor"])
    page = client.get(f"{reverse('casework:case_index')}?inbox=supervised").content.decode()
    assert 'href="?inbox=supervised" aria-current="page"' in page
