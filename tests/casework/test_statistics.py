"""Dashboard figures against values computed by hand on a small fixed set of cases."""

from datetime import date

import pytest
from django.utils import timezone

from casework.models import DailyCaseStatistic, Status
from reporting import statistics
from tests.casework.statistics_cases import build_fixture_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture_cases():
    return build_fixture_cases()


def test_statistics_counts_by_category_channel_status_department(fixture_cases):
    figures = statistics.dashboard_figures(date(2026, 3, 1), date(2026, 3, 31))
    roads, parks = fixture_cases["roads"], fixture_cases["parks"]
    assert figures["total"] == 4
    assert figures["by_category"]["complaint"] == 2
    assert figures["by_category"]["suggestion"] == 1
    assert figures["by_category"]["inquiry"] == 1
    assert figures["by_category"]["help"] == 0
    assert figures["by_channel"]["web"] == 2
    assert figures["by_channel"]["hotline"] == 1
    assert figures["by_channel"]["email"] == 1
    assert figures["by_status"]["closed"] == 2
    assert figures["by_status"]["followed_up"] == 1
    assert figures["by_status"]["received"] == 1
    assert figures["by_department"] == {None: 1, roads.pk: 2, parks.pk: 1}


def test_statistics_periods_and_trend(fixture_cases):
    by_day = statistics.counts_by_period(statistics.rollups(date(2026, 3, 1), date(2026, 4, 30)), "day")
    assert by_day == [
        (date(2026, 3, 2), 2),
        (date(2026, 3, 3), 1),
        (date(2026, 3, 16), 1),
        (date(2026, 4, 1), 1),
    ]
    by_month = statistics.counts_by_period(statistics.rollups(date(2026, 3, 1), date(2026, 4, 30)), "month")
    assert [(str(p)[:7], n) for p, n in by_month] == [("2026-03", 4), ("2026-04", 1)]
    by_week = statistics.counts_by_period(statistics.rollups(date(2026, 3, 1), date(2026, 3, 31)), "week")
    # Weeks start on Monday: 2 Mar (three cases) and 16 Mar (one).
    assert [(str(p)[:10], n) for p, n in by_week] == [("2026-03-02", 3), ("2026-03-16", 1)]
    trend = statistics.trend(statistics.rollups(date(2026, 3, 1), date(2026, 3, 31)), "month")
    assert [(received, replied) for _p, received, replied in trend] == [(4, 3)]


def test_statistics_handling_time_satisfaction_reopen_and_on_time(fixture_cases):
    figures = statistics.dashboard_figures(date(2026, 3, 1), date(2026, 3, 31))
    # Handling days 3, 10 and 4: average 17/3, median 4.
    assert figures["handling_time"]["count"] == 3
    assert figures["handling_time"]["average"] == pytest.approx(17 / 3)
    assert figures["handling_time"]["median"] == 4
    # Satisfied + basically satisfied over rated: 2 of 3.
    assert figures["satisfaction"]["rate"] == pytest.approx(2 / 3)
    # One reopened of three replied.
    assert figures["reopen_rate"] == pytest.approx(1 / 3)
    stages = {name: (done, on_time, rate) for name, _l, done, on_time, rate in figures["on_time"]}
    assert stages["reply"] == (3, 2, pytest.approx(2 / 3))
    assert stages["screening"] == (2, 1, 0.5)
    assert stages["follow_up"] == (0, 0, None)
    # One re-routed among the three routed cases.
    assert figures["reroute_rate"] == pytest.approx(1 / 3)


def test_statistics_median_of_even_count(fixture_cases):
    rows = statistics.rollups(date(2026, 3, 2), date(2026, 3, 2))
    # Two cases on 2 Mar: 3 and 10 days, median 6.5.
    assert statistics.handling_time(rows)["median"] == 6.5


def test_statistics_filtered_by_department(fixture_cases):
    roads = fixture_cases["roads"]
    figures = statistics.dashboard_figures(date(2026, 3, 1), date(2026, 3, 31), departments=[roads])
    assert figures["total"] == 2
    assert figures["by_category"]["complaint"] == 2
    assert figures["handling_time"]["median"] == 6.5


def test_statistics_hot_topics_use_the_shared_normalisation(fixture_cases):
    topics = dict(statistics.hot_topics(date(2026, 3, 1), date(2026, 3, 31)))
    # Subjects are folded to Simplified: 道路 appears in two of the March subjects.
    assert topics["道路"] == 2
    assert topics["公园"] == 2
    assert "请问" not in topics


def test_statistics_recomputing_a_day_replaces_its_rows(fixture_cases):
    case = fixture_cases["cases"][3]
    case.status = Status.CLOSED
    case.save()
    statistics.recompute_day(date(2026, 3, 16))
    statistics.recompute_day(date(2026, 3, 16))
    figures = statistics.dashboard_figures(date(2026, 3, 16), date(2026, 3, 16))
    assert figures["by_status"]["closed"] == 1
    assert figures["by_status"]["received"] == 0
    assert DailyCaseStatistic.objects.filter(day=date(2026, 3, 16)).count() == 1


@pytest.mark.date_sensitive
def test_statistics_refresh_task_picks_up_changed_cases(fixture_cases):
    case = fixture_cases["cases"][3]
    DailyCaseStatistic.objects.update(computed_at=timezone.now() - timezone.timedelta(hours=1))
    case.status = Status.ACCEPTED
    case.save()
    statistics.refresh_statistics.delay()
    figures = statistics.dashboard_figures(date(2026, 3, 16), date(2026, 3, 16))
    assert figures["by_status"]["accepted"] == 1


def test_statistics_hot_topics_count_traditional_and_simplified_spellings_together(db):
    from tests.factories import CaseFactory

    when = timezone.make_aware(timezone.datetime(2025, 5, 6, 10))
    for subject in ("垃圾清運延誤", "垃圾清运延误", "請問垃圾車時間"):
        CaseFactory(received_at=when, subject=subject)
    statistics.recompute_day(date(2025, 5, 6))
    topics = dict(statistics.hot_topics(date(2025, 5, 6), date(2025, 5, 6)))
    assert topics["垃圾"] == 3
    assert "請問" not in topics and "请问" not in topics
