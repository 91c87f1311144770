"""Suggestions: adopted, partly adopted or not, with reasons; the implementation plan's milestones
followed until done; the decisions counted in the statistics."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from casework import roles, workflow
from casework.forms import OutcomeForm
from casework.models import Category, Event, Milestone, OutboxMessage, Outcome, Status
from casework.workflow import TransitionNotAllowed
from reporting import statistics
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

A = Outcome.Adoption
PLAN = [("完成人行道拓寬設計", date(2026, 3, 31)), ("完成施工", date(2026, 6, 30))]


@pytest.fixture(autouse=True)
def english():
    """Refusals are matched in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def office():
    dept, other = DepartmentFactory(name="工務局", code="pwd"), DepartmentFactory(name="交通局", code="dot")
    return {
        "dept": dept,
        "handler": staff(roles.HANDLER, dept),
        "reviewer": staff(roles.REVIEWER, dept),
        "other_handler": staff(roles.HANDLER, other),
    }


def suggestion(office, **fields):
    return CaseFactory(
        category=Category.SUGGESTION,
        status=Status.IN_PROGRESS,
        department=office["dept"],
        handler=office["handler"],
        **fields,
    )


def replied(office, case, **outcome):
    workflow.record_outcome(case, office["handler"], **outcome)
    case = workflow.submit_for_review(case, office["handler"], "感謝您的建議。")
    case = workflow.approve_draft(case, office["reviewer"])
    return workflow.reply(case, office["handler"])


@pytest.mark.parametrize("decision", [A.PARTLY, A.NOT_ADOPTED])
def test_a_suggestion_not_adopted_in_full_needs_reasons(office, decision):
    case = suggestion(office)
    with pytest.raises(TransitionNotAllowed, match="reasons"):
        workflow.record_outcome(case, office["handler"], adoption=decision, adoption_reasons="  ")
    assert not case.outcomes.exists()
    workflow.record_outcome(
        case, office["handler"], adoption=decision, adoption_reasons="經費不足，分年辦理。"
    )
    assert case.outcomes.get().adoption_reasons == "經費不足，分年辦理。"


def test_an_adopted_suggestion_keeps_its_milestones(office):
    case = suggestion(office)
    workflow.record_outcome(
        case, office["handler"], adoption=A.ADOPTED, implementation_plan="分兩期施工", milestones=PLAN
    )
    outcome = case.outcomes.get()
    assert [(m.what, m.due_on, m.done_on) for m in outcome.milestones.all()] == [(*m, None) for m in PLAN]
    assert case.events.get(kind=Event.Kind.OUTCOME).data["milestones"][0]["due_on"] == "2026-03-31"


def test_a_rejected_suggestion_has_no_implementation_plan(office):
    case = suggestion(office)
    with pytest.raises(TransitionNotAllowed):
        workflow.record_outcome(
            case, office["handler"], adoption=A.NOT_ADOPTED, adoption_reasons="不符法規", milestones=PLAN
        )
    assert not Outcome.objects.exists() and not Milestone.objects.exists()


def test_the_outcome_form_reads_one_milestone_per_line(office):
    case = suggestion(office)

    def form(milestones):
        data = {"record_outcome-adoption": A.ADOPTED, "record_outcome-milestones": milestones}
        return OutcomeForm(data, case=case, user=office["handler"], prefix="record_outcome")

    good = form("2026-03-31 完成人行道拓寬設計\n\n2026-06-30 完成施工\n")
    assert good.is_valid() and good.cleaned_data["milestones"] == PLAN
    bad = form("2026-03-31 完成設計\n明年 完成施工")
    assert not bad.is_valid() and "2" in bad.errors["milestones"][0]
    assert not form("2026-03-31").is_valid()


