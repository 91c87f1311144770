"""Co-handling (協辦): routing names further departments with their tasks and due dates; each sees the
case and records its contribution or is released; the lead drafts the reply only when none waits;
statistics and assessment count leading and co-handling apart."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from casework import access, citizen_vocabulary, cohandling, home, roles, workflow
from casework.models import Category, CoHandling, Event, OutboxMessage, PersonalDataAccess, Status
from reporting import assessment, statistics
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

# A Tuesday in the office's time zone.
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))
TODAY = NOW.date()
K = Event.Kind


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def world(office):
    env = DepartmentFactory(name="環境保護局", code="epb")
    traffic = DepartmentFactory(name="交通局", code="dot")
    return {
        **office,
        "env": env,
        "env_handler": staff(roles.HANDLER, env),
        "env_reviewer": staff(roles.REVIEWER, env),
        "traffic": traffic,
        "traffic_handler": staff(roles.HANDLER, traffic),
    }


def accepted_case(**kwargs):
    return CaseFactory(status=Status.ACCEPTED, category=Category.INQUIRY, **kwargs)


def co_handled_case(world, due_on=TODAY + timedelta(days=3), **kwargs):
    """A case led by the office's department, in progress, with the environment department co-handling."""
    fields = {
        "status": Status.IN_PROGRESS,
        "category": Category.INQUIRY,
        "department": world["dept"],
        "handler": world["handler"],
        "stage_started_on": TODAY - timedelta(days=2),
    }
    case = CaseFactory(**{**fields, **kwargs})
    CoHandling.objects.create(case=case, department=world["env"], task="查明污染源", due_on=due_on)
    return case


@pytest.fixture
def client(client):
    """A client whose users read the back office in English (the office's language is Chinese)."""
    from wagtail.users.models import UserProfile

    login = client.force_login

    def force_login(user):
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
        login(user)

    client.force_login = force_login
    return client


def row(case, department):
    return CoHandling.objects.get(case=case, department=department)


# --- Routing -----------------------------------------------------------------------------------------


def test_routing_names_co_handling_departments_with_their_tasks_and_due_dates(world):
    case = accepted_case()
    workflow.route(
        case,
        world["intake"],
        department=world["dept"],
        co_handlers=[
            (world["env"], "查明污染源", None),
            (world["traffic"], "評估交通管制", date(2026, 3, 20)),
        ],
    )
    case.refresh_from_db()
    assert case.status == Status.ROUTED and case.department == world["dept"]
    # Five working days by default: Tuesday → the next Tuesday.
    assert row(case, world["env"]).due_on == date(2026, 3, 17)
    assert row(case, world["traffic"]).due_on == date(2026, 3, 20)
    requested = case.events.filter(kind=K.CO_HANDLING_REQUESTED)
    assert sorted(requested.values_list("text", flat=True)) == ["查明污染源", "評估交通管制"]
    # Staff only: never public, and a kind the citizen's vocabulary does not know.
    assert not requested.filter(is_public=True).exists()
    assert K.CO_HANDLING_REQUESTED not in citizen_vocabulary.CITIZEN_KINDS
    # The co-handling department's reviewers hear of the task.
    told = OutboxMessage.objects.filter(template="co_handling_requested").values_list("user", flat=True)
    assert set(told) == {world["env_reviewer"].pk}


def test_the_default_due_date_is_never_after_the_reply_is_due(world):
    case = accepted_case(reply_due=TODAY + timedelta(days=2))
    assert cohandling.default_due(case, TODAY) == TODAY + timedelta(days=2)


@pytest.mark.parametrize(
    "co_handlers,message",
    [
        (lambda w: [(w["dept"], "x", None)], "leads the case"),
        (lambda w: [(w["env"], "x", None), (w["env"], "y", None)], "already a co-handling department"),
        (lambda w: [(w["env"], " ", None)], "Describe the task"),
        (lambda w: [(w["env"], "x", TODAY - timedelta(days=1))], "cannot be in the past"),
    ],
)
def test_bad_co_handlers_refuse_the_whole_routing(world, co_handlers, message):
    case = accepted_case()
    with pytest.raises(workflow.TransitionNotAllowed, match=message):
        workflow.route(case, world["intake"], department=world["dept"], co_handlers=co_handlers(world))
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and not CoHandling.objects.exists()
    assert not case.events.filter(kind=K.ROUTED).exists()


