"""Rectification to the end (整改): an outcome's measures, each with its owner department and deadline,
carried out by that department, verified by a reviewer or a supervisor (or returned), followed in the
rectification ledger until verified, and taken up by the supervision round once overdue."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from casework import access, roles, supervision, workflow
from casework.forms import OutcomeForm
from casework.models import (
    Category,
    Event,
    OutboxMessage,
    PersonalDataAccess,
    RectificationMeasure,
    Status,
    SupervisionNotice,
)
from casework.workflow import TransitionNotAllowed
from reporting import rectification
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

M = RectificationMeasure.State
# A Tuesday in the office's time zone.
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))
TODAY = NOW.date()
LEDGER = "/admin/rectification/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(office):
    """The office, and a second department (transport) that owns one measure of a works complaint."""
    transport = DepartmentFactory(name="交通局", code="dot")
    return {
        **office,
        "transport": transport,
        "transport_handler": staff(roles.HANDLER, transport, first_name="交通", last_name="承辦"),
        "auditor": staff(roles.AUDITOR),
    }


def complaint(world, **kwargs):
    fields = {
        "category": Category.COMPLAINT,
        "status": Status.IN_PROGRESS,
        "department": world["dept"],
        "handler": world["handler"],
        "citizen_name": "陳美玲",
        "citizen_email": "chen@example.org",
    }
    return CaseFactory(**{**fields, **kwargs})


def with_measures(world, case=None):
    """A complaint whose outcome sets two measures: one for the works department, one for transport."""
    case = case or complaint(world)
    workflow.record_outcome(
        case,
        world["handler"],
        characterisation="屬實",
        measures="已派員稽查",
        rectification="工地夜間施工噪音改善",
        rectification_measures=[
            ("加裝隔音牆", world["dept"], world["handler"], TODAY + timedelta(days=10)),
            ("調整夜間交通管制", world["transport"], None, TODAY + timedelta(days=20)),
        ],
    )
    return case


def measure(description):
    return RectificationMeasure.objects.get(description=description)


# --- Recording ---------------------------------------------------------------------------------------


def test_an_outcome_records_its_measures_with_owner_and_deadline(world):
    case = with_measures(world)
    wall, traffic = measure("加裝隔音牆"), measure("調整夜間交通管制")
    assert (wall.department, wall.owner, wall.deadline, wall.state) == (
        world["dept"],
        world["handler"],
        TODAY + timedelta(days=10),
        M.PLANNED,
    )
    assert traffic.department == world["transport"] and traffic.owner is None
    # The outcome's deadline is the latest measure's when none is given.
    assert case.outcomes.get().rectification_deadline == TODAY + timedelta(days=20)
    event = case.events.get(kind=Event.Kind.OUTCOME)
    assert [m["what"] for m in event.data["rectification_measures"]] == ["加裝隔音牆", "調整夜間交通管制"]


def test_a_rectification_written_without_measures_is_followed_as_one(world):
    case = complaint(world)
    workflow.record_outcome(
        case,
        world["handler"],
        characterisation="屬實",
        measures="已派員稽查",
        rectification="限期改善",
        rectification_deadline=TODAY + timedelta(days=7),
    )
    only = RectificationMeasure.objects.get(case=case)
    assert (only.description, only.department, only.deadline) == (
        "限期改善",
        world["dept"],
        TODAY + timedelta(days=7),
    )


def test_a_measure_with_a_past_deadline_or_an_outsider_as_owner_is_refused(world):
    case = complaint(world)
    for bad in [
        ("加裝隔音牆", world["dept"], None, TODAY - timedelta(days=1)),
        ("加裝隔音牆", world["dept"], world["transport_handler"], TODAY + timedelta(days=3)),
        ("", world["dept"], None, TODAY + timedelta(days=3)),
    ]:
        with pytest.raises(TransitionNotAllowed):
            workflow.record_outcome(
                case, world["handler"], characterisation="屬實", measures="x", rectification_measures=[bad]
            )
    assert not RectificationMeasure.objects.exists() and not case.outcomes.exists()


def test_the_outcome_form_reads_several_measures_and_skips_empty_rows(world):
    case = complaint(world)
    data = {
        "record_outcome-characterisation": "屬實",
        "record_outcome-measures": "已派員稽查",
        "record_outcome-measure_1_description": "加裝隔音牆",
        "record_outcome-measure_1_department": world["dept"].pk,
        "record_outcome-measure_1_deadline": "2026-03-20",
        "record_outcome-measure_2_description": "調整夜間交通管制",
        "record_outcome-measure_2_department": world["transport"].pk,
        "record_outcome-measure_2_deadline": "2026-03-30",
        # A third row left as offered: only its department is chosen (the case's).
        "record_outcome-measure_3_department": world["dept"].pk,
    }
    form = OutcomeForm(data, case=case, user=world["handler"], prefix="record_outcome")
    assert form.is_valid(), form.errors
    assert [m[0] for m in form.cleaned_data["rectification_measures"]] == ["加裝隔音牆", "調整夜間交通管制"]
    assert form.fields["measure_1_description"].label == "Measure 1: what will be done"


def test_a_half_filled_measure_row_is_a_form_error_not_a_500(client, world):
    case = complaint(world)
    client.force_login(world["handler"])
    response = client.post(
        reverse("casework:case_action", args=[case.pk, "record_outcome"]),
        {
            "record_outcome-characterisation": "屬實",
            "record_outcome-measures": "已派員稽查",
            "record_outcome-measure_1_description": "加裝隔音牆",
        },
    )
    assert response.status_code == 400
    with translation.override("zh-hant"):
        error = str(_("Each measure needs what is to be done, its department and its deadline."))
    assert error in response.content.decode()
    assert not case.outcomes.exists()


def test_the_case_department_adds_a_measure_later_even_after_closing(world):
    case = with_measures(world)
    case.status = Status.CLOSED
    case.save()
    assert not workflow.can(world["intake"], case, "add_measure")
    assert not workflow.can(world["transport_handler"], case, "add_measure")
    workflow.add_measure(
        case,
        world["reviewer"],
        description="複查噪音",
        department=world["dept"],
        deadline=TODAY + timedelta(days=5),
    )
    added = measure("複查噪音")
    assert added.state == M.PLANNED and added.outcome == case.outcomes.get()
    assert case.events.filter(kind=Event.Kind.MEASURE_ADDED, is_public=False).exists()


def test_no_measure_before_an_outcome(world):
    case = complaint(world)
    assert not workflow.can(world["handler"], case, "add_measure")


# --- Carried out, verified, returned -------------------------------------------------------------------


def test_the_owning_department_carries_out_its_measure_and_sees_the_case(world):
    case = with_measures(world)
    traffic = measure("調整夜間交通管制")
    outsider = world["transport_handler"]
    # Transport sees the works case because it owns a measure, but not the citizen's identity.
    assert access.cases_visible_to(outsider).filter(pk=case.pk).exists()
    assert not access.can_see_personal_data(outsider, case)
    # The works handler cannot record transport's measure.
    with pytest.raises(TransitionNotAllowed):
        workflow.carry_out_measure(case, world["handler"], measure=traffic, note="done")
    with pytest.raises(TransitionNotAllowed):
        workflow.carry_out_measure(
            case, outsider, measure=traffic, note="done", done_on=TODAY + timedelta(days=1)
        )
    workflow.carry_out_measure(case, outsider, measure=traffic, note="已調整號誌時相", done_on=TODAY)
    traffic.refresh_from_db()
    assert (traffic.state, traffic.carried_out_on, traffic.carried_out_by) == (M.CARRIED_OUT, TODAY, outsider)
    event = case.events.get(kind=Event.Kind.MEASURE_CARRIED_OUT)
    assert not event.is_public and "已調整號誌時相" in event.text
    # The case's reviewers hear that it waits for their verification.
    assert OutboxMessage.objects.filter(template="rectification", user=world["reviewer"]).exists()


@pytest.mark.parametrize(
    "who,allowed", [("reviewer", True), ("supervisor", True), ("handler", False), ("intake", False)]
)
def test_reviewers_and_supervisors_verify(world, who, allowed):
    case = with_measures(world)
    wall = measure("加裝隔音牆")
    workflow.carry_out_measure(case, world["handler"], measure=wall, note="隔音牆完工")
    assert workflow.can(world[who], case, "verify_measure") is allowed


def test_a_verified_measure_is_told_to_the_citizen(world, django_capture_on_commit_callbacks):
    case = with_measures(world)
    wall = measure("加裝隔音牆")
    workflow.carry_out_measure(case, world["handler"], measure=wall, note="隔音牆完工")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify_measure(case, world["reviewer"], measure=wall, note="現場確認")
    wall.refresh_from_db()
    assert wall.state == M.VERIFIED and wall.verified_by == world["reviewer"]
    event = case.events.get(kind=Event.Kind.MEASURE_VERIFIED)
    assert event.is_public and "加裝隔音牆" in event.text
    message = OutboxMessage.objects.get(template="case_event", context__event=event.pk)
    assert message.address == "chen@example.org"


def test_the_one_who_carried_out_a_measure_does_not_verify_it(world):
    case = with_measures(world)
    wall = measure("加裝隔音牆")
    workflow.carry_out_measure(case, world["reviewer"], measure=wall, note="隔音牆完工")
    with pytest.raises(TransitionNotAllowed):
        workflow.verify_measure(case, world["reviewer"], measure=wall)
    workflow.verify_measure(case, world["supervisor"], measure=wall)


def test_a_returned_measure_goes_back_to_its_department(world):
    case = with_measures(world)
    traffic = measure("調整夜間交通管制")
    workflow.carry_out_measure(case, world["transport_handler"], measure=traffic, note="已調整")
    with pytest.raises(TransitionNotAllowed):
        workflow.return_measure(case, world["reviewer"], measure=traffic, note="  ")
    workflow.return_measure(case, world["reviewer"], measure=traffic, note="夜間仍有壅塞，請再調整")
    traffic.refresh_from_db()
    assert traffic.state == M.PLANNED and traffic.return_note == "夜間仍有壅塞，請再調整"
    assert not case.events.get(kind=Event.Kind.MEASURE_RETURNED).is_public
    # Transport has no reviewer: the measure has no owner, so the supervisors are not told; the
    # department's reviewers are (none here), and it can carry it out again.
    workflow.carry_out_measure(case, world["transport_handler"], measure=traffic, note="再次調整")
    traffic.refresh_from_db()
    assert traffic.state == M.CARRIED_OUT


def test_the_case_page_lists_the_measures_and_offers_the_steps(client, world):
    case = with_measures(world)
    client.force_login(world["handler"])
    html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "加裝隔音牆" in html and "調整夜間交通管制" in html
    assert 'id="step-carry_out_measure"' in html and 'id="step-add_measure"' in html
    response = client.post(
        reverse("casework:case_action", args=[case.pk, "carry_out_measure"]),
        {
            "carry_out_measure-measure": measure("加裝隔音牆").pk,
            "carry_out_measure-note": "隔音牆完工",
            "carry_out_measure-done_on": "2026-03-10",
        },
    )
    assert response.status_code == 302
    assert measure("加裝隔音牆").state == M.CARRIED_OUT


# --- The rectification ledger ----------------------------------------------------------------------------


def csv_rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def ledger_world(world):
    closed = with_measures(world)
    wall, traffic = measure("加裝隔音牆"), measure("調整夜間交通管制")
    workflow.carry_out_measure(closed, world["handler"], measure=wall, note="完工")
    workflow.verify_measure(closed, world["reviewer"], measure=wall)
    workflow.carry_out_measure(closed, world["transport_handler"], measure=traffic, note="已調整")
    closed.status = Status.CLOSED
    closed.save()
    late = complaint(world, citizen_name="張大同")
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        workflow.record_outcome(
            late,
            world["handler"],
            characterisation="屬實",
            measures="x",
            rectification_measures=[("清除違規廣告", world["dept"], None, date(2026, 3, 1))],
        )
    return {**world, "closed": closed, "late": late}


def test_the_ledger_keeps_unverified_measures_of_closed_cases(client, ledger_world):
    client.force_login(ledger_world["supervisor"])
    rows = csv_rows(client.get(LEDGER, {"format": "csv"}))
    with translation.override("zh-hant"):
        assert rows[0] == rectification.header()
    measures = {row[1]: row for row in rows[1:]}
    # Verified: gone from the default view; carried out on a closed case: still there.
    assert set(measures) == {"調整夜間交通管制", "清除違規廣告"}
    # (The admin speaks the office's language here.) Overdue: the late one only.
    assert measures["清除違規廣告"][7] and not measures["調整夜間交通管制"][7]
    # Names masked, nothing logged.
    assert measures["清除違規廣告"][-1] == "張*同"
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    "state,expected",
    [
        ("overdue", {"清除違規廣告"}),
        ("carried_out", {"調整夜間交通管制"}),
        ("verified", {"加裝隔音牆"}),
        ("all", {"加裝隔音牆", "調整夜間交通管制", "清除違規廣告"}),
        ("nonsense", set()),
    ],
)
def test_the_ledger_filters(client, ledger_world, state, expected):
    client.force_login(ledger_world["auditor"])
    rows = csv_rows(client.get(LEDGER, {"format": "csv", "state": state}))
    assert {row[1] for row in rows[1:]} == expected


def test_the_ledger_page_and_xlsx_export_with_names_are_logged(client, ledger_world):
    client.force_login(ledger_world["supervisor"])
    page = client.get(LEDGER, {"state": "all", "unmask": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "清除違規廣告" in html and "張大同" in html
    logged = set(PersonalDataAccess.objects.values_list("case_id", flat=True))
    assert logged == {ledger_world["closed"].pk, ledger_world["late"].pk}
    # One record per case, even with two measures of it on the page.
    assert PersonalDataAccess.objects.filter(case=ledger_world["closed"]).count() == 1
    response = client.get(LEDGER, {"state": "all", "unmask": "1", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert "張大同" in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert PersonalDataAccess.objects.filter(what__contains="export (xlsx)").count() == 2


def test_the_ledger_is_scoped_to_the_users_departments(client, ledger_world):
    client.force_login(ledger_world["transport_handler"])
    rows = csv_rows(client.get(LEDGER, {"format": "csv", "state": "all", "unmask": "1"}))
    # Transport sees the case whose measure it owns (all its measures), not the other; no names.
    assert {row[0] for row in rows[1:]} == {ledger_world["closed"].reference}
    assert all(row[-1] != "陳美玲" for row in rows[1:])
    assert not PersonalDataAccess.objects.exists()


def test_the_ledger_is_in_the_casework_menu_and_closed_to_others(client, ledger_world):
    client.force_login(ledger_world["handler"])
    assert LEDGER in client.get("/admin/").content.decode()
    editor = staff(roles.EDITOR)
    client.force_login(editor)
    assert client.get(LEDGER).status_code in (302, 403)


# --- Supervision of overdue measures -------------------------------------------------------------------------


def test_an_overdue_measure_gets_a_notice_to_its_department_once_per_level(world):
    case = with_measures(world)
    traffic = measure("調整夜間交通管制")
    workflow.carry_out_measure(case, world["handler"], measure=measure("加裝隔音牆"), note="完工")
    case.status = Status.CLOSED
    case.save()
    transport_reviewer = staff(roles.REVIEWER, world["transport"])
    due = traffic.deadline
    assert supervision.measure_notices(due) == 0
    assert supervision.measure_notices(due + timedelta(days=1)) == 1
    notice = SupervisionNotice.objects.get(stage=workflow.measure_stage(traffic))
    assert notice.department == world["transport"] and notice.level == 1
    assert "調整夜間交通管制" in notice.text
    assert OutboxMessage.objects.filter(template="supervision", user=transport_reviewer).exists()
    # The same day again, or the whole round: nothing new.
    assert supervision.measure_notices(due + timedelta(days=1)) == 0
    supervision.run(due + timedelta(days=1))
    assert SupervisionNotice.objects.filter(stage=workflow.measure_stage(traffic)).count() == 1
    # Still not carried out after the repeat days: one rung up.
    later = due + timedelta(days=1 + supervision.repeat_days())
    assert supervision.measure_notices(later) == 1
    assert sorted(SupervisionNotice.objects.values_list("level", flat=True)) == [1, 2]


def test_carrying_out_answers_the_measures_notices_and_stops_them(world):
    case = with_measures(world)
    wall = measure("加裝隔音牆")
    supervision.measure_notices(wall.deadline + timedelta(days=1))
    workflow.carry_out_measure(case, world["handler"], measure=wall, note="隔音牆完工")
    notice = SupervisionNotice.objects.get(stage=workflow.measure_stage(wall))
    assert notice.answered_at is not None and notice.response == "隔音牆完工"
    supervision.measure_notices(wall.deadline + timedelta(days=30))
    assert SupervisionNotice.objects.filter(stage=workflow.measure_stage(wall)).count() == 1


def test_a_measures_notice_climbs_by_level_not_through_the_cases_department(world):
    case = with_measures(world)
    wall = measure("加裝隔音牆")
    day = wall.deadline + timedelta(days=1)
    supervision.measure_notices(day)
    # Past the notice's response date the round does not escalate it to the case's people: its
    # next level (after the repeat days) does, to the owning department and up the ladder.
    later = day + timedelta(days=supervision.repeat_days())
    assert supervision.escalate_overdue(later) == 0
    assert SupervisionNotice.objects.filter(escalations__gt=0).count() == 0
    assert case.status == Status.IN_PROGRESS