def test_a_milestone_done_tells_the_proposer(office):
    case = suggestion(office)
    case = replied(office, case, adoption=A.ADOPTED, milestones=PLAN)
    first = Milestone.objects.get(what="完成人行道拓寬設計")
    with pytest.raises(TransitionNotAllowed):
        workflow.complete_milestone(case, office["other_handler"], first)
    with pytest.raises(TransitionNotAllowed, match="future"):
        workflow.complete_milestone(case, office["handler"], first, timezone.localdate() + timedelta(days=1))

    workflow.complete_milestone(case, office["handler"], first, timezone.localdate())
    first.refresh_from_db()
    assert first.done_on == timezone.localdate()
    event = case.events.get(kind=Event.Kind.MILESTONE_DONE)
    assert event.is_public and event.text == "完成人行道拓寬設計"
    assert OutboxMessage.objects.filter(case=case, context__event=event.pk).exists()
    # Done once: it is no longer offered, and cannot be done again.
    with pytest.raises(TransitionNotAllowed):
        workflow.complete_milestone(case, office["handler"], first)
    second = Milestone.objects.get(what="完成施工")
    case = workflow.complete_milestone(case, office["reviewer"], second)
    assert not workflow.can(office["handler"], case, "complete_milestone")


def test_the_case_page_offers_the_milestone_step(client, office):
    case = replied(
        office, suggestion(office), adoption=A.PARTLY, adoption_reasons="先做一段", milestones=PLAN
    )
    client.force_login(office["handler"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "完成人行道拓寬設計" in page and "先做一段" in page
    action = reverse("casework:case_action", args=[case.pk, "complete_milestone"])
    assert action in page
    milestone = Milestone.objects.get(what="完成施工")
    bad = client.post(
        action, {"complete_milestone-milestone": milestone.pk, "complete_milestone-done_on": "x"}
    )
    assert bad.status_code == 400
    client.post(
        action,
        {"complete_milestone-milestone": milestone.pk, "complete_milestone-done_on": timezone.localdate()},
    )
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()


def test_statistics_count_suggestions_by_adoption_per_period(office):
    def received(day):
        return timezone.make_aware(datetime(2026, day.month, day.day, 10))

    with time_machine.travel(received(date(2026, 4, 20)), tick=False):
        for day, decision in [
            (date(2026, 3, 2), A.ADOPTED),
            (date(2026, 3, 3), A.PARTLY),
            (date(2026, 3, 4), A.NOT_ADOPTED),
            (date(2026, 4, 1), A.ADOPTED),
        ]:
            case = suggestion(office, received_at=received(day))
            reasons = "" if decision == A.ADOPTED else "經費不足"
            workflow.record_outcome(case, office["handler"], adoption=decision, adoption_reasons=reasons)
        # A second outcome replaces the first: the case counts once, by its latest decision.
        case = suggestion(office, received_at=received(date(2026, 4, 2)))
        workflow.record_outcome(case, office["handler"], adoption=A.NOT_ADOPTED, adoption_reasons="不可行")
        with time_machine.travel(received(date(2026, 4, 21)), tick=False):
            workflow.record_outcome(case, office["handler"], adoption=A.ADOPTED)
        suggestion(office, received_at=received(date(2026, 4, 3)))  # not decided yet
        statistics.recompute_days(date(2026, 3, 1), date(2026, 4, 30))

    figures = statistics.dashboard_figures(date(2026, 3, 1), date(2026, 4, 30))
    assert figures["adoption"] == {
        "adopted": 3,
        "partly_adopted": 1,
        "not_adopted": 1,
        "decided": 5,
        "rate": 0.8,
    }
    assert [(str(p)[:7], *counts) for p, *counts in figures["adoption_by_period"]] == [
        ("2026-03", 1, 1, 1),
        ("2026-04", 2, 0, 0),
    ]


def test_the_demo_has_adopted_suggestions_with_milestones(demo_site):
    adopted = Outcome.objects.filter(adoption__in=[A.ADOPTED, A.PARTLY])
    assert adopted.exists()
    assert all(outcome.milestones.count() == 2 for outcome in adopted)
    assert not Outcome.objects.filter(adoption__in=[A.PARTLY, A.NOT_ADOPTED], adoption_reasons="").exists()