def test_rerouting_adds_co_handlers_and_a_co_handler_that_takes_the_lead_is_released(world):
    case = co_handled_case(world)
    workflow.reroute(
        case,
        world["supervisor"],
        department=world["env"],
        reason="屬環保局主管",
        co_handlers=[(world["traffic"], "評估交通管制", None)],
    )
    case.refresh_from_db()
    assert case.department == world["env"]
    assert row(case, world["env"]).state() == CoHandling.State.RELEASED
    assert row(case, world["traffic"]).state() == CoHandling.State.PENDING


# --- Seeing the case ----------------------------------------------------------------------------------


def test_a_co_handling_department_sees_the_case_and_its_personal_data_and_others_do_not(world):
    case = co_handled_case(world)
    for who in ("env_handler", "env_reviewer"):
        assert access.cases_visible_to(world[who]).filter(pk=case.pk).exists()
        assert access.can_see_personal_data(world[who], case)
    assert not access.cases_visible_to(world["traffic_handler"]).filter(pk=case.pk).exists()
    assert not access.can_see_personal_data(world["traffic_handler"], case)


def test_the_co_handlers_tasks_and_home_panel_count_the_case_until_it_answers(world):
    case = co_handled_case(world)
    mine = access.cases_visible_to(world["env_handler"]).filter(workflow.waiting_for(world["env_handler"]))
    assert list(mine) == [case]
    panel = {count.panel.key: count.count for count in home.counts_for(world["env_handler"])}
    assert panel["mine"] == 1
    workflow.contribute_co_handling(
        case, world["env_handler"], co_handling=row(case, world["env"]), contribution="x"
    )
    assert not access.cases_visible_to(world["env_handler"]).filter(
        workflow.waiting_for(world["env_handler"])
    )
    # Still visible after answering: the department's contribution is part of the case.
    assert access.cases_visible_to(world["env_handler"]).filter(pk=case.pk).exists()


# --- Contributing and releasing -----------------------------------------------------------------------


def test_the_co_handler_records_its_contribution_on_time(world):
    case = co_handled_case(world)
    workflow.contribute_co_handling(
        case, world["env_handler"], co_handling=row(case, world["env"]), contribution="污染源為上游工廠"
    )
    answered = row(case, world["env"])
    assert answered.state() == CoHandling.State.ANSWERED and answered.answered_by == world["env_handler"]
    event = case.events.get(kind=K.CO_HANDLING_ANSWERED)
    assert event.text == "污染源為上游工廠" and not event.is_public
    assert K.CO_HANDLING_ANSWERED not in citizen_vocabulary.CITIZEN_KINDS
    assert OutboxMessage.objects.filter(template="co_handling_answered", user=world["handler"]).exists()


def test_a_contribution_after_the_due_date_is_late_and_an_unanswered_task_shows_overdue(world):
    case = co_handled_case(world, due_on=TODAY - timedelta(days=1))
    assert row(case, world["env"]).state() == CoHandling.State.OVERDUE
    workflow.contribute_co_handling(
        case, world["env_reviewer"], co_handling=row(case, world["env"]), contribution="x"
    )
    assert row(case, world["env"]).state() == CoHandling.State.ANSWERED_LATE


@pytest.mark.parametrize("who", ["handler", "reviewer", "traffic_handler", "intake", "supervisor"])
def test_only_the_co_handling_department_contributes(world, who):
    case = co_handled_case(world)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.contribute_co_handling(
            case, world[who], co_handling=row(case, world["env"]), contribution="x"
        )
    assert row(case, world["env"]).is_waiting


def test_contributing_twice_or_with_nothing_is_refused(world):
    case = co_handled_case(world)
    with pytest.raises(workflow.TransitionNotAllowed, match="Write the contribution"):
        workflow.contribute_co_handling(
            case, world["env_handler"], co_handling=row(case, world["env"]), contribution=" "
        )
    workflow.contribute_co_handling(
        case, world["env_handler"], co_handling=row(case, world["env"]), contribution="x"
    )
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.contribute_co_handling(
            case, world["env_handler"], co_handling=row(case, world["env"]), contribution="y"
        )


