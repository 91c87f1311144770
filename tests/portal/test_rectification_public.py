"""What the public reads of rectification: the citizen their case's measures and their completion on
the tracking page (no staff names), and everyone the aggregated figures of a disclosure report (no
personal data, small counts suppressed)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation
from wagtail.models import Locale

from casework import citizen_vocabulary, roles, workflow
from casework.models import Category, Channel, Event, OutboxMessage, RectificationMeasure, Status
from portal.disclosure import DisclosureIndexPage, DisclosureReportPage, disclosure_figures
from tests.factories import CaseFactory, DepartmentFactory, staff

from .appeal_pages import TRACK_URL, appeal_pages  # noqa: F401

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Taipei"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office(db):
    dept, transport = (
        DepartmentFactory(name="工務局", code="pwd"),
        DepartmentFactory(name="交通局", code="dot"),
    )
    return {
        "dept": dept,
        "transport": transport,
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR, first_name="督辦", last_name="歐陽"),
        "handler": staff(roles.HANDLER, dept, first_name="承辦", last_name="司馬"),
        "reviewer": staff(roles.REVIEWER, dept, first_name="審核", last_name="諸葛"),
        "transport_handler": staff(roles.HANDLER, transport, first_name="交通", last_name="上官"),
    }


STAFF_NAMES = ("司馬承辦", "諸葛審核", "歐陽督辦", "上官交通", "承辦 司馬")


@pytest.mark.usefixtures("appeal_pages", "admin_access")
def test_the_citizen_follows_the_measures_until_verified_and_is_told(
    client, office, django_capture_on_commit_callbacks
):
    case, code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category=Category.COMPLAINT,
        subject="工地夜間施工噪音",
        content="工地每晚施工到十二點。",
        citizen_email="chen@example.org",
    )
    case = workflow.accept(case, office["intake"])
    case = workflow.route(case, office["intake"], office["dept"])
    case = workflow.record_handling_plan(case, office["handler"], "會勘")
    workflow.record_outcome(
        case,
        office["handler"],
        characterisation="屬實",
        measures="已開罰",
        rectification="施工噪音改善",
        rectification_measures=[
            ("加裝隔音牆", office["dept"], office["handler"], TODAY + timedelta(days=10)),
            (
                "調整夜間交通管制",
                office["transport"],
                office["transport_handler"],
                TODAY + timedelta(days=20),
            ),
        ],
    )
    client.post(TRACK_URL, {"action": "lookup", "reference": case.reference, "access_code": code})
    # Not while the reply is still being drafted.
    assert "加裝隔音牆" not in client.get(TRACK_URL).content.decode()

    case = workflow.submit_for_review(case, office["handler"], "已責令改善。")
    case = workflow.approve_draft(case, office["reviewer"])
    case = workflow.reply(case, office["handler"])
    html = client.get(TRACK_URL).content.decode()
    assert 'id="rectification-measures"' in html
    assert "加裝隔音牆" in html and "調整夜間交通管制" in html
    assert (TODAY + timedelta(days=10)).isoformat() in html
    with translation.override("zh-hant"):
        planned = str(citizen_vocabulary.MEASURE_STATES[RectificationMeasure.State.PLANNED])
        checked = str(citizen_vocabulary.MEASURE_STATES[RectificationMeasure.State.VERIFIED])
        verified_label = str(citizen_vocabulary.label(Event.Kind.MEASURE_VERIFIED))
    assert planned in html and checked not in html

    wall = RectificationMeasure.objects.get(description="加裝隔音牆")
    workflow.carry_out_measure(
        case, office["handler"], measure=wall, note="隔音牆完工，內部備註", done_on=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify_measure(case, office["supervisor"], measure=wall, note="複查屬實，內部意見")
    html = client.get(TRACK_URL).content.decode()
    assert checked in html and verified_label in html
    # Staff names and their internal notes never reach the citizen.
    for name in STAFF_NAMES:
        assert name not in html
    assert "內部備註" not in html and "內部意見" not in html
    # A message through the outbox, in the citizen's words.
    message = OutboxMessage.objects.get(
        template="case_event", context__event=case.events.get(kind=Event.Kind.MEASURE_VERIFIED).pk
    )
    assert message.address == "chen@example.org"


def received(month, day):
    return timezone.make_aware(datetime(2020, month, day, 10))


def measures_for(case, department, states):
    for i, state in enumerate(states):
        outcome = case.outcomes.first() or case.outcomes.create(characterisation="屬實")
        RectificationMeasure.objects.create(
            case=case,
            outcome=outcome,
            description=f"私密措施{i}",
            department=department,
            deadline=date(2026, 3, 1) if state == "overdue" else date(2026, 4, 1),
            state=RectificationMeasure.State.PLANNED if state == "overdue" else state,
        )


def test_the_public_figures_count_measures_by_progress_and_department_and_suppress_small_counts(office):
    cases = [
        CaseFactory(
            category=Category.COMPLAINT,
            status=Status.CLOSED,
            department=office["dept"],
            received_at=received(1, 1 + i),
            citizen_name=f"甄獨特{i}",
        )
        for i in range(8)
    ]
    V, P = RectificationMeasure.State.VERIFIED, RectificationMeasure.State.PLANNED
    for case in cases[:6]:
        measures_for(case, office["dept"], [V])
    measures_for(cases[6], office["dept"], [P, P, P, P, P, "overdue"])
    measures_for(cases[7], office["transport"], [RectificationMeasure.State.CARRIED_OUT])
    # Outside the period: not counted.
    later = CaseFactory(category=Category.COMPLAINT, received_at=received(6, 1))
    measures_for(later, office["dept"], [V])

    figures = disclosure_figures(date(2020, 1, 1), date(2020, 3, 31), k=5)
    rectification = figures["rectification"]
    state = rectification["state"]
    assert state["total"] == 13 and state["values"]["verified"] == 6
    # 1 overdue and 1 carried out are hidden, and the 5 planned with them (two hidden counts adding
    # up to 2 would be given away by the total): the 6 verified stay shown.
    assert state["values"] == {"planned": None, "overdue": None, "carried_out": None, "verified": 6}
    department = rectification["department"]
    assert department["total"] == 13
    assert department["values"]["工務局"] is None and department["values"]["交通局"] is None
    # Department names and counts only: no measure text, no citizen.
    text = str(rectification)
    assert "私密措施" not in text and "甄獨特" not in text


def test_few_measures_hide_the_whole_section(office):
    case = CaseFactory(category=Category.COMPLAINT, status=Status.CLOSED, received_at=received(1, 5))
    measures_for(case, office["dept"], [RectificationMeasure.State.VERIFIED])
    rectification = disclosure_figures(date(2020, 1, 1), date(2020, 3, 31), k=5)["rectification"]
    assert rectification["state"]["total"] is None
    assert set(rectification["state"]["values"].values()) == {None}
    assert set(rectification["department"]["values"].values()) == {None}


def test_no_measures_no_section(office):
    CaseFactory(category=Category.COMPLAINT, received_at=received(1, 5))
    assert disclosure_figures(date(2020, 1, 1), date(2020, 3, 31))["rectification"] is None


@pytest.mark.django_db
def test_the_demo_report_shows_the_rectification_section_without_personal_data(demo_site, client):
    index = DisclosureIndexPage.objects.get(locale=Locale.objects.get(language_code="zh-hant"))
    report = DisclosureReportPage.objects.child_of(index).live().first()
    assert report.figures.get("rectification")
    html = client.get(report.url).content.decode()
    assert 'id="rectification"' in html and 'id="table-rectification_state"' in html
    for measure in RectificationMeasure.objects.select_related("case"):
        assert measure.description not in html
        assert measure.case.citizen_name not in html
    csv_text = client.get(report.url + "csv/").content.decode("utf-8-sig")
    assert "rectification_state" in csv_text
