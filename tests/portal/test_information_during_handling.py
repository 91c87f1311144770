"""A department asks the citizen for more information or evidence while it handles the case: the
clock stops, the citizen answers on the tracking page and the case goes on where it was."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from casework import citizen_vocabulary, roles, workflow
from casework.models import Category, Channel, Event, OutboxMessage, Status
from casework.workflow import TransitionNotAllowed
from tests.factories import DepartmentFactory, staff

from .appeal_pages import TRACK_URL, appeal_pages  # noqa: F401

pytestmark = pytest.mark.usefixtures("appeal_pages", "admin_access")

# 2026-01-05 is a Monday; the test database has no holidays, so only weekends are skipped.
MONDAY = date(2026, 1, 5)


def at(day, hour=10):
    return time_machine.travel(timezone.make_aware(datetime(day.year, day.month, day.day, hour)), tick=False)


@pytest.fixture
def office(db):
    dept, other = (
        DepartmentFactory(name="環境保護局", code="epb"),
        DepartmentFactory(name="交通局", code="dot"),
    )
    return {
        "dept": dept,
        "intake": staff(roles.INTAKE_OFFICER),
        "handler": staff(roles.HANDLER, dept),
        "reviewer": staff(roles.REVIEWER, dept),
        "other_handler": staff(roles.HANDLER, other),
    }


def complaint_in_progress(office):
    case, code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category=Category.COMPLAINT,
        subject="工地夜間施工噪音",
        content="每晚十一點後仍在施工。",
        citizen_name="王小明",
        citizen_email="wang@example.org",
    )
    case = workflow.accept(case, office["intake"])
    case = workflow.route(case, office["intake"], office["dept"])
    case = workflow.record_handling_plan(case, office["handler"], "派員夜間稽查")
    return case, code


def test_the_handler_asks_and_the_citizen_answers_from_the_tracking_page(client, office):
    with at(MONDAY):
        case, code = complaint_in_progress(office)
    reply_due = case.reply_due
    assert case.status == Status.IN_PROGRESS

    with at(MONDAY + timedelta(days=1)):
        case = workflow.request_evidence(case, office["handler"], "請提供夜間施工的錄影或照片。")
    assert case.status == Status.AWAITING_INFORMATION and case.is_paused
    # While the citizen is awaited, the case keeps the date of the stage it was in.
    assert case.due_date == reply_due
    request = case.events.get(kind=Event.Kind.INFORMATION_REQUESTED)
    assert request.is_public and citizen_vocabulary.is_for_citizen(request)
    # The citizen is told, as for intake's requests.
    assert OutboxMessage.objects.filter(case=case, context__event=request.pk).exists()

    # A week later (five working days), the citizen answers on the portal.
    with at(MONDAY + timedelta(days=8)):
        client.post(TRACK_URL, {"action": "lookup", "reference": case.reference, "access_code": code})
        html = client.get(TRACK_URL).content.decode()
        assert "請提供夜間施工的錄影或照片。" in html and 'value="information"' in html
        response = client.post(TRACK_URL, {"action": "information", "text": "錄影已上傳雲端，連結如下。"})
        assert response.status_code == 302
        timeline = client.get(TRACK_URL).content.decode()

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.is_paused
    assert case.stage_before_information == ""
    # The reply date moved by the five paused working days: one calendar week.
    assert case.reply_due == reply_due + timedelta(days=7) and case.due_date == case.reply_due
    answer = case.events.get(kind=Event.Kind.INFORMATION_RECEIVED)
    assert answer.is_public and answer.actor is None
    with translation.override("zh-hant"):
        received = str(citizen_vocabulary.label(Event.Kind.INFORMATION_RECEIVED))
    assert "錄影已上傳雲端" in timeline and received in timeline
    # The handler takes the next step of the stage the case came back to.
    workflow.record_outcome(case, office["handler"], characterisation="屬實", measures="已裁處")


def test_a_routed_case_goes_back_to_routed_with_its_plan_date_moved(office):
    with at(MONDAY):
        case, _code = workflow.register_case(
            actor=None, channel=Channel.WEB, category=Category.COMPLAINT, subject="噪音", content="施工噪音"
        )
        case = workflow.route(workflow.accept(case, office["intake"]), office["intake"], office["dept"])
    plan_due = case.handling_plan_due
    with at(MONDAY + timedelta(days=1)):
        case = workflow.request_evidence(case, office["reviewer"], "請說明施工地點。")
    with at(MONDAY + timedelta(days=3)):
        case = workflow.receive_information(case, office["handler"], "民眾來電：地點在中山路口")
    assert case.status == Status.ROUTED
    assert case.handling_plan_due == plan_due + timedelta(days=2)
    # Recorded by staff from a phone call: an internal note, not the citizen's own words online.
    assert not case.events.get(kind=Event.Kind.INFORMATION_RECEIVED).is_public


def test_a_handler_of_another_department_cannot_ask(office):
    with at(MONDAY):
        case, _code = complaint_in_progress(office)
    with pytest.raises(TransitionNotAllowed):
        workflow.request_evidence(case, office["other_handler"], "請提供照片。")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.is_paused
    assert not case.events.filter(kind=Event.Kind.INFORMATION_REQUESTED).exists()


def test_a_request_needs_words_for_the_citizen(office):
    with at(MONDAY):
        case, _code = complaint_in_progress(office)
    with pytest.raises(TransitionNotAllowed):
        workflow.request_evidence(case, office["handler"], "  ")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.is_paused


def test_intake_requests_still_go_back_to_screening(office):
    with at(MONDAY):
        case, _code = workflow.register_case(
            actor=None, channel=Channel.WEB, category=Category.INQUIRY, subject="路燈", content="路燈不亮"
        )
        case = workflow.request_information(case, office["intake"], "請提供路燈編號。")
    assert case.status == Status.AWAITING_INFORMATION
    with at(MONDAY + timedelta(days=1)):
        case = workflow.receive_information(case, None, "A-12")
    assert case.status == Status.RECEIVED and not case.is_paused
    # Screening is the intake's: the department may not ask before it has the case.
    assert not workflow.can(office["handler"], case, "request_evidence")
