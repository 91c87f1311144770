"""Supervision by hand (督辦): a supervisor's notice, the department's answer on time or late, and the
escalation of notices left unanswered, to real people of the responsible department."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from casework import escalation, roles, supervision, workflow
from casework.models import Event, OutboxMessage, Status, SupervisionNotice
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

# A Tuesday in the office's time zone.
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def routed_case(office, **kwargs):
    fields = {
        "status": Status.IN_PROGRESS,
        "department": office["dept"],
        "handler": office["handler"],
        "stage_started_on": TODAY - timedelta(days=2),
        "due_date": TODAY + timedelta(days=10),
    }
    return CaseFactory(**{**fields, **kwargs})


def messages_to(template):
    return set(OutboxMessage.objects.filter(template=template).values_list("user__username", flat=True))


# --- Issuing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,allowed",
    [("supervisor", True), ("manager", True), ("intake", False), ("handler", False), ("reviewer", False)],
)
def test_only_supervisors_and_managers_issue_a_notice(office, who, allowed):
    case = routed_case(office)
    assert workflow.can(office[who], case, "issue_supervision_notice") is allowed
    if not allowed:
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.issue_supervision_notice(case, office[who], reason="Speed up")
        assert not SupervisionNotice.objects.exists()


def test_a_notice_by_hand_is_on_the_staff_timeline_and_tells_the_department(office):
    case = routed_case(office)
    workflow.issue_supervision_notice(case, office["supervisor"], reason="The residents called again.")
    notice = SupervisionNotice.objects.get(case=case)
    assert notice.issued_by == office["supervisor"]
    assert notice.department == office["dept"]
    # Three working days on by default: Tuesday → Friday.
    assert notice.respond_by == date(2026, 3, 13)
    event = case.events.get(data__supervision_notice=notice.pk)
    assert event.kind == Event.Kind.NOTE and not event.is_public
    assert "The residents called again." in event.text
    assert messages_to("supervision") == {office["handler"].username, office["reviewer"].username}


def test_a_notice_by_hand_on_a_closed_case_or_with_a_past_date_is_refused(office):
    closed = routed_case(office, status=Status.CLOSED)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.issue_supervision_notice(closed, office["supervisor"], reason="Too late")
    case = routed_case(office)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.issue_supervision_notice(case, office["supervisor"], reason="x", respond_by=TODAY)
    assert not SupervisionNotice.objects.exists()


def test_the_case_page_offers_the_notice_to_supervisors_only(client, office):
    case = routed_case(office)
    url = reverse("casework:case_detail", args=[case.pk])
    client.force_login(office["supervisor"])
    assert 'id="step-issue_supervision_notice"' in client.get(url).content.decode()
    client.force_login(office["handler"])
    assert 'id="step-issue_supervision_notice"' not in client.get(url).content.decode()


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_the_notice_form_shows_its_default_answer_date_in_every_language(client, office, language):
    # A date input keeps only an ISO value: "2026/03/17" (the Chinese locales' first format) would be
    # dropped by the browser and the supervisor told the field is required.
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(office["supervisor"])
    profile.preferred_language = language
    profile.save()
    client.force_login(office["supervisor"])
    html = client.get(reverse("casework:case_detail", args=[routed_case(office).pk])).content.decode()
    expected = escalation.response_due(TODAY).isoformat()
    assert f'name="issue_supervision_notice-respond_by" value="{expected}"' in html


def test_issuing_through_the_case_page_and_bad_input(client, office):
    case = routed_case(office)
    client.force_login(office["supervisor"])
    url = reverse("casework:case_action", args=[case.pk, "issue_supervision_notice"])
    bad = client.post(
        url, {"issue_supervision_notice-reason": "x", "issue_supervision_notice-respond_by": "2026-03-01"}
    )
    assert bad.status_code == 400 and not SupervisionNotice.objects.exists()
    response = client.post(
        url,
        {
            "issue_supervision_notice-reason": "Report now",
            "issue_supervision_notice-respond_by": "2026-03-20",
        },
    )
    assert response.status_code == 302
    assert SupervisionNotice.objects.get().respond_by == date(2026, 3, 20)


# --- Answering -------------------------------------------------------------------------------------


def issue(office, case, respond_by=date(2026, 3, 13)):
    workflow.issue_supervision_notice(case, office["supervisor"], reason="Report", respond_by=respond_by)
    return SupervisionNotice.objects.get(case=case, issued_by__isnull=False)


def test_the_department_answers_on_time(office):
    case = routed_case(office)
    notice = issue(office, case)
    workflow.respond_to_supervision(
        case, office["handler"], notice=notice, progress="Crew booked", expected_completion=date(2026, 3, 20)
    )
    notice.refresh_from_db()
    assert notice.answered_by == office["handler"] and notice.answered_at is not None
    assert notice.response == "Crew booked" and notice.expected_completion == date(2026, 3, 20)
    assert not notice.answered_late
    assert case.events.filter(kind=Event.Kind.PROGRESS, data__supervision_notice=notice.pk).exists()
    assert messages_to("supervision_answered") == {office["supervisor"].username}
    assert not workflow.can(office["handler"], case, "respond_to_supervision")  # nothing left to answer


def test_an_answer_after_the_date_is_recorded_as_late(office):
    case = routed_case(office)
    notice = issue(office, case)
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        workflow.respond_to_supervision(
            case,
            office["reviewer"],
            notice=notice,
            progress="Done soon",
            expected_completion=date(2026, 3, 25),
        )
    notice.refresh_from_db()
    assert notice.answered_late
    assert "2026-03-13" in case.events.get(data__supervision_notice=notice.pk, kind=Event.Kind.PROGRESS).text


def test_who_may_answer(office):
    other = DepartmentFactory(name="公園處", code="prk")
    stranger = staff(roles.HANDLER, other)
    case = routed_case(office)
    issue(office, case)
    assert workflow.can(office["handler"], case, "respond_to_supervision")
    assert workflow.can(office["reviewer"], case, "respond_to_supervision")
    for user in (stranger, office["intake"], office["supervisor"]):
        assert not workflow.can(user, case, "respond_to_supervision")
    unrouted = CaseFactory(status=Status.ACCEPTED, stage_started_on=TODAY)
    issue(office, unrouted)
    assert workflow.can(office["intake"], unrouted, "respond_to_supervision")


def test_answering_twice_or_into_the_past_is_refused(office):
    case = routed_case(office)
    notice = issue(office, case)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.respond_to_supervision(
            case,
            office["handler"],
            notice=notice,
            progress="x",
            expected_completion=TODAY - timedelta(days=1),
        )
    workflow.respond_to_supervision(
        case, office["handler"], notice=notice, progress="x", expected_completion=TODAY
    )
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.respond_to_supervision(
            case, office["handler"], notice=notice, progress="y", expected_completion=TODAY
        )
    notice.refresh_from_db()
    assert notice.response == "x"


# --- Escalation ------------------------------------------------------------------------------------


def test_an_unanswered_notice_climbs_the_departments_ladder(office, settings):
    settings.CASEWORK_SUPERVISION_REPEAT_DAYS = 3
    case = routed_case(office)
    notice = issue(office, case)
    OutboxMessage.objects.all().delete()
    assert supervision.escalate_overdue(date(2026, 3, 13)) == 0  # still on time
    assert supervision.escalate_overdue(date(2026, 3, 14)) == 1
    assert supervision.escalate_overdue(date(2026, 3, 14)) == 0  # once a day
    notice.refresh_from_db()
    assert notice.escalations == 1 and notice.escalated_at is not None
    # Level 1 (the handler) → the department's reviewers, the department's handler still told.
    assert messages_to("supervision_escalated") == {office["handler"].username, office["reviewer"].username}
    supervision.escalate_overdue(date(2026, 3, 17))
    assert office["supervisor"].username in messages_to("supervision_escalated")
    supervision.escalate_overdue(date(2026, 3, 30))
    notice.refresh_from_db()
    assert notice.escalations == 3
    assert office["manager"].username in messages_to("supervision_escalated")
    assert case.events.filter(data__supervision_notice=notice.pk, data__escalation=3).count() == 1


def test_an_answered_notice_is_not_escalated(office):
    case = routed_case(office)
    notice = issue(office, case)
    workflow.respond_to_supervision(
        case, office["handler"], notice=notice, progress="x", expected_completion=TODAY
    )
    assert supervision.escalate_overdue(date(2026, 4, 30)) == 0


def test_a_paused_case_is_not_escalated(office):
    case = routed_case(office)
    issue(office, case)
    case.paused_at = NOW
    case.save()
    assert supervision.escalate_overdue(date(2026, 3, 20)) == 0


def test_an_unrouted_case_escalates_to_intake_and_supervisors_never_to_a_handler(office):
    case = CaseFactory(status=Status.ACCEPTED, stage_started_on=TODAY, handler=None, department=None)
    notice = issue(office, case)
    assert messages_to("supervision") == {office["intake"].username, office["supervisor"].username}
    OutboxMessage.objects.all().delete()
    supervision.escalate_overdue(date(2026, 3, 14))
    assert messages_to("supervision_escalated") == {office["intake"].username, office["supervisor"].username}
    event = case.events.get(data__supervision_notice=notice.pk, data__escalation=1)
    assert "handler" not in event.text and "承辦" not in event.text


def test_a_department_without_reviewers_escalates_to_the_supervisors(office):
    lonely = DepartmentFactory(name="公園處", code="prk")
    handler = staff(roles.HANDLER, lonely)
    case = routed_case(office, department=lonely, handler=handler)
    issue(office, case)
    OutboxMessage.objects.all().delete()
    supervision.escalate_overdue(date(2026, 3, 14))
    assert messages_to("supervision_escalated") == {handler.username, office["supervisor"].username}
    assert office["reviewer"].username not in messages_to("supervision_escalated")


def test_the_rounds_notices_ask_for_an_answer_and_escalate_the_same_way(office):
    due = TODAY - timedelta(days=1)
    case = routed_case(office, status=Status.ROUTED, handling_plan_due=due, due_date=due)
    supervision.run(TODAY)
    notice = SupervisionNotice.objects.get(case=case)
    assert notice.issued_by is None and notice.respond_by == date(2026, 3, 13)
    supervision.run(date(2026, 3, 14))
    notice.refresh_from_db()
    assert notice.escalations == 1


def test_the_supervise_command_runs_the_round_without_a_broker(office):
    from django.core.management import call_command

    due = TODAY - timedelta(days=1)
    case = routed_case(office, status=Status.ROUTED, handling_plan_due=due, due_date=due)
    call_command("supervise", stdout=io.StringIO())
    call_command("supervise", stdout=io.StringIO())
    assert SupervisionNotice.objects.filter(case=case).count() == 1


def test_the_case_page_shows_each_notice_and_its_answer(client, office):
    case = routed_case(office)
    notice = issue(office, case)
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        workflow.respond_to_supervision(
            case,
            office["handler"],
            notice=notice,
            progress="Crew on site",
            expected_completion=date(2026, 3, 27),
        )
        client.force_login(office["supervisor"])
        page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Crew on site" in page and "2026-03-27" in page
    assert str(SupervisionNotice.objects.get().state_label()) in page