def test_the_lead_releases_a_co_handler_with_a_reason(world):
    case = co_handled_case(world)
    with pytest.raises(workflow.TransitionNotAllowed, match="reason"):
        workflow.release_co_handler(case, world["reviewer"], co_handling=row(case, world["env"]), reason="")
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.release_co_handler(
            case, world["env_reviewer"], co_handling=row(case, world["env"]), reason="x"
        )
    workflow.release_co_handler(
        case, world["reviewer"], co_handling=row(case, world["env"]), reason="已另行查明"
    )
    released = row(case, world["env"])
    assert released.state() == CoHandling.State.RELEASED and released.release_reason == "已另行查明"
    assert not case.events.get(kind=K.CO_HANDLING_RELEASED).is_public


def test_the_draft_reply_waits_for_every_co_handler(world):
    case = co_handled_case(world)
    CoHandling.objects.create(case=case, department=world["traffic"], task="評估", due_on=TODAY)
    with pytest.raises(workflow.TransitionNotAllowed, match="交通局, 環境保護局"):
        workflow.submit_for_review(case, world["handler"], draft_reply="已查明。")
    workflow.contribute_co_handling(
        case, world["env_handler"], co_handling=row(case, world["env"]), contribution="x"
    )
    reason = workflow.refusal(world["handler"], case, "submit_for_review")
    assert "交通局" in reason and "環境保護局" not in reason
    workflow.release_co_handler(
        case, world["handler"], co_handling=row(case, world["traffic"]), reason="不需要"
    )
    case = workflow.submit_for_review(case, world["handler"], draft_reply="已查明。")
    assert case.status == Status.IN_REVIEW


# --- Screens ------------------------------------------------------------------------------------------


