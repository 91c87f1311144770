"""The demo casework: departments, staff memberships, ~200 cases over every status and SLA state."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from casework import access, deadlines
from casework.models import (
    CalendarDay,
    Case,
    Category,
    Department,
    Event,
    Priority,
    SLAState,
    StageLimitRule,
    Status,
    Visit,
)
from tests.conftest import load_demo

# The demo dates its cases from today, so what it covers must hold on any day of the year.
pytestmark = pytest.mark.date_sensitive


@pytest.mark.django_db
def test_demo_cases_cover_every_status_and_sla_state_and_reload_changes_nothing(demo_site):
    assert 180 <= Case.objects.count() <= 220
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    for state in SLAState:
        assert deadlines.filter_by_sla(Case.objects.all(), state).exists(), state
    assert CalendarDay.objects.filter(kind=CalendarDay.Kind.HOLIDAY).exists()
    assert Visit.objects.count() >= 3
    # Every case has a timeline that starts with its registration.
    first_kinds = {case.events.order_by("created_at", "pk").first().kind for case in Case.objects.all()[:50]}
    assert first_kinds == {Event.Kind.REGISTERED}
    references = Case.objects.values("reference").annotate(n=Count("id")).filter(n__gt=1)
    assert not references.exists()

    User = get_user_model()
    handler = User.objects.get(username="handler")
    mine = access.cases_visible_to(handler)
    assert 0 < mine.count() < Case.objects.count()
    assert set(mine.values_list("status", flat=True)) >= {Status.ROUTED, Status.IN_PROGRESS, Status.IN_REVIEW}

    counts = (Case.objects.count(), Event.objects.count(), Department.objects.count(), Visit.objects.count())
    load_demo()
    assert (
        Case.objects.count(),
        Event.objects.count(),
        Department.objects.count(),
        Visit.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_generate_cases_bulk_creates_cases_with_timelines():
    from django.core.management import call_command

    call_command("generate_cases", "250", "--batch-size", "100", "--seed", "7", verbosity=0)
    assert Case.objects.count() == 250
    assert Event.objects.count() >= 250
    assert Case.objects.filter(status=Status.CLOSED).exists()
    assert not Case.objects.filter(events__isnull=True).exists()
    assert Case.objects.values("reference").distinct().count() == 250
    case = Case.objects.filter(citizen_phone__gt="").first()
    assert case.citizen_phone.startswith("09")


@pytest.mark.django_db
def test_every_demo_case_is_found_by_its_reference_in_staff_search(demo_site):
    from search import cases as case_search

    intake = get_user_model().objects.get(username="intake")
    assert not Case.objects.filter(search_entry__isnull=True).exists()
    # A case the generator saved in bulk, not one registered through a form.
    bulk = Case.objects.filter(channel="hotline").order_by("-pk").first()
    results = case_search.search(intake, bulk.reference)
    assert [case.pk for case in results.cases] == [bulk.pk]


@pytest.mark.django_db
def test_generated_cases_are_searchable_with_index_and_the_command_says_how_otherwise(capsys):
    from django.core.management import call_command

    call_command("generate_cases", "20", "--seed", "3", verbosity=1)
    assert "rebuild_case_index" in capsys.readouterr().out
    assert not Case.objects.filter(search_entry__isnull=False).exists()
    call_command("generate_cases", "20", "--seed", "4", "--index", verbosity=0)
    assert not Case.objects.filter(search_entry__isnull=True).exists()


def test_the_demo_has_the_default_time_limit_matrix_for_its_supervisor_to_edit(demo_site, client):
    StageLimitRule.objects.all().delete()  # as on a database the seed migration never ran on
    load_demo()
    rule = StageLimitRule.objects.get()
    assert (rule.category, rule.priority, rule.screening_days) == (Category.HELP, Priority.URGENT, 1)
    client.force_login(get_user_model().objects.get(username="supervisor"))
    assert client.get(reverse("time_limits:edit", args=[rule.pk])).status_code == 200


@pytest.mark.django_db
def test_demo_has_supervision_notices_answered_late_escalated_and_by_hand(demo_site):
    from casework.models import SupervisionNotice

    notices = SupervisionNotice.objects.all()
    assert notices.filter(issued_by__isnull=True).count() >= 3  # the rounds'
    assert notices.filter(issued_by__username="supervisor", answered_at__isnull=True).exists()
    assert notices.filter(answered_late=True, answered_by__username="handler").exists()
    assert notices.filter(answered_late=False, answered_at__isnull=False).exists()
    assert notices.filter(escalations__gt=0).exists()
    # A case not routed yet is supervised through intake and the supervisors, never a "handler".
    from casework.models import OutboxMessage

    unrouted = OutboxMessage.objects.filter(
        template__startswith="supervision", case__department__isnull=True
    ).values_list("user__username", flat=True)
    assert {"intake", "supervisor"} <= set(unrouted) <= {"intake", "supervisor", "manager"}
    count = notices.count()
    load_demo()
    assert SupervisionNotice.objects.count() == count


@pytest.mark.django_db
def test_demo_has_a_frozen_office_report_and_a_draft_department_report(demo_site):
    from casework.models import AnalysisReport

    office = AnalysisReport.objects.get(department__isnull=True)
    assert office.state == AnalysisReport.State.FROZEN and office.reviewed_by.username == "manager"
    assert office.figures["total"] > 0
    draft = AnalysisReport.objects.get(department__isnull=False)
    assert draft.state == AnalysisReport.State.DRAFT
    assert access.is_member(draft.created_by, draft.department_id, "reviewer")
    load_demo()
    assert AnalysisReport.objects.count() == 2


def test_demo_has_a_co_handled_complaint_answered_by_one_and_awaited_from_another(demo_site):
    from casework.models import CoHandling, Status

    led = CoHandling.objects.filter(case__department__code="epb")
    assert led.filter(answered_at__isnull=False).exists() and led.filter(answered_at__isnull=True).exists()
    # The demo handler is asked to contribute to another department's case, and sees it.
    handler = get_user_model().objects.get(username="handler")
    awaited = CoHandling.objects.get(department__code="epb", answered_at__isnull=True)
    assert awaited.case.status == Status.ROUTED
    assert access.cases_visible_to(handler).filter(pk=awaited.case_id).exists()
    count = CoHandling.objects.count()
    load_demo()
    assert CoHandling.objects.count() == count


def test_demo_has_rectification_measures_verified_overdue_and_awaiting_verification(demo_site, client):
    from django.utils import timezone

    from casework import supervision, workflow
    from casework.models import RectificationMeasure, SupervisionNotice

    M = RectificationMeasure.State
    measures = RectificationMeasure.objects.all()
    assert measures.filter(state=M.VERIFIED).exists()
    assert measures.filter(state=M.CARRIED_OUT, department__code="epb").exists()
    overdue = measures.filter(state=M.PLANNED, deadline__lt=timezone.localdate(), department__code="epb")
    assert overdue.exists()
    # Followed after closing, and supervised once overdue.
    assert overdue.filter(case__status=Status.CLOSED).exists()
    stages = {workflow.measure_stage(m) for m in overdue}
    assert SupervisionNotice.objects.filter(stage__in=stages).exists()
    # The rectification ledger shows them to the demo department's handler.
    client.force_login(get_user_model().objects.get(username="handler"))
    html = client.get("/admin/rectification/").content.decode()
    assert overdue.first().case.reference in html
    # Loading again adds nothing.
    count = measures.count(), SupervisionNotice.objects.count()
    load_demo()
    supervision.measure_notices()
    assert (RectificationMeasure.objects.count(), SupervisionNotice.objects.count()) == count


@pytest.mark.django_db
def test_demo_has_last_months_scorecards_one_frozen_with_a_reward(demo_site, client):
    from reception.models import Scorecard

    cards = Scorecard.objects.all()
    assert {card.subject_kind for card in cards} == {"officer", "handler", "department"}
    frozen = cards.get(state=Scorecard.State.FROZEN)
    assert frozen.user.username == "intake"
    assert frozen.decisions.filter(kind="reward").exists()
    assert frozen.total is not None
    client.force_login(get_user_model().objects.get(username="manager"))
    page = client.get(reverse("staff_assessment:index")).content.decode()
    assert frozen.subject_name in page
    # The drafts wait for the manager's review: the administrator prepared them.
    draft = cards.filter(state=Scorecard.State.DRAFT).first()
    page = client.get(reverse("staff_assessment:detail", args=[draft.pk])).content.decode()
    assert reverse("staff_assessment:action", args=[draft.pk, "freeze"]) in page


def test_every_demo_account_has_accepted_the_confidentiality_agreement(demo_site, client):
    from demo.cases import DEMO_STAFF
    from reception import agreements
    from reception.models import AgreementAcceptance

    current = agreements.current_agreement()
    assert current.version == 1 and current.published_by.username == "manager"
    User = get_user_model()
    for username, _role, _first, _last in DEMO_STAFF:
        assert agreements.has_accepted_current(User.objects.get(username=username)), username
    # So the demo shows personal data as before agreements existed.
    case = next(case for case in Case.objects.order_by("pk") if case.citizen_name)
    client.force_login(User.objects.get(username="intake"))
    assert case.citizen_name in client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    accepted = AgreementAcceptance.objects.count()
    load_demo()
    assert AgreementAcceptance.objects.count() == accepted


def test_demo_registers_are_filled(demo_site):
    """The demo's visits and staff-registered complaints carry the printed registers' fields."""
    visits = Visit.objects.all()
    assert any(v.address and v.materials_provided and v.visitor_confirmed for v in visits)
    opened = visits.filter(case__isnull=False).first()
    assert opened is not None and opened.case.category == Category.COMPLAINT
    assert opened.case.evidence_provided and opened.case.citizen_confirmed
    complaints = Case.objects.filter(category=Category.COMPLAINT).exclude(channel="web")
    assert any(case.evidence_provided for case in complaints)
