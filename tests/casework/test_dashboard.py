"""The statistics dashboard in the admin: figures, charts with tables, filters, scoping by role."""

import re

import pytest

from casework import roles
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
    return build_fixture_cases()


def total(response):
    return int(re.search(r'id="statistics-total">(\d+)<', response.content.decode()).group(1))


def test_dashboard_manager_sees_every_case_with_charts_and_tables(client, fixture_cases):
    client.force_login(staff(roles.MANAGER))
    response = client.get("/admin/statistics/", MARCH)
    assert response.status_code == 200
    text = response.content.decode()
    assert total(response) == 4
    assert text.count("<svg") >= 5
    assert "<caption>" in text
    # Handling time: average 17/3 = 5.7 days, median 4.
    assert "<td>5.7</td>" in text and "<td>4.0</td>" in text
    assert "道路處" in text and "公園處" in text


def test_dashboard_department_filter(client, fixture_cases):
    client.force_login(staff(roles.SUPERVISOR))
    response = client.get("/admin/statistics/", {**MARCH, "department": fixture_cases["parks"].pk})
    assert total(response) == 1


def test_dashboard_handler_sees_only_their_department(client, fixture_cases):
    roads = fixture_cases["roads"]
    client.force_login(staff(roles.HANDLER, department=roads))
    response = client.get("/admin/statistics/", MARCH)
    assert response.status_code == 200
    assert total(response) == 2
    assert "公園處" not in response.content.decode()
    # Asking for another department's figures shows the user's own instead.
    response = client.get("/admin/statistics/", {**MARCH, "department": fixture_cases["parks"].pk})
    assert "公園處" not in response.content.decode()
    assert total(response) == 2


def test_dashboard_refuses_staff_without_a_casework_role(client, fixture_cases):
    client.force_login(staff(roles.EDITOR))
    response = client.get("/admin/statistics/", MARCH)
    assert denied(response), (response.status_code, response.get("Location"))
    assert "道路處" not in response.content.decode()


@pytest.mark.date_sensitive
def test_dashboard_bad_filters_fall_back_to_this_month(client, fixture_cases):
    client.force_login(staff(roles.MANAGER))
    for query in ({"start": "soon", "end": "2026-99-99"}, {"start": "2026-03-31", "end": "2026-03-01"}):
        response = client.get("/admin/statistics/", {**query, "grain": "year", "department": "x"})
        assert response.status_code == 200


def test_dashboard_menu_item_for_casework_staff(client, fixture_cases):
    client.force_login(staff(roles.MANAGER))
    assert "/admin/statistics/" in client.get("/admin/").content.decode()


def test_dashboard_period_filter_counts_only_cases_received_in_it(client, fixture_cases):
    client.force_login(staff(roles.MANAGER))
    assert total(client.get("/admin/statistics/", {"start": "2026-03-02", "end": "2026-03-03"})) == 3
    assert total(client.get("/admin/statistics/", {"start": "2026-03-04", "end": "2026-03-31"})) == 1
    assert total(client.get("/admin/statistics/", {"start": "2026-04-01", "end": "2026-04-30"})) == 1
    response = client.get(
        "/admin/statistics/", {"start": "2026-03-01", "end": "2026-04-30", "grain": "month"}
    )
    assert total(response) == 5
    text = response.content.decode()
    assert '<th scope="row">2026-03-01</th><td>4</td>' in text
    assert '<th scope="row">2026-04-01</th><td>1</td>' in text


def test_dashboard_auditor_and_supervisor_see_every_department(client, fixture_cases):
    for role in (roles.AUDITOR, roles.SUPERVISOR):
        client.force_login(staff(role))
        response = client.get("/admin/statistics/", MARCH)
        assert total(response) == 4
        assert "道路處" in response.content.decode() and "公園處" in response.content.decode()


@pytest.mark.date_sensitive
def test_dashboard_asks_for_fresh_roll_ups_when_they_are_old(
    client, fixture_cases, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from django.utils import timezone

    from casework.models import DailyCaseStatistic

    cache.clear()
    settings.STATISTICS_REFRESH_SECONDS = 300
    client.force_login(staff(roles.MANAGER))
    case = fixture_cases["cases"][3]
    case.department = fixture_cases["parks"]
    case.save()
    # Roll-ups computed a minute ago are fresh enough: the change does not show yet.
    DailyCaseStatistic.objects.update(computed_at=timezone.now() - timezone.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get("/admin/statistics/", {**MARCH, "department": fixture_cases["parks"].pk})
    assert callbacks == [] and total(response) == 1
    # An interval later, the roll-ups are ten minutes old: the view enqueues the refresh (run at once
    # by the eager test worker) ...
    cache.clear()
    DailyCaseStatistic.objects.update(computed_at=timezone.now() - timezone.timedelta(minutes=10))
    case.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get("/admin/statistics/", MARCH)
    assert len(callbacks) == 1
    response = client.get("/admin/statistics/", {**MARCH, "department": fixture_cases["parks"].pk})
    assert total(response) == 2
    # ... and only once per interval, however often the dashboard is opened.
    DailyCaseStatistic.objects.update(computed_at=timezone.now() - timezone.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get("/admin/statistics/", MARCH)
    assert callbacks == []
