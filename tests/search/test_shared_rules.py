"""The search keeps no copy of casework's rules: who sees which case and whose personal data
(casework.access), and which deadline state a case is in (casework.deadlines)."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from casework import access, deadlines, roles
from casework.models import Case, SLAState, Status
from search import cases, elastic, tasks
from search.models import CaseSearchEntry
from search.scope import scope_for
from tests.factories import CaseFactory, DepartmentFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def test_a_scope_is_what_casework_access_allows():
    roles.ensure_role_groups()
    epb = DepartmentFactory(code="epb")
    dot = DepartmentFactory(code="dot")
    mine = CaseFactory(department=epb)
    theirs = CaseFactory(department=dot)
    users = [
        staff(roles.INTAKE_OFFICER, username="intake"),
        staff(roles.AUDITOR, username="auditor"),
        staff(roles.HANDLER, epb, username="handler"),
        staff(roles.REVIEWER, dot, username="reviewer"),
        UserFactory(username="nobody"),
    ]
    expected = {
        "intake": (None, None),
        "auditor": (None, frozenset()),
        "handler": (frozenset({epb.pk}), frozenset({epb.pk})),
        "reviewer": (frozenset({dot.pk}), frozenset({dot.pk})),
        "nobody": (frozenset(), frozenset()),
    }
    for user in users:
        scope = scope_for(user)
        assert (scope.departments, scope.personal) == expected[user.username]
        assert scope.departments == access.visible_department_ids(user)
        assert scope.personal == access.personal_data_department_ids(user)
        visible = set(access.cases_visible_to(user).values_list("pk", flat=True))
        for case in (mine, theirs):
            in_scope = scope.departments is None or case.department_id in scope.departments
            assert (case.pk in visible) == in_scope
            personal = scope.personal is None or case.department_id in scope.personal
            assert access.can_see_personal_data(user, case) == personal


@pytest.fixture
def deadlines_today():
    dept = DepartmentFactory()
    today = timezone.localdate()
    running = {
        "overdue": CaseFactory(
            status=Status.IN_PROGRESS, department=dept, due_date=today - timedelta(days=3)
        ),
        "due_soon": CaseFactory(status=Status.IN_PROGRESS, department=dept, due_date=today),
        "on_time": CaseFactory(
            status=Status.IN_PROGRESS, department=dept, due_date=today + timedelta(days=30)
        ),
    }
    CaseFactory(status=Status.CLOSED, department=dept, due_date=today - timedelta(days=3))
    return running


@pytest.mark.date_sensitive
def test_the_search_counts_deadline_states_by_the_rule_of_casework_deadlines(deadlines_today):
    counts = cases.database_counts(Case.objects.all())
    for state in SLAState:
        in_state = deadlines.filter_by_sla(Case.objects.all(), state)
        assert set(in_state.values_list("pk", flat=True)) == {deadlines_today[state.value].pk}
        assert set(Case.objects.filter(deadlines.sla_condition(state)).values_list("pk", flat=True)) == {
            deadlines_today[state.value].pk
        }
        assert counts["sla"][state.value] == 1
    assert deadlines.sla_condition("no such state") is None
    assert not deadlines.filter_by_sla(Case.objects.all(), "no such state").exists()


def test_elasticsearch_ranges_are_the_deadline_rule_in_its_terms():
    today = date(2026, 11, 24)
    cutoff = deadlines.due_soon_cutoff(today)
    ranges = elastic.sla_ranges(today)
    assert ranges == {
        state.value: {
            lookup: day.isoformat() for lookup, day in deadlines.sla_due_range(state, today).items()
        }
        for state in SLAState
    }
    assert ranges["overdue"] == {"lt": "2026-11-24"}
    assert ranges["due_soon"] == {"gte": "2026-11-24", "lte": cutoff.isoformat()}
    assert ranges["on_time"] == {"gt": cutoff.isoformat()}
    body = elastic.build_search(
        scope_for(UserFactory()), "", cases.Filters(sla="due_soon"), today=today
    ).to_dict()
    assert {"range": {"due_date": ranges["due_soon"]}} in body["query"]["bool"]["filter"]
    for state, bounds in ranges.items():
        aggregated = body["aggs"]["sla"]["filters"]["filters"][state]["bool"]["filter"]
        assert {"range": {"due_date": bounds}} in aggregated
        assert {"terms": {"status": elastic.OPEN_STATUS_VALUES}} in aggregated


def test_the_results_tell_whether_elasticsearch_answered_and_the_search_enqueues_nothing(
    settings, monkeypatch
):
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    roles.ensure_role_groups()
    intake = staff(roles.INTAKE_OFFICER)
    answered = elastic.Hits(ids=[], total=0, counts={"sla": {}})
    monkeypatch.setattr(elastic, "search", lambda *args: answered)
    with mock.patch.object(tasks, "enqueue_on_commit") as enqueue:
        assert cases.search(intake, "噪音").backend == "elasticsearch"
        enqueue.assert_not_called()

    def down(*args):
        raise ConnectionError("down")

    monkeypatch.setattr(elastic, "search", down)
    results = cases.search(intake, "噪音")
    assert results.backend == "database" and results.notice


def test_catch_up_soon_runs_the_catch_up_only_when_cases_wait(settings):
    case = CaseFactory(subject="停電求助")
    cases.index_case(case.pk)  # no Elasticsearch yet: nothing waits for it
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    with mock.patch.object(tasks, "enqueue_on_commit") as enqueue:
        tasks.catch_up_soon()
        enqueue.assert_not_called()
        cases.index_case(case.pk)  # Elasticsearch is down: the case waits for it
        assert CaseSearchEntry.objects.get(case=case).elasticsearch_pending
        tasks.catch_up_soon()
        enqueue.assert_called_once_with(tasks.catch_up_case_index)
    assert tasks.catch_up_case_index() == 0  # still down: nothing sent, nothing lost
    assert CaseSearchEntry.objects.get(case=case).elasticsearch_pending
