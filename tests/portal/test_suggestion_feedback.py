"""The proposer of a suggestion reads the decision, its reasons and the implementation plan's
milestones on the tracking page, in their own words."""

from datetime import date

import pytest
from django.utils import timezone, translation

from casework import citizen_vocabulary, roles, workflow
from casework.models import Category, Channel, Event, Milestone, Outcome
from tests.factories import DepartmentFactory, staff

from .appeal_pages import TRACK_URL, appeal_pages  # noqa: F401

pytestmark = pytest.mark.usefixtures("appeal_pages", "admin_access")


@pytest.fixture
def office(db):
    dept = DepartmentFactory(name="工務局", code="pwd")
    return {
        "dept": dept,
        "intake": staff(roles.INTAKE_OFFICER),
        "handler": staff(roles.HANDLER, dept),
        "reviewer": staff(roles.REVIEWER, dept),
    }


def test_the_proposer_follows_the_adoption_and_its_milestones(client, office):
    case, code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category=Category.SUGGESTION,
        subject="拓寬人行道",
        content="學校前人行道太窄。",
        citizen_email="wang@example.org",
    )
    case = workflow.accept(case, office["intake"])
    case = workflow.route(case, office["intake"], office["dept"])
    case = workflow.record_handling_plan(case, office["handler"], "會勘")
    workflow.record_outcome(
        case,
        office["handler"],
        adoption=Outcome.Adoption.PARTLY,
        adoption_reasons="校門口一段先行拓寬，其餘路段待經費。",
        implementation_plan="分兩期辦理",
        milestones=[("完成設計", date(2026, 3, 31)), ("完成施工", date(2026, 6, 30))],
    )
    client.post(TRACK_URL, {"action": "lookup", "reference": case.reference, "access_code": code})
    # Not while the reply is still being drafted and reviewed.
    assert "校門口一段先行拓寬" not in client.get(TRACK_URL).content.decode()

    case = workflow.submit_for_review(case, office["handler"], "感謝建議。")
    case = workflow.approve_draft(case, office["reviewer"])
    case = workflow.reply(case, office["handler"])
    html = client.get(TRACK_URL).content.decode()
    with translation.override("zh-hant"):
        decision = str(citizen_vocabulary.ADOPTION[Outcome.Adoption.PARTLY])
        done_label = str(citizen_vocabulary.label(Event.Kind.MILESTONE_DONE))
    assert decision in html and "校門口一段先行拓寬" in html and "分兩期辦理" in html
    assert "完成設計" in html and "2026-03-31" in html and "2026-06-30" in html
    assert done_label not in html

    workflow.complete_milestone(case, office["handler"], Milestone.objects.get(what="完成設計"))
    html = client.get(TRACK_URL).content.decode()
    assert done_label in html and timezone.localdate().isoformat() in html
