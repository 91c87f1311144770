"""Every transition, allowed and refused by role, department and state; and what each one records."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from casework import roles, workflow
from casework.models import (
    Category,
    Channel,
    CoHandling,
    Event,
    Milestone,
    Outcome,
    Pause,
    RectificationMeasure,
    Satisfaction,
    Status,
    SupervisionNotice,
    Visit,
)
from casework.workflow import TransitionNotAllowed
from tests.factories import CaseFactory, DepartmentFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

S = Status

# The specification, written out independently of casework.workflow.RULES:
# action -> (states it starts from, actors who may perform it).
DEPT = {"handler", "reviewer"}
MEASURE_STATES = {s for s in S if s not in {S.RECEIVED, S.ACCEPTED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN}}
EXPECTED = {
    "accept": ({S.RECEIVED}, {"intake", "supervisor"}),
    "reject": ({S.RECEIVED}, {"intake", "supervisor"}),
    "request_information": ({S.RECEIVED}, {"intake", "supervisor"}),
    "request_evidence": ({S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW}, {"handler", "reviewer"}),
    "receive_information": ({S.AWAITING_INFORMATION}, {"intake", "supervisor", "handler", "reviewer"}),
    "mark_duplicate": ({S.RECEIVED, S.ACCEPTED}, {"intake", "supervisor"}),
    "answer_directly": ({S.RECEIVED, S.ACCEPTED}, {"intake"}),
    "route": ({S.ACCEPTED}, {"intake", "supervisor"}),
    "reroute": ({S.ROUTED, S.IN_PROGRESS}, {"intake", "supervisor", "reviewer"}),
    "assign": ({S.ROUTED, S.IN_PROGRESS}, {"reviewer", "handler"}),
    "handling_plan": ({S.ROUTED}, {"handler"}),
    "record_outcome": ({S.IN_PROGRESS}, {"handler"}),
    "submit_for_review": ({S.IN_PROGRESS}, {"handler"}),
    "return_draft": ({S.IN_REVIEW}, {"reviewer"}),
    "approve_draft": ({S.IN_REVIEW}, {"reviewer"}),
    "manager_return": ({S.AWAITING_APPROVAL}, {"manager"}),
    "manager_approve": ({S.AWAITING_APPROVAL}, {"manager"}),
    "reply": ({S.APPROVED}, {"handler", "reviewer", "intake"}),
    "record_satisfaction": ({S.REPLIED}, {"intake", "supervisor", "handler"}),
    "reopen": ({S.REPLIED, S.FOLLOWED_UP}, {"intake", "supervisor", "manager"}),
    "close": ({S.REPLIED, S.FOLLOWED_UP}, {"intake", "supervisor"}),
    "withdraw": (
        {s for s in S if s not in {S.CLOSED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN}},
        {"intake", "supervisor"},
    ),
    "pause": (
        {s for s in S if s not in {S.CLOSED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN, S.AWAITING_INFORMATION}},
        {"intake", "supervisor", "handler"},
    ),
    "resume": (
        {s for s in S if s not in {S.CLOSED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN, S.AWAITING_INFORMATION}},
        {"intake", "supervisor", "handler"},
    ),
    "request_extension": (
        {S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED},
        {"handler", "reviewer"},
    ),
    "approve_extension": (
        {S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED},
        {"supervisor", "manager"},
    ),
    "refuse_extension": (
        {S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED},
        {"supervisor", "manager"},
    ),
    "post_progress": (
        {S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED},
        {"handler", "reviewer", "supervisor"},
    ),
    "add_note": (set(S), {"intake", "supervisor", "manager", "handler", "reviewer"}),
    "complete_milestone": ({S.REPLIED, S.FOLLOWED_UP, S.CLOSED}, {"handler", "reviewer"}),
    "issue_supervision_notice": (
        {s for s in S if s not in {S.CLOSED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN}},
        {"supervisor", "manager"},
    ),
    # Of a routed case: its department answers (intake answers for a case not routed yet).
    "respond_to_supervision": (
        {s for s in S if s not in {S.CLOSED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN}},
        {"handler", "reviewer"},
    ),
    # The co-handling department (here the other one) contributes; the lead or a supervisor releases.
    "contribute_co_handling": (
        {S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED, S.AWAITING_INFORMATION},
        {"other_handler", "other_reviewer"},
    ),
    "release_co_handler": (
        {S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED, S.AWAITING_INFORMATION},
        {"handler", "reviewer", "supervisor"},
    ),
    # Rectification measures are followed once there is an outcome, after closing too.
    "add_measure": (MEASURE_STATES, {"handler", "reviewer"}),
    # By the department owning the measure (here the case's).
    "carry_out_measure": (MEASURE_STATES, {"handler", "reviewer"}),
    "verify_measure": (MEASURE_STATES, {"reviewer", "supervisor"}),
    "return_measure": (MEASURE_STATES, {"reviewer", "supervisor"}),
}
# Where each action leaves a case, from the first (sorted) of its starting states, as the tests below
# run it; None: the action records something but leaves the status as it was.
TARGET = {
    "accept": S.ACCEPTED,
    "reject": S.REJECTED,
    "request_information": S.AWAITING_INFORMATION,
    "request_evidence": S.AWAITING_INFORMATION,
    "receive_information": S.RECEIVED,
    "mark_duplicate": S.DUPLICATE,
    "answer_directly": S.REPLIED,
    "route": S.ROUTED,
    "reroute": S.ROUTED,
    "assign": None,
    "handling_plan": S.IN_PROGRESS,
    "record_outcome": None,
    "submit_for_review": S.IN_REVIEW,
    "return_draft": S.IN_PROGRESS,
    "approve_draft": S.APPROVED,
    "manager_return": S.IN_PROGRESS,
    "manager_approve": S.APPROVED,
    "reply": S.REPLIED,
    "record_satisfaction": S.FOLLOWED_UP,
    "reopen": S.ROUTED,
    "close": S.CLOSED,
    "withdraw": S.WITHDRAWN,
    "pause": None,
    "resume": None,
    "request_extension": None,
    "approve_extension": None,
    "refuse_extension": None,
    "post_progress": None,
    "add_note": None,
    "complete_milestone": None,
    "issue_supervision_notice": None,
    "respond_to_supervision": None,
    "contribute_co_handling": None,
    "release_co_handler": None,
    "add_measure": None,
    "carry_out_measure": None,
    "verify_measure": None,
    "return_measure": None,
}
ACTOR_KINDS = [
    "intake",
    "supervisor",
    "manager",
    "auditor",
    "editor",
    "handler",
    "reviewer",
    "other_handler",
    "other_reviewer",
    "nobody",
]


@pytest.fixture(autouse=True)
def english():
    """Refusal messages are matched in English here; one test checks the Chinese."""
    with translation.override("en"):
        yield


def test_refusals_are_explained_in_the_staff_members_language(world):
    case = CaseFactory(status=S.ROUTED, department=world["dept"])
    with translation.override("zh-hant"):
        with pytest.raises(TransitionNotAllowed, match="角色或部門"):
            workflow.record_handling_plan(case, world["other_handler"], "x")
        assert workflow.refusal(world["intake"], case, "accept") == "案件狀態為「已分流」時不能辦理此步驟。"


def test_public_timeline_texts_are_in_the_citizens_language(world):
    case = CaseFactory(language="en")
    case = workflow.accept(case, world["intake"])
    assert case.events.get(kind=Event.Kind.ACCEPTED).text == "Your case has been accepted."
    case = CaseFactory(language="zh-hant")
    case = workflow.accept(case, world["intake"])
    assert case.events.get(kind=Event.Kind.ACCEPTED).text == "您的案件已受理。"


def test_the_specification_covers_every_action():
    assert set(EXPECTED) == set(workflow.RULES) == set(TARGET)


@pytest.fixture
def world(db):
    dept, other = (
        DepartmentFactory(name="環境保護局", code="epb"),
        DepartmentFactory(name="交通局", code="dot"),
    )
    actors = {
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR),
        "manager": staff(roles.MANAGER),
        "auditor": staff(roles.AUDITOR),
        "editor": staff(roles.EDITOR),
        "handler": staff(roles.HANDLER, dept),
        "reviewer": staff(roles.REVIEWER, dept),
        "other_handler": staff(roles.HANDLER, other),
        "other_reviewer": staff(roles.REVIEWER, other),
        "nobody": UserFactory(),
    }
    return {"dept": dept, "other": other, **actors}


def case_ready_for(action, status, world):
    """A case of the department in `status`, with whatever else `action` needs besides the state."""
    case = CaseFactory(status=status, department=world["dept"], handler=world["handler"])
    if action == "resume" or status == S.AWAITING_INFORMATION:
        case.paused_at = timezone.now()
        case.save()
        Pause.objects.create(case=case, started_at=case.paused_at)
    if action == "complete_milestone":
        outcome = Outcome.objects.create(case=case, adoption=Outcome.Adoption.ADOPTED)
        Milestone.objects.create(outcome=outcome, what="完成人行道拓寬設計", due_on=timezone.localdate())
    if action in {"approve_extension", "refuse_extension"}:
        case.requested_extension_days = 5
        case.requested_extension_reason = "需會同其他機關現場會勘"
        case.save()
    if action in {"contribute_co_handling", "release_co_handler"}:
        CoHandling.objects.create(
            case=case, department=world["other"], task="會同查明路權", due_on=timezone.localdate()
        )
    if action in {"add_measure", "carry_out_measure", "verify_measure", "return_measure"}:
        outcome = Outcome.objects.create(case=case, characterisation="屬實")
        carried = action in {"verify_measure", "return_measure"}
        RectificationMeasure.objects.create(
            case=case,
            outcome=outcome,
            description="加裝隔音牆",
            department=case.department,
            deadline=timezone.localdate(),
            state=RectificationMeasure.State.CARRIED_OUT if carried else RectificationMeasure.State.PLANNED,
            carried_out_by=world["handler"] if carried else None,
        )
    if action == "respond_to_supervision":
        SupervisionNotice.objects.create(
            case=case, stage="x", level=1, department=case.department, respond_by=timezone.localdate()
        )
    return case


def arguments(action, case, actor, world):
    handler = actor if action == "assign" and actor == world["handler"] else world["handler"]
    return {
        "reject": {"reason": "非本機關職權範圍"},
        "request_information": {"request": "請提供路燈編號"},
        "request_evidence": {"request": "請提供現場照片"},
        "receive_information": {"text": "路燈編號 A-123"},
        "mark_duplicate": {"original": CaseFactory()},
        "answer_directly": {"reply_text": "受理時間為週一至週五。"},
        "route": {"department": world["other"]},
        "reroute": {"department": world["other"], "reason": "屬交通局主管"},
        "assign": {"handler": handler},
        "handling_plan": {"plan": "三日內派員現場查看"},
        "submit_for_review": {"draft_reply": "已修復路燈。"},
        "return_draft": {"comments": "請補充修復日期"},
        "manager_return": {"comments": "請補充法規依據"},
        "reply": {"reply_text": "已修復路燈，謝謝您的反映。"},
        "record_satisfaction": {"satisfaction": Satisfaction.SATISFIED},
        "reopen": {"reason": "民眾表示路燈仍未修復"},
        "close": {"note": "民眾電話未接，結案"},
        "withdraw": {"reason": "民眾來電撤回"},
        "pause": {"reason": "等待民眾補件"},
        "request_extension": {"days": 5, "reason": "需會同其他機關會勘"},
        "add_note": {"text": "已電話聯繫民眾"},
        "post_progress": {"text": "已完成現場會勘"},
        "complete_milestone": {"milestone": Milestone.objects.filter(outcome__case=case).first()},
        "issue_supervision_notice": {"reason": "請說明辦理進度"},
        "contribute_co_handling": {"co_handling": case.co_handlings.first(), "contribution": "路權屬本局"},
        "release_co_handler": {"co_handling": case.co_handlings.first(), "reason": "已另行查明"},
        "add_measure": {
            "description": "複查噪音",
            "department": world["dept"],
            "deadline": timezone.localdate() + timedelta(days=5),
        },
        "carry_out_measure": {"measure": case.rectification_measures.first(), "note": "已完工"},
        "verify_measure": {"measure": case.rectification_measures.first()},
        "return_measure": {"measure": case.rectification_measures.first(), "note": "請再改善"},
        "respond_to_supervision": {
            "notice": case.supervision_notices.first(),
            "progress": "已派員會勘",
            "expected_completion": timezone.localdate() + timedelta(days=5),
        },
    }.get(action, {})


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_action_is_allowed_exactly_to_its_roles_and_departments(action, world):
    states, allowed = EXPECTED[action]
    status = sorted(states)[0]
    for kind in ACTOR_KINDS:
        actor = world[kind]
        case = case_ready_for(action, status, world)
        expected = kind in allowed
        assert workflow.can(actor, case, action) is expected, (action, kind)
        assert (action in workflow.available_transitions(actor, case)) is expected, (action, kind)
        if not expected:
            events = case.events.count()
            with pytest.raises(TransitionNotAllowed):
                workflow.ACTIONS[action](case, actor, **arguments(action, case, actor, world))
            case.refresh_from_db()
            assert case.status == status
            assert case.events.count() == events


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_action_is_allowed_exactly_in_its_states(action, world):
    states, allowed = EXPECTED[action]
    actor = world[sorted(allowed)[0]]
    for status in S:
        case = case_ready_for(action, status, world)
        assert workflow.can(actor, case, action) is (status in states), (action, status)
        if status not in states:
            with pytest.raises(TransitionNotAllowed):
                workflow.ACTIONS[action](case, actor, **arguments(action, case, actor, world))


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_allowed_action_runs_and_writes_an_event(action, world, django_capture_on_commit_callbacks):
    states, allowed = EXPECTED[action]
    actor = world[sorted(allowed)[0]]
    start = sorted(states)[0]
    case = case_ready_for(action, start, world)
    before = case.events.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = workflow.ACTIONS[action](case, actor, **arguments(action, case, actor, world))
    assert result.events.count() > before
    assert result.events.latest("created_at", "pk").actor == actor
    result.refresh_from_db()
    assert result.status == (TARGET[action] or start), (action, start)


def test_the_citizen_can_only_do_citizen_steps(world):
    for action in workflow.RULES:
        states, _allowed = EXPECTED[action]
        case = case_ready_for(action, sorted(states)[0], world)
        expected = action in {"receive_information", "record_satisfaction", "withdraw"}
        assert workflow.can(None, case, action) is expected, action


def test_a_paused_case_waits_for_resume_before_work_goes_on(world):
    case = CaseFactory(status=S.ROUTED, department=world["dept"])
    workflow.pause(case, world["handler"], "等待民眾提供照片")
    with pytest.raises(TransitionNotAllowed, match="paused"):
        workflow.record_handling_plan(case, world["handler"], "派員查看")
    workflow.resume(case, world["handler"])
    case = workflow.record_handling_plan(case, world["handler"], "派員查看")
    assert case.status == S.IN_PROGRESS


def test_extra_conditions(world):
    complaint = CaseFactory(status=S.RECEIVED, category=Category.COMPLAINT)
    assert "answer_directly" not in workflow.available_transitions(world["intake"], complaint)
    in_progress = CaseFactory(status=S.IN_PROGRESS, category=Category.COMPLAINT, department=world["dept"])
    with pytest.raises(TransitionNotAllowed, match="outcome"):
        workflow.submit_for_review(in_progress, world["handler"], "草稿")
    with pytest.raises(TransitionNotAllowed):
        workflow.record_outcome(in_progress, world["handler"], characterisation="屬實")
    workflow.record_outcome(in_progress, world["handler"], characterisation="屬實", measures="已責令改善")
    assert workflow.submit_for_review(in_progress, world["handler"], "草稿").status == S.IN_REVIEW
    with pytest.raises(TransitionNotAllowed, match="Handlers can take"):
        workflow.assign(
            CaseFactory(status=S.ROUTED, department=world["dept"]),
            world["handler"],
            staff(roles.HANDLER, world["dept"]),
        )
    colleague = staff(roles.HANDLER, world["dept"])
    taken = CaseFactory(status=S.IN_PROGRESS, department=world["dept"], handler=colleague)
    with pytest.raises(TransitionNotAllowed, match="Another handler"):
        workflow.assign(taken, world["handler"], world["handler"])
    assert workflow.assign(taken, world["reviewer"], world["handler"]).handler == world["handler"]
    with pytest.raises(TransitionNotAllowed, match="department"):
        workflow.assign(
            CaseFactory(status=S.ROUTED, department=world["dept"]), world["reviewer"], world["other_handler"]
        )


# --- A whole life ------------------------------------------------------------------------------


def test_a_major_complaint_from_registration_to_closure(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case, code = workflow.register_case(
            actor=world["intake"],
            channel=Channel.HOTLINE,
            category=Category.COMPLAINT,
            subject="工地夜間施工噪音",
            content="每晚十一點後仍在施工。",
            is_major=True,
            citizen_name="陳美玲",
            citizen_email="chen@example.org",
            citizen_phone="0912345678",
        )
    assert case.check_access_code(code) and not case.check_access_code("WRONG")
    assert code not in case.access_code_hash
    assert case.reply_due and case.due_date == case.screening_due
    assert len(mail.outbox) == 1 and case.reference in mail.outbox[0].subject

    intake, handler, reviewer = world["intake"], world["handler"], world["reviewer"]
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.accept(case, intake)
        case = workflow.route(case, intake, world["dept"])
        assert case.due_date == case.handling_plan_due
        case = workflow.record_handling_plan(case, handler, "會同警察局夜間稽查")
        assert case.handler == handler
        case = workflow.record_outcome(
            case,
            handler,
            characterisation="屬實",
            responsibility="施工廠商違反噪音管制時段",
            measures="裁處罰鍰新臺幣三萬元",
            rectification="夜間十時後停止施工",
            rectification_deadline=timezone.localdate() + timedelta(days=7),
        )
        case = workflow.submit_for_review(case, handler, "經查屬實，已裁處。")
        case = workflow.return_draft(case, reviewer, "請說明裁處依據")
        case = workflow.submit_for_review(case, handler, "依噪音管制法裁處。")
        case = workflow.approve_draft(case, reviewer)
        assert case.status == S.AWAITING_APPROVAL
        assert not workflow.can(reviewer, case, "manager_approve")
        case = workflow.manager_approve(case, world["manager"], "同意")
        case = workflow.reply(case, handler)
        case = workflow.record_satisfaction(case, intake, Satisfaction.DISSATISFIED, "仍有噪音")
        case = workflow.reopen(case, world["supervisor"], "民眾反映仍有夜間施工")
        assert case.status == S.ROUTED and case.department == world["dept"]
        case = workflow.record_handling_plan(case, handler, "再次稽查")
        case = workflow.submit_for_review(case, handler, "已再次裁處並停工。")
        case = workflow.approve_draft(case, reviewer)
        case = workflow.manager_approve(case, world["manager"])
        case = workflow.reply(case, reviewer, "已再次裁處並命停工。")
        case = workflow.record_satisfaction(case, None, Satisfaction.SATISFIED)
        case = workflow.close(case, world["supervisor"])
    assert case.status == S.CLOSED and case.closed_at and case.due_date is None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == Event.Kind.REGISTERED and kinds[-1] == Event.Kind.CLOSED
    assert kinds.count(Event.Kind.REPLIED) == 2
    assert Outcome.objects.filter(case=case).count() == 1
    # Internal steps never reach the citizen; public ones were e-mailed once each.
    internal = case.events.filter(is_public=False).values_list("kind", flat=True)
    assert {Event.Kind.HANDLING_PLAN, Event.Kind.RETURNED, Event.Kind.OUTCOME} <= set(internal)
    citizen_mail = [m for m in mail.outbox if m.to == [case.citizen_email]]
    assert len(citizen_mail) == case.events.filter(is_public=True).count()
    assert all("請說明裁處依據" not in m.body for m in citizen_mail)
    # The handler was told the draft came back, with the reviewer's comments.
    assert any("請說明裁處依據" in m.body for m in mail.outbox if m.to == [handler.email])


def test_screening_outcomes(world, django_capture_on_commit_callbacks):
    intake = world["intake"]
    original = CaseFactory()
    duplicate = workflow.mark_duplicate(CaseFactory(), intake, original)
    assert duplicate.status == S.DUPLICATE and duplicate.duplicate_of == original
    assert original.events.filter(kind=Event.Kind.DUPLICATE_ATTACHED).exists()

    rejected = workflow.reject(CaseFactory(), intake, "屬司法案件，請洽法院")
    public = rejected.events.get(kind=Event.Kind.REJECTED)
    assert public.is_public and public.text == "屬司法案件，請洽法院"

    waiting = workflow.request_information(CaseFactory(), intake, "請提供地址")
    assert waiting.status == S.AWAITING_INFORMATION and waiting.is_paused
    back = workflow.receive_information(waiting, None, "地址是中正路1號")
    assert back.status == S.RECEIVED and not back.is_paused
    assert back.pauses.get().ended_at is not None

    answered = workflow.answer_directly(CaseFactory(category=Category.INQUIRY), intake, "請於上班時間來電。")
    assert answered.status == S.REPLIED and answered.follow_up_due

    withdrawn = workflow.withdraw(CaseFactory(status=S.ROUTED, department=world["dept"]), intake, "撤回")
    assert withdrawn.status == S.WITHDRAWN and withdrawn.due_date is None


def test_rerouting_hands_the_case_to_the_new_department(world):
    case = CaseFactory(status=S.IN_PROGRESS, department=world["dept"], handler=world["handler"])
    case = workflow.reroute(case, world["reviewer"], world["other"], "屬交通局主管")
    assert case.status == S.ROUTED and case.department == world["other"] and case.handler is None
    # The old department no longer acts on it; the new one does.
    assert not workflow.can(world["handler"], case, "handling_plan")
    assert workflow.can(world["other_handler"], case, "handling_plan")
    with pytest.raises(TransitionNotAllowed):
        workflow.reroute(case, world["intake"], world["other"], "again")


def test_an_approved_extension_moves_the_reply_date(world):
    case = CaseFactory(status=S.IN_PROGRESS, department=world["dept"])
    # Already with the department: its handler asks for more time without a routing step.
    assert workflow.can(world["handler"], case, "request_extension")
    case = workflow.request_extension(case, world["handler"], 5, "需跨機關協調")
    before = case.reply_due
    assert before is not None
    assert not workflow.can(world["handler"], case, "request_extension")
    case = workflow.approve_extension(case, world["supervisor"])
    assert case.extension_days == 5 and case.requested_extension_days == 0
    assert case.reply_due > before
    approved = case.reply_due
    case = workflow.request_extension(case, world["handler"], 3, "再延長")
    case = workflow.refuse_extension(case, world["manager"], "不同意")
    assert case.extension_days == 5 and case.reply_due == approved


def test_registration_needs_staff_for_offline_channels_and_links_the_visit(world):
    with pytest.raises(TransitionNotAllowed):
        workflow.register_case(
            actor=None, channel=Channel.HOTLINE, category="inquiry", subject="s", content="c"
        )
    with pytest.raises(TransitionNotAllowed):
        workflow.register_case(
            actor=world["handler"], channel=Channel.LETTER, category="inquiry", subject="s", content="c"
        )
    with pytest.raises(TransitionNotAllowed):
        workflow.register_case(
            actor=world["intake"], channel=Channel.LETTER, category="inquiry", subject=" ", content="c"
        )
    visit = Visit.objects.create(visitor_names="林大同", reason="詢問補助", officer=world["intake"])
    case, _code = workflow.register_case(
        actor=world["intake"],
        channel=Channel.VISIT,
        category="help",
        subject="補助",
        content="詢問補助",
        visit=visit,
    )
    visit.refresh_from_db()
    assert visit.case == case
    web, _code = workflow.register_case(
        actor=None, channel=Channel.WEB, category="inquiry", subject="s", content="c"
    )
    assert web.events.get().actor is None


def test_notifications_wait_for_the_commit_and_are_sent_once(world, django_capture_on_commit_callbacks):
    from notifications.tasks import notify_citizen

    case = CaseFactory(citizen_email="lin@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.accept(case, world["intake"])
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lin@example.org"]
    event = case.events.get(kind=Event.Kind.ACCEPTED)
    assert notify_citizen(event.pk) is False
    assert len(mail.outbox) == 1


def test_a_rolled_back_transition_enqueues_nothing(world, django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(TransitionNotAllowed):
            workflow.route(case, world["intake"], world["dept"])
    assert callbacks == []