def test_routing_through_the_case_page_with_a_co_handler(client, world):
    case = accepted_case()
    client.force_login(world["intake"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Co-handling department 1" in page and "Task of co-handling department 1" in page
    url = reverse("casework:case_action", args=[case.pk, "route"])
    bad = client.post(url, {"route-department": world["dept"].pk, "route-co_department_1": world["env"].pk})
    assert (
        bad.status_code == 400 and "Describe the task of this co-handling department." in bad.content.decode()
    )
    response = client.post(
        url,
        {
            "route-department": world["dept"].pk,
            "route-co_department_1": world["env"].pk,
            "route-co_task_1": "查明污染源",
            "route-co_due_on_1": "2026-03-19",
        },
    )
    assert response.status_code == 302
    assert row(case, world["env"]).due_on == date(2026, 3, 19)


def test_the_co_handlers_inbox_shows_the_case_and_its_overdue_task(client, world):
    case = co_handled_case(world, due_on=TODAY - timedelta(days=1))
    client.force_login(world["env_handler"])
    page = client.get(reverse("casework:case_index"), {"inbox": "mine"}).content.decode()
    assert case.reference in page
    assert "Co-handling (環境保護局): Overdue, due 2026-03-09" in page
    department = client.get(reverse("casework:case_index"), {"inbox": "department"}).content.decode()
    assert case.reference in department


def test_the_co_handler_contributes_through_the_case_page_and_the_view_is_logged(client, world):
    case = co_handled_case(world)
    client.force_login(world["env_handler"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Contribution of your department" in page and "Pending" in page
    assert PersonalDataAccess.objects.filter(user=world["env_handler"], case=case).exists()
    url = reverse("casework:case_action", args=[case.pk, "contribute_co_handling"])
    co = row(case, world["env"]).pk
    bad = client.post(
        url, {"contribute_co_handling-co_handling": co, "contribute_co_handling-contribution": ""}
    )
    assert bad.status_code == 400 and row(case, world["env"]).is_waiting
    response = client.post(
        url,
        {"contribute_co_handling-co_handling": co, "contribute_co_handling-contribution": "污染源為上游工廠"},
    )
    assert response.status_code == 302
    client.force_login(world["handler"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Answered" in page and "污染源為上游工廠" in page


def test_the_case_page_shows_each_co_handlers_state(client, world):
    case = co_handled_case(world, due_on=TODAY - timedelta(days=1))
    CoHandling.objects.create(
        case=case,
        department=world["traffic"],
        task="評估",
        due_on=TODAY,
        released_at=NOW,
        release_reason="不需要",
    )
    client.force_login(world["reviewer"])
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "Co-handling departments" in page
    assert "co-handling-state--overdue" in page and "co-handling-state--released" in page
    assert 'id="step-release_co_handler"' in page


def test_an_outsider_gets_no_case_page(client, world):
    case = co_handled_case(world)
    client.force_login(world["traffic_handler"])
    assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 404


# --- Figures ------------------------------------------------------------------------------------------


def test_statistics_and_assessment_count_leading_and_co_handling_apart(world):
    on_time = co_handled_case(world, received_at=NOW - timedelta(days=3))
    late = co_handled_case(world, due_on=TODAY - timedelta(days=1), received_at=NOW - timedelta(days=2))
    workflow.contribute_co_handling(
        on_time, world["env_handler"], co_handling=row(on_time, world["env"]), contribution="x"
    )
    workflow.contribute_co_handling(
        late, world["env_handler"], co_handling=row(late, world["env"]), contribution="y"
    )
    figures = statistics.co_handling_by_department(TODAY.replace(day=1), TODAY)
    assert figures[world["dept"].pk]["led"] == 2 and figures[world["dept"].pk]["co_handled"] == 0
    assert figures[world["env"].pk] | {} == {
        "led": 0,
        "co_handled": 2,
        "co_answered": 2,
        "co_on_time": 1,
        "co_released": 0,
        "co_waiting": 0,
    }
    departments, _handlers = assessment.assess(TODAY.replace(day=1), TODAY, [world["dept"], world["env"]])
    rows = dict(departments)
    assert rows["工務局"]["cases"] == 2 and rows["工務局"]["co_handled"] == 0
    assert rows["環境保護局"]["cases"] == 0 and rows["環境保護局"]["co_handled"] == 2
    assert rows["環境保護局"]["co_handling_on_time"] == 0.5


def test_the_supervision_round_reminds_a_co_handling_department_once_when_its_task_is_overdue(world):
    from casework import supervision

    case = co_handled_case(world, due_on=TODAY - timedelta(days=1))
    co_handled_case(world, due_on=TODAY + timedelta(days=1))  # not due yet: no reminder
    supervision.run(TODAY)
    supervision.run(TODAY)
    reminded = OutboxMessage.objects.filter(template="co_handling_overdue")
    assert set(reminded.values_list("user", flat=True)) == {world["env_handler"].pk, world["env_reviewer"].pk}
    assert set(reminded.values_list("case", flat=True)) == {case.pk}


def test_the_refusal_to_draft_is_in_the_staff_members_language(world):
    case = co_handled_case(world)
    with translation.override("zh-hant"):
        assert "協辦部門：環境保護局" in workflow.refusal(world["handler"], case, "submit_for_review")


def test_the_co_handlers_overdue_inbox_holds_its_late_task_and_its_unassigned_inbox_the_leads_cases_only(
    client, world
):
    late = co_handled_case(world, due_on=TODAY - timedelta(days=1), due_date=TODAY + timedelta(days=9))
    unassigned = co_handled_case(
        world, status=Status.ROUTED, handler=None, due_date=TODAY + timedelta(days=9)
    )
    client.force_login(world["env_reviewer"])
    overdue = client.get(reverse("casework:case_index"), {"inbox": "overdue"}).content.decode()
    assert late.reference in overdue and unassigned.reference not in overdue
    page = client.get(reverse("casework:case_index"), {"inbox": "unassigned"}).content.decode()
    assert unassigned.reference not in page
    client.force_login(world["reviewer"])
    assert (
        unassigned.reference
        in client.get(reverse("casework:case_index"), {"inbox": "unassigned"}).content.decode()
    )


def test_the_statistics_page_lists_the_cases_each_department_co_handled(client, world):
    co_handled_case(world, received_at=NOW - timedelta(days=3))
    client.force_login(world["manager"])
    page = client.get("/admin/statistics/", {"start": "2026-03-01", "end": "2026-03-31"}).content.decode()
    table = page[page.index('id="statistics-co_handling"') :]
    table = table[: table.index("</table>")]
    assert "Cases co-handled by department" in table
    assert '<th scope="row">環境保護局</th><td>1</td>' in table
