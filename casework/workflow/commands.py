"""The command layer: the only code that changes a case, its timeline, attachments, visits and
supervision notices (a test walks the project's code to keep it so).

A step of the workflow is declared once, with `transition(...)`: its rule (who, in which states),
its label and the form of the case page. The declaration does the plumbing every step needs: it
locks the case row, re-reads it, checks the rule against the case's current state, runs the step
and saves the case with its due dates recomputed, all in one unit of work whose domain events
(timeline entries, messages) are published once, before the commit. Two steps racing on one case
are serialised by the row lock; the second then finds the case in its new state and is refused.

Steps write through a Step (steps.py), so that synthetic cases replay the same steps in memory.
"""

import functools
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .. import access, cohandling, crypto, effects, escalation, forms, roles
from ..models import (
    Attachment,
    Case,
    Channel,
    CoHandling,
    DepartmentMembership,
    Event,
    Milestone,
    OnlineSubmission,
    Outcome,
    Priority,
    RectificationMeasure,
    Satisfaction,
    SupervisionNotice,
)
from ..models import Status as S
from . import rules
from .rules import (
    ANY_OPEN,
    BEFORE_REPLY,
    CO_HANDLER,
    CO_HANDLING_STATES,
    HANDLER,
    HANDLING,
    INTAKE,
    MANAGER,
    MAX_EXTENSION_DAYS,
    MEASURE_STATES,
    MIN_EXTENSION_DAYS,
    OUTCOME_REQUIRED,
    REVIEWER,
    SUPERVISOR,
    Rule,
    TransitionNotAllowed,
)
from .steps import DatabaseRecorder, Step

K = Event.Kind
ACTIONS = {}


def transition(action, label, *, states, who, form, saves=True, **options):
    """Declare a workflow step: its rule and form, and the command that performs it."""

    def declare(body):
        rule = Rule(action, label, frozenset(states), tuple(who), form=form, **options)

        @functools.wraps(body)
        def command(case, actor, *args, **kwargs):
            with effects.unit_of_work():
                locked = Case.objects.select_for_update().get(pk=case.pk)
                reason = rules.refusal(actor, locked, action)
                if reason:
                    raise TransitionNotAllowed(reason)
                recorder = DatabaseRecorder()
                body(Step(locked, actor, recorder), *args, **kwargs)
                if saves:
                    recorder.save(locked)
                return locked

        command.body, command.saves = body, saves
        rules.declare(Rule(**{**rule.__dict__, "command": command}))
        ACTIONS[action] = command
        return command

    return declare


def replay(action, case, actor, recorder, **arguments):
    """Take a step on an unsaved case through its rule, writing into `recorder` (synthetic cases)."""
    rule = rules.RULES[action]
    reason = rules.refusal(actor, case, action, check_actor=False, outcome_recorded=recorder.outcome_recorded)
    if reason:
        raise TransitionNotAllowed(f"{action}: {reason}")
    rule.command.body(Step(case, actor, recorder), **arguments)
    if rule.command.saves:
        recorder.save(case)


def command(body):
    """A change outside the step table (registration, attachments, supervision): one unit of work."""

    @functools.wraps(body)
    def run(*args, **kwargs):
        with effects.unit_of_work():
            return body(*args, **kwargs)

    return run


def _required(value, message):
    if not (value or "").strip():
        raise TransitionNotAllowed(message)
    return value.strip()


def _locked(case):
    return Case.objects.select_for_update().get(pk=case.pk)


# --- Registration ------------------------------------------------------------------------------

# Channels whose cases the citizen files themselves: the online form, a partner system's API and
# the office's mailbox. Social-media messages become drafts that an intake officer confirms.
FILED_WITHOUT_STAFF = frozenset({Channel.WEB, Channel.API, Channel.EMAIL})


@command
def register_case(
    *,
    actor,
    channel,
    category,
    subject,
    content,
    language=None,
    priority=Priority.NORMAL,
    is_major=False,
    reply_channel="",
    received_at=None,
    visit=None,
    citizen_confirmed=False,
    acknowledged=False,
    **citizen,
):
    """Register a new case; returns (case, access_code). The access code is shown to the citizen once.

    `citizen` holds the personal fields (citizen_name, citizen_phone, ...). actor None means the
    citizen filed it themselves (online form or partner system). language defaults to the site's
    source language (settings.LANGUAGE_CODE). `visit`: the walk-in visit the case comes from.
    `citizen_confirmed`: the citizen confirmed the registered record (the register's signature).
    `acknowledged`: the channel answers the citizen itself with the reference and access code (the
    mailbox, a social platform), so the registration's own message is not sent as well.
    """
    if actor is None and channel not in FILED_WITHOUT_STAFF:
        raise TransitionNotAllowed(_("Only online cases can be filed without a member of staff."))
    if actor is not None and not access.has_role(actor, roles.INTAKE_OFFICER, roles.SUPERVISOR):
        raise TransitionNotAllowed(_("Only intake officers and supervisors register cases."))
    unknown = set(citizen) - set(Case.PERSONAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    case = Case(
        channel=channel,
        category=category,
        subject=_required(subject, _("A subject is required.")),
        content=_required(content, _("The content of the case is required.")),
        language=settings.LANGUAGE_CODE if language is None else language,
        priority=priority,
        is_major=is_major,
        reply_channel=reply_channel or channel,
        received_at=received_at or timezone.now(),
        citizen_confirmed=bool(citizen_confirmed),
        **citizen,
    )
    code = case.set_access_code()
    recorder = DatabaseRecorder()
    _open_timeline(Step(case, actor, recorder), save=recorder.save, acknowledged=acknowledged)
    if visit is not None:
        visit.case = case
        visit.save(update_fields=["case"])
        effects.emit(effects.CASE_CHANGED, case.pk)
    return case, code


def _open_timeline(step, save, acknowledged=False):
    case = step.case
    case.stage_started_on = timezone.localtime(case.received_at).date()
    # Fixed now, by the case's category and priority: a later change of the limits is for new cases.
    case.stage_limits = step.recorder.stage_limits(case)
    save(case)
    step.event(
        K.REGISTERED,
        step.for_citizen(
            gettext_noop("Your case has been registered. We will reply by %(date)s."),
            date=case.reply_due.isoformat(),
        ),
        public=True,
        channel=case.channel,
        **({"acknowledged": True} if acknowledged else {}),
    )


def replay_registration(case, actor, recorder):
    """The registration of an unsaved synthetic case, written into `recorder`."""
    _open_timeline(Step(case, actor, recorder), save=recorder.save)


@command
def register_visit(visit, actor, case_fields=None):
    """A walk-in visit, and with `case_fields` the case it opens, in one transaction: a refused
    registration leaves no visit behind. Returns (visit, case, access code)."""
    if not access.has_role(actor, roles.INTAKE_OFFICER, roles.SUPERVISOR):
        raise TransitionNotAllowed(_("Only intake officers and supervisors register cases."))
    visit.officer = actor
    visit.save()
    if not case_fields:
        return visit, None, None
    case, code = register_case(actor=actor, channel=Channel.VISIT, visit=visit, **case_fields)
    return visit, case, code


@command
def attach_file(case, stored, actor):
    """The attachment row and its timeline entry for a stored upload (by staff, or the citizen: None).

    Files go to open cases only; the row lock keeps a closing step from slipping in between.
    """
    case = _locked(case)
    if not case.is_open:
        raise TransitionNotAllowed(_("Files can only be added to an open case."))
    attachment = Attachment(
        case=case,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        uploaded_by=actor,
    )
    attachment.file.name = stored.name
    attachment.save()
    Step(case, actor, DatabaseRecorder()).event(K.ATTACHMENT, attachment.display_name, id=attachment.pk)
    return attachment


@command
def note_tracking_paused(case, failures, minutes):
    """Tell the staff on the case's timeline (internal) that its online lookup was paused."""
    step = Step(case, None, DatabaseRecorder())
    text = step.in_office_language(
        gettext_noop(
            "Online tracking of this case was paused for %(minutes)d minutes after %(failures)d "
            "wrong access codes today. If the citizen calls, check who they are before helping."
        ),
        minutes=minutes,
        failures=failures,
    )
    return step.event(K.NOTE, text)


def _round_moment(today):
    """When a round on `today` issues its notices: now, or for a round catching up on an earlier day
    (the demo's history of rounds), that day's morning."""
    if today is None or today >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(today, time(9)))


@command
def record_supervision_notice(case, *, stage, level, text, recipients, today=None, department=None):
    """A supervision notice of the round for this stage and level, once: the notice (to be answered
    within the response days), its internal timeline entry (no actor: the supervision round) and a
    message to each recipient. None if it already exists."""
    try:
        with transaction.atomic():
            notice = SupervisionNotice.objects.create(
                case=case,
                stage=stage,
                level=level,
                department=department or case.department,
                text=text,
                issued_at=_round_moment(today),
                respond_by=escalation.response_due(today),
            )
    except IntegrityError:
        return None
    step = Step(case, None, DatabaseRecorder())
    step.event(K.NOTE, text, supervision_level=level, stage=stage, supervision_notice=notice.pk)
    for user in recipients:
        step.notify_staff("supervision", user, f"{stage}:{level}", level=level, text=text)
    return notice


@command
def escalate_supervision_notice(notice, escalations, today=None):
    """An unanswered notice past its response date climbs to `escalations` rungs above its own: each
    new rung on the timeline (internal) and told to its people and to the department. None when it
    has been answered or escalated that far meanwhile (the row lock serialises two rounds)."""
    notice = SupervisionNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    if notice.answered_at is not None or notice.escalations >= escalations:
        return None
    case = notice.case
    step = Step(case, None, DatabaseRecorder())
    for climbed in range(notice.escalations + 1, escalations + 1):
        rung = escalation.rung_at(notice.level + climbed)
        # The rung's name is an argument, read before in_office_language switches the language.
        with translation.override(settings.LANGUAGE_CODE):
            text = step.in_office_language(
                gettext_noop(
                    "The supervision notice of %(issued)s was not answered by %(date)s. Escalated to: %(rung)s."
                ),
                issued=timezone.localtime(notice.issued_at).date().isoformat(),
                date=notice.respond_by.isoformat(),
                rung=escalation.rung_name(case, rung),
            )
        step.event(K.NOTE, text, supervision_notice=notice.pk, escalation=climbed)
        people = {u.pk: u for u in escalation.department_staff(case) + escalation.recipients(case, rung)}
        for user in people.values():
            step.notify_staff(
                "supervision_escalated",
                user,
                f"notice:{notice.pk}:escalation:{climbed}",
                level=notice.level + climbed,
                text=text,
            )
    notice.escalations = escalations
    notice.escalated_at = _round_moment(today)
    notice.save(update_fields=["escalations", "escalated_at"])
    return notice


@command
def verify_access_code(case, raw_code):
    """Whether the code is the case's; a hash in an older scheme or key is rewritten on success."""
    matches, rehashed = case.check_access_code_hash(raw_code)
    if matches and rehashed and case.pk:
        case.access_code_hash = rehashed
        Case.objects.filter(pk=case.pk).update(access_code_hash=rehashed)
    return matches


REISSUERS = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER)


@command
def reissue_access_code(case, actor, *, identity_check="", send=True):
    """A new access code for the case; the old one stops working at once. Returns the new code.

    actor None: the citizen asked on the portal; the code goes only to the e-mail or phone on the
    case (never shown), and nothing happens without one. Staff (intake, supervisors, managers, who
    see every case) reissue it after checking the citizen's identity, say how, and send it and/or
    read it out; that showing of the case's secret is logged with the personal-data accesses.
    """
    case = _locked(case)
    if actor is None:
        if not (case.citizen_email or case.citizen_phone):
            return None
        send = True
    else:
        if not access.has_role(actor, *REISSUERS):
            raise TransitionNotAllowed(
                _("Only intake officers, supervisors and managers reissue access codes.")
            )
        identity_check = _required(identity_check, _("Say how you checked the citizen's identity."))
    code = case.set_access_code()
    case.save(update_fields=["access_code_hash", "updated_at"])
    # A receipt kept for a lost response would show the old code; it has nothing to show now.
    OnlineSubmission.objects.filter(case=case).update(access_code="")
    step = Step(case, actor, DatabaseRecorder())
    sent = bool(send and (case.citizen_email or case.citizen_phone))
    if sent:
        # The outbox sends it once this unit of work commits; the code travels encrypted.
        effects.emit(effects.ACCESS_CODE_ISSUED, case.pk, code=crypto.encrypt(code), key=step.now.isoformat())
    if actor is None:
        text = step.in_office_language(
            gettext_noop(
                "At the citizen's request on the portal, a new access code was sent to their contact."
            )
        )
    else:
        text = step.in_office_language(
            gettext_noop("New access code issued after checking the citizen's identity (%(how)s)."),
            how=identity_check,
        )
        if sent:
            text += " " + step.in_office_language(gettext_noop("It was sent to the citizen."))
        access.log_personal_data_access(actor, case, "access code reissued after an identity check")
    step.event(K.ACCESS_CODE_REISSUED, text, by_citizen=actor is None, sent=sent)
    return code


# --- Screening ---------------------------------------------------------------------------------

SCREENERS = (INTAKE, SUPERVISOR)


@transition(
    "accept", _("Accept"), states={S.RECEIVED}, who=SCREENERS, form=forms.NoteForm, waits_for=(INTAKE,)
)
def accept(step, note=""):
    step.move(S.ACCEPTED)
    step.event(K.ACCEPTED, step.for_citizen(gettext_noop("Your case has been accepted.")), public=True)
    if note:
        step.event(K.NOTE, note)


@transition("reject", _("Reject as out of scope"), states={S.RECEIVED}, who=SCREENERS, form=forms.RejectForm)
def reject(step, reason):
    reason = _required(reason, _("Give the reason the citizen will read."))
    step.move(S.REJECTED)
    step.case.closed_at = step.now
    step.event(K.REJECTED, reason, public=True)


@transition(
    "request_information",
    _("Ask the citizen for more information"),
    states={S.RECEIVED},
    who=SCREENERS,
    form=forms.RequestInformationForm,
)
def request_information(step, request):
    request = _required(request, _("Say what information the citizen should provide."))
    step.case.stage_before_information = S.RECEIVED
    step.move(S.AWAITING_INFORMATION)
    step.start_pause(request)
    step.event(K.INFORMATION_REQUESTED, request, public=True)


# The department may ask while it works the case (000 §四(二)2), before its reply is approved.
INFORMATION_STAGES = frozenset({S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW})


@transition(
    "request_evidence",
    _("Ask the citizen for more information or evidence"),
    states=INFORMATION_STAGES,
    who=(HANDLER, REVIEWER),
    form=forms.RequestInformationForm,
)
def request_evidence(step, request):
    request = _required(request, _("Say what information the citizen should provide."))
    case = step.case
    case.stage_before_information = case.status
    # Not step.move: the stage keeps its start, so its due date moves by the paused days only.
    case.status = S.AWAITING_INFORMATION
    step.start_pause(request)
    step.event(K.INFORMATION_REQUESTED, request, public=True, stage=case.stage_before_information)


@transition(
    "receive_information",
    _("Record the information received"),
    states={S.AWAITING_INFORMATION},
    who=(*SCREENERS, HANDLER, REVIEWER),
    form=forms.ReceiveInformationForm,
    citizen=True,
    while_paused=True,
)
def receive_information(step, text):
    text = _required(text, _("Record what the citizen provided."))
    case = step.case
    step.end_pause()
    # The stage goes on where it stopped: its due dates move by the paused days.
    case.status = case.stage_before_information or S.RECEIVED
    case.stage_before_information = ""
    step.event(K.INFORMATION_RECEIVED, text, public=step.actor is None)


@transition(
    "mark_duplicate",
    _("Merge as a duplicate"),
    states={S.RECEIVED, S.ACCEPTED},
    who=SCREENERS,
    form=forms.DuplicateForm,
)
def mark_duplicate(step, original, note=""):
    case = step.case
    if original is None or (original.pk is not None and original.pk == case.pk):
        raise TransitionNotAllowed(_("Choose the earlier case this one duplicates."))
    if original.duplicate_of_id:
        original = original.duplicate_of
    step.move(S.DUPLICATE)
    case.duplicate_of = original
    case.closed_at = step.now
    step.event(
        K.MERGED,
        step.for_citizen(
            gettext_noop(
                "Your case has been merged with case %(reference)s, which deals with the same matter."
            ),
            reference=original.reference,
        ),
        public=True,
        original=original.reference,
    )
    step.event(K.DUPLICATE_ATTACHED, note, case=original, duplicate=case.reference)


@transition(
    "answer_directly",
    _("Answer directly"),
    states={S.RECEIVED, S.ACCEPTED},
    who=(INTAKE,),
    form=forms.AnswerForm,
)
def answer_directly(step, reply_text):
    reply_text = _required(reply_text, _("Write the answer."))
    step.move(S.REPLIED)
    step.case.replied_at = step.now
    step.event(K.REPLIED, reply_text, public=True, direct=True)


# --- Routing and handling ----------------------------------------------------------------------


def _passed_to(step, department):
    step.event(
        K.ROUTED,
        step.for_citizen(
            gettext_noop("Your case has been passed to %(department)s."), department=department.name
        ),
        public=True,
        department=department.pk,
    )


@transition(
    "route",
    _("Route to a department"),
    states={S.ACCEPTED},
    who=SCREENERS,
    form=forms.RouteForm,
    waits_for=(INTAKE,),
)
def route(step, department, reason="", co_handlers=()):
    """`co_handlers`: further departments beside the lead `department`, as (department, task, due
    date or None for the default) triples."""
    if department is None:
        raise TransitionNotAllowed(_("Choose a department."))
    step.move(S.ROUTED)
    step.case.department = department
    step.case.handler = None
    _passed_to(step, department)
    if reason:
        step.event(K.NOTE, reason)
    _add_co_handlers(step, co_handlers)


def _add_co_handlers(step, co_handlers):
    """Each co-handling department's task on the case, on the timeline for staff only."""
    case = step.case
    today = timezone.localtime(step.now).date()
    existing = set()
    if case.pk is not None:
        existing = set(case.co_handlings.values_list("department_id", flat=True))
    seen = set()
    for department, task, due_on in co_handlers:
        if department is None:
            raise TransitionNotAllowed(_("Choose the co-handling department."))
        if department.pk == case.department_id:
            raise TransitionNotAllowed(
                _("%(department)s leads the case; it cannot also co-handle it.") % {"department": department}
            )
        if department.pk in seen or department.pk in existing:
            raise TransitionNotAllowed(
                _("%(department)s is already a co-handling department of this case.")
                % {"department": department}
            )
        seen.add(department.pk)
        task = _required(task, _("Describe the task of each co-handling department."))
        due_on = due_on or cohandling.default_due(case, today)
        if due_on < today:
            raise TransitionNotAllowed(_("A co-handling due date cannot be in the past."))
        row = step.add(
            CoHandling(
                case=case,
                department=department,
                task=task,
                due_on=due_on,
                requested_at=step.now,
                requested_by=step.actor,
            )
        )
        step.event(
            K.CO_HANDLING_REQUESTED,
            task,
            co_handling=row.pk,
            department=department.pk,
            department_name=department.name,
            due_on=due_on.isoformat(),
        )
        # The co-handling department's reviewers share the task out, as they do the lead's cases.
        for user in _reviewers_of(department.pk):
            step.notify_staff(
                "co_handling_requested",
                user,
                f"co_handling:{department.pk}",
                task=task,
                due=due_on.isoformat(),
            )


@transition(
    "reroute",
    _("Re-route to another department"),
    states={S.ROUTED, S.IN_PROGRESS},
    who=(INTAKE, SUPERVISOR, REVIEWER),
    form=forms.RerouteForm,
)
def reroute(step, department, reason, co_handlers=()):
    reason = _required(reason, _("Give the reason for re-routing."))
    if department is None:
        raise TransitionNotAllowed(_("Choose a department."))
    case = step.case
    if department.pk == case.department_id:
        raise TransitionNotAllowed(_("The case is already with this department."))
    previous = case.department
    step.move(S.ROUTED)
    case.department = department
    case.handler = None
    case.handling_plan = ""
    step.event(
        K.REROUTED, reason, from_department=previous.pk if previous else None, department=department.pk
    )
    _passed_to(step, department)
    # A co-handling department that now leads the case owes itself no contribution.
    becomes_lead = case.co_handlings.filter(
        department=department, answered_at__isnull=True, released_at__isnull=True
    ).first()
    if becomes_lead is not None:
        _release(
            step,
            becomes_lead,
            step.in_office_language(gettext_noop("It now leads the case.")),
        )
    _add_co_handlers(step, co_handlers)


# --- Co-handling (協辦) ---------------------------------------------------------------------------


@transition(
    "contribute_co_handling",
    _("Record the co-handling contribution"),
    states=CO_HANDLING_STATES,
    who=(CO_HANDLER,),
    form=forms.CoHandlingContributionForm,
    while_paused=True,
    main=True,
    saves=False,
)
def contribute_co_handling(step, co_handling, contribution):
    """A co-handling department's answer to its task: staff only, for the lead's draft reply."""
    contribution = _required(contribution, _("Write the contribution of your department."))
    case = step.case
    row = _waiting_co_handling(case, co_handling)
    if not any(
        access.is_member(step.actor, row.department_id, role) for role in DepartmentMembership.Role.values
    ):
        raise TransitionNotAllowed(_("Only the co-handling department records its contribution."))
    today = timezone.localtime(step.now).date()
    row.contribution = contribution
    row.answered_at = step.now
    row.answered_by = step.actor
    row.answered_on_time = today <= row.due_on
    row.save(update_fields=["contribution", "answered_at", "answered_by", "answered_on_time"])
    step.event(
        K.CO_HANDLING_ANSWERED,
        contribution,
        co_handling=row.pk,
        department=row.department_id,
        department_name=row.department.name,
        late=not row.answered_on_time,
    )
    if case.handler_id and case.handler_id != step.actor.pk:
        step.notify_staff(
            "co_handling_answered", case.handler, f"co_handling:{row.pk}", department=row.department.name
        )


@transition(
    "release_co_handler",
    _("Release a co-handling department"),
    states=CO_HANDLING_STATES,
    who=(HANDLER, REVIEWER, SUPERVISOR),
    form=forms.CoHandlingReleaseForm,
    while_paused=True,
    main=False,
    saves=False,
)
def release_co_handler(step, co_handling, reason):
    """The lead no longer waits for this department's contribution (with the reason, staff only)."""
    reason = _required(reason, _("Give the reason for releasing the co-handling department."))
    _release(step, _waiting_co_handling(step.case, co_handling), reason)


def _waiting_co_handling(case, co_handling):
    row = (
        CoHandling.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(pk=getattr(co_handling, "pk", None), case=case)
        .first()
    )
    if row is None or not row.is_waiting:
        raise TransitionNotAllowed(_("Choose a co-handling department whose task is still waiting."))
    return row


def _release(step, row, reason):
    row.released_at = step.now
    row.released_by = step.actor
    row.release_reason = reason
    row.save(update_fields=["released_at", "released_by", "release_reason"])
    step.event(
        K.CO_HANDLING_RELEASED,
        reason,
        co_handling=row.pk,
        department=row.department_id,
        department_name=row.department.name,
    )


@transition(
    "assign",
    _("Assign a handler"),
    states={S.ROUTED, S.IN_PROGRESS},
    who=(REVIEWER, HANDLER),
    form=forms.AssignForm,
    main=False,
    waits_for=(REVIEWER,),
    waiting_when=Q(status=S.ROUTED, handler__isnull=True),
)
def assign(step, handler):
    case, actor = step.case, step.actor
    is_reviewer = access.is_member(actor, case.department_id, DepartmentMembership.Role.REVIEWER)
    if handler is None:
        raise TransitionNotAllowed(_("Choose a handler."))
    if not is_reviewer and handler.pk != actor.pk:
        raise TransitionNotAllowed(_("Handlers can take a case themselves; reviewers assign others."))
    if not is_reviewer and case.handler_id not in (None, actor.pk):
        raise TransitionNotAllowed(_("Another handler has this case; ask the reviewer to reassign it."))
    if not access.is_member(handler, case.department_id, DepartmentMembership.Role.HANDLER):
        raise TransitionNotAllowed(_("The handler must belong to the case's department."))
    case.handler = handler
    event = step.event(K.ASSIGNED, handler.get_full_name() or handler.get_username())
    if handler.pk != actor.pk:
        step.notify_staff("assigned", handler, event.pk)


@transition(
    "handling_plan",
    _("Record the handling plan"),
    states={S.ROUTED},
    who=(HANDLER,),
    form=forms.HandlingPlanForm,
    waits_for=(HANDLER,),
)
def record_handling_plan(step, plan):
    plan = _required(plan, _("Describe the handling plan."))
    step.move(S.IN_PROGRESS)
    step.case.handling_plan = plan
    step.case.handler = step.case.handler or step.actor
    step.event(K.HANDLING_PLAN, plan)
    step.event(K.HANDLING_STARTED, step.for_citizen(gettext_noop("Your case is being handled.")), public=True)


NEEDS_REASONS = {Outcome.Adoption.PARTLY, Outcome.Adoption.NOT_ADOPTED}
IMPLEMENTED = {Outcome.Adoption.ADOPTED, Outcome.Adoption.PARTLY}

OUTCOME_FIELDS = frozenset(f.name for f in Outcome._meta.fields) - {
    "id",
    "case",
    "recorded_by",
    "recorded_at",
}


@transition(
    "record_outcome",
    _("Record the outcome"),
    states={S.IN_PROGRESS},
    who=(HANDLER,),
    form=forms.OutcomeForm,
    waits_for=(HANDLER,),
)
def record_outcome(step, milestones=(), rectification_measures=(), **fields):
    """`milestones`: the implementation plan's steps of a suggestion, as (what, due date) pairs.
    `rectification_measures`: the rectification's measures, as (description, department, owner or None, deadline);
    a rectification written without measures becomes one measure of the case's department."""
    unknown = set(fields) - OUTCOME_FIELDS
    if unknown:
        raise TypeError(f"unknown outcome fields: {sorted(unknown)}")
    missing = [name for name in OUTCOME_REQUIRED.get(step.case.category, ()) if not fields.get(name)]
    if missing:
        labels = ", ".join(str(Outcome._meta.get_field(name).verbose_name) for name in missing)
        raise TransitionNotAllowed(_("Fill in: %(fields)s.") % {"fields": labels})
    measures = [_checked_measure(step, *measure) for measure in rectification_measures]
    if measures and not fields.get("rectification_deadline"):
        fields["rectification_deadline"] = max(deadline for _d, _dept, _o, deadline in measures)
    if fields.get("rectification") and not fields.get("rectification_deadline"):
        raise TransitionNotAllowed(_("Give a deadline for the rectification."))
    if fields.get("rectification") and not measures and step.case.department_id:
        # Every rectification is followed until verified: the plan as written is its one measure.
        measures = [
            (fields["rectification"].strip(), step.case.department, None, fields["rectification_deadline"])
        ]
    adoption = fields.get("adoption")
    if adoption in NEEDS_REASONS and not (fields.get("adoption_reasons") or "").strip():
        raise TransitionNotAllowed(_("Give the reasons the proposer will read for not adopting all of it."))
    milestones = [(what.strip(), due) for what, due in milestones]
    if milestones and adoption not in IMPLEMENTED:
        raise TransitionNotAllowed(_("Only an adopted suggestion has an implementation plan."))
    if any(not what or due is None for what, due in milestones):
        raise TransitionNotAllowed(_("Each milestone needs what is to be done and its due date."))
    outcome = step.add(Outcome(case=step.case, recorded_by=step.actor, **fields))
    for what, due in milestones:
        step.add(Milestone(outcome=outcome, what=what[:300], due_on=due))
    for description, department, owner, deadline in measures:
        step.add(_new_measure(step, outcome, description, department, owner, deadline))
    data = {
        name: str(value)
        for name, value in fields.items()
        if value not in (None, "") and name != "rectification_deadline"
    }
    if outcome.rectification_deadline:
        data["rectification_deadline"] = outcome.rectification_deadline.isoformat()
    if milestones:
        data["milestones"] = [{"what": what, "due_on": due.isoformat()} for what, due in milestones]
    if measures:
        data["rectification_measures"] = [
            {"what": what, "department": department.pk, "deadline": deadline.isoformat()}
            for what, department, _owner, deadline in measures
        ]
    step.event(K.OUTCOME, outcome.characterisation or outcome.help_provided, **data)


@transition(
    "submit_for_review",
    _("Submit the draft reply for review"),
    states={S.IN_PROGRESS},
    who=(HANDLER,),
    form=forms.DraftReplyForm,
)
def submit_for_review(step, draft_reply):
    draft_reply = _required(draft_reply, _("Write the draft reply."))
    step.move(S.IN_REVIEW)
    step.case.draft_reply = draft_reply
    step.case.reviewer_approved = False
    step.event(K.SUBMITTED, draft_reply)


def _returned(step, comments):
    comments = _required(comments, _("Say what should change."))
    case = step.case
    step.move(S.IN_PROGRESS)
    case.reviewer_approved = False
    event = step.event(K.RETURNED, comments)
    if case.handler_id and case.handler_id != step.actor.pk:
        # The handler learns at once that the draft came back, and why.
        step.notify_staff("returned", case.handler, event.pk, comments=comments)


@transition(
    "return_draft",
    _("Return with comments"),
    states={S.IN_REVIEW},
    who=(REVIEWER,),
    form=forms.RequiredCommentsForm,
)
def return_draft(step, comments):
    _returned(step, comments)


@transition(
    "approve_draft",
    _("Approve the draft reply"),
    states={S.IN_REVIEW},
    who=(REVIEWER,),
    form=forms.CommentsForm,
    waits_for=(REVIEWER,),
)
def approve_draft(step, comments=""):
    # Major or complex cases also need management's approval (審批) before the reply goes out.
    step.move(S.AWAITING_APPROVAL if step.case.is_major else S.APPROVED)
    step.case.reviewer_approved = True
    step.event(K.REVIEWED, comments)


@transition(
    "manager_return",
    _("Return with comments"),
    states={S.AWAITING_APPROVAL},
    who=(MANAGER,),
    form=forms.RequiredCommentsForm,
)
def manager_return(step, comments):
    _returned(step, comments)


@transition(
    "manager_approve",
    _("Approve as management"),
    states={S.AWAITING_APPROVAL},
    who=(MANAGER,),
    form=forms.CommentsForm,
    waits_for=(MANAGER,),
)
def manager_approve(step, comments=""):
    step.move(S.APPROVED)
    step.event(K.APPROVED, comments)


@transition(
    "reply",
    _("Send the reply"),
    states={S.APPROVED},
    who=(HANDLER, REVIEWER, INTAKE),
    form=forms.ReplyForm,
    waits_for=(HANDLER,),
)
def reply(step, reply_text=""):
    text = _required((reply_text or "").strip() or step.case.draft_reply, _("Write the reply."))
    step.move(S.REPLIED)
    step.case.replied_at = step.now
    step.event(K.REPLIED, text, public=True, channel=step.case.reply_channel)


@transition(
    "complete_milestone",
    _("Mark an implementation milestone done"),
    # Implementation follows the reply; the proposer hears of each milestone as it is done.
    states={S.REPLIED, S.FOLLOWED_UP, S.CLOSED},
    who=(HANDLER, REVIEWER),
    form=forms.MilestoneDoneForm,
    while_paused=True,
    main=False,
)
def complete_milestone(step, milestone, done_on=None, note=""):
    case = step.case
    milestone = Milestone.objects.filter(
        pk=getattr(milestone, "pk", None), outcome__case=case, done_on__isnull=True
    ).first()
    if milestone is None:
        raise TransitionNotAllowed(_("Choose a milestone of this case that is not done yet."))
    today = timezone.localtime(step.now).date()
    done_on = done_on or today
    if done_on > today:
        raise TransitionNotAllowed(_("A milestone cannot be marked done on a future date."))
    milestone.done_on = done_on
    step.add(milestone)
    step.event(
        K.MILESTONE_DONE, milestone.what, public=True, milestone=milestone.pk, done_on=done_on.isoformat()
    )
    if note:
        step.event(K.NOTE, note)


# --- Rectification measures (整改措施) ------------------------------------------------------------


def _checked_measure(step, description, department, owner, deadline):
    """A measure's parts, checked: what, an active department, its own member as owner, a deadline
    not before today."""
    description = (description or "").strip()
    if not description or department is None or deadline is None:
        raise TransitionNotAllowed(
            _("Each measure needs what is to be done, its department and its deadline.")
        )
    if not department.is_active:
        raise TransitionNotAllowed(_("Choose an active department for the measure."))
    if (
        owner is not None
        and not DepartmentMembership.objects.filter(user=owner, department=department).exists()
    ):
        raise TransitionNotAllowed(_("The owner of a measure must belong to its department."))
    if deadline < timezone.localtime(step.now).date():
        raise TransitionNotAllowed(_("A measure's deadline cannot be in the past."))
    return description, department, owner, deadline


def _new_measure(step, outcome, description, department, owner, deadline):
    return RectificationMeasure(
        case=step.case,
        outcome=outcome,
        description=description,
        department=department,
        owner=owner,
        deadline=deadline,
        created_by=step.actor,
        created_at=step.now,
    )


def _measure(step, measure, state, message):
    """The case's measure `measure` (an instance or id), locked, in `state`; refused otherwise."""
    # Only the measure's row is locked: PostgreSQL cannot lock the outer join to a missing owner.
    found = (
        RectificationMeasure.objects.select_for_update(of=("self",))
        .filter(pk=getattr(measure, "pk", measure), case=step.case, state=state)
        .select_related("department", "owner")
        .first()
    )
    if found is None:
        raise TransitionNotAllowed(message)
    return found


def _measure_text(step, message, measure, **params):
    return step.in_office_language(message, what=measure.description, **params)


def _measure_data(measure, **data):
    return {"measure": measure.pk, "department": measure.department_id, **data}


def _department_reviewers(department_id):
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            department_memberships__department=department_id,
            department_memberships__role=DepartmentMembership.Role.REVIEWER,
        )
        .distinct()
    )


def measure_people(measure):
    """Who answers for a measure: its owner, else its department's reviewers."""
    if measure.owner_id and measure.owner.is_active:
        return [measure.owner]
    return _department_reviewers(measure.department_id)


@transition(
    "add_measure",
    _("Add a rectification measure"),
    states=MEASURE_STATES,
    who=(HANDLER, REVIEWER),
    form=forms.MeasureForm,
    while_paused=True,
    main=False,
    saves=False,
)
def add_measure(step, description, department, deadline, owner=None):
    """A further measure of the latest outcome's rectification, by the case's department."""
    description, department, owner, deadline = _checked_measure(
        step, description, department, owner, deadline
    )
    outcome = step.case.outcomes.first()
    measure = step.add(_new_measure(step, outcome, description, department, owner, deadline))
    text = _measure_text(
        step,
        gettext_noop("Rectification measure for %(department)s by %(date)s: %(what)s"),
        measure,
        department=department.name,
        date=deadline.isoformat(),
    )
    step.event(K.MEASURE_ADDED, text, **_measure_data(measure, deadline=deadline.isoformat()))
    if department.pk != step.case.department_id:
        for user in measure_people(measure):
            step.notify_staff("rectification", user, f"measure:{measure.pk}:added", text=text)


@transition(
    "carry_out_measure",
    _("Record a rectification measure as carried out"),
    states=MEASURE_STATES,
    who=(HANDLER, REVIEWER),
    form=forms.CarryOutMeasureForm,
    while_paused=True,
    main=False,
    saves=False,
)
def carry_out_measure(step, measure, note, done_on=None):
    """The owning department says what it did and when; a reviewer or supervisor then verifies it."""
    note = _required(note, _("Say what was done."))
    measure = _measure(
        step,
        measure,
        RectificationMeasure.State.PLANNED,
        _("Choose a measure of this case waiting to be carried out."),
    )
    actor = step.actor
    if not actor.is_superuser and not access.department_ids(actor) & {measure.department_id}:
        raise TransitionNotAllowed(_("Only the department owning a measure records it as carried out."))
    today = timezone.localtime(step.now).date()
    done_on = done_on or today
    if done_on > today:
        raise TransitionNotAllowed(_("A measure cannot be carried out on a future date."))
    measure.state = RectificationMeasure.State.CARRIED_OUT
    measure.carried_out_on = done_on
    measure.carried_out_note = note
    measure.carried_out_by = actor
    measure.save(update_fields=["state", "carried_out_on", "carried_out_note", "carried_out_by"])
    text = _measure_text(
        step,
        gettext_noop("Rectification measure carried out on %(date)s: %(what)s. What was done: %(note)s"),
        measure,
        date=done_on.isoformat(),
        note=note,
    )
    step.event(K.MEASURE_CARRIED_OUT, text, **_measure_data(measure, done_on=done_on.isoformat()))
    # The round's notices about this measure have their answer.
    SupervisionNotice.objects.filter(
        case=step.case, stage=measure_stage(measure), answered_at__isnull=True
    ).update(response=note, answered_at=step.now, answered_by=actor, expected_completion=done_on)
    verifiers = _department_reviewers(step.case.department_id) if step.case.department_id else []
    for user in verifiers:
        if user.pk != actor.pk:
            step.notify_staff(
                "rectification", user, f"measure:{measure.pk}:carried_out:{step.now.isoformat()}", text=text
            )


def measure_stage(measure):
    """The supervision notices' stage key of one measure."""
    return f"measure:{measure.pk}"


MEASURE_VERIFIERS = (REVIEWER, SUPERVISOR)


def _check_verifier(step, measure):
    if measure.carried_out_by_id == step.actor.pk:
        raise TransitionNotAllowed(_("Someone other than the person who carried out a measure verifies it."))


@transition(
    "verify_measure",
    _("Verify a rectification measure"),
    states=MEASURE_STATES,
    who=MEASURE_VERIFIERS,
    form=forms.VerifyMeasureForm,
    while_paused=True,
    main=False,
    saves=False,
)
def verify_measure(step, measure, note=""):
    """A reviewer of the case's department or a supervisor confirms the measure was carried out; the
    citizen is told (a public event: the outbox sends it)."""
    measure = _measure(
        step, measure, RectificationMeasure.State.CARRIED_OUT, _("Choose a carried-out measure of this case.")
    )
    _check_verifier(step, measure)
    measure.state = RectificationMeasure.State.VERIFIED
    measure.verified_at = step.now
    measure.verified_by = step.actor
    measure.verification_note = (note or "").strip()
    measure.save(update_fields=["state", "verified_at", "verified_by", "verification_note"])
    step.event(
        K.MEASURE_VERIFIED,
        step.for_citizen(
            gettext_noop("A rectification measure has been carried out and checked: %(what)s"),
            what=measure.description,
        ),
        public=True,
        **_measure_data(measure, note=measure.verification_note),
    )


@transition(
    "return_measure",
    _("Return a rectification measure for more work"),
    states=MEASURE_STATES,
    who=MEASURE_VERIFIERS,
    form=forms.ReturnMeasureForm,
    while_paused=True,
    main=False,
    saves=False,
)
def return_measure(step, measure, note):
    """Not done well enough: back to planned, with the reason, and its department is told."""
    note = _required(note, _("Say what more must be done."))
    measure = _measure(
        step, measure, RectificationMeasure.State.CARRIED_OUT, _("Choose a carried-out measure of this case.")
    )
    _check_verifier(step, measure)
    measure.state = RectificationMeasure.State.PLANNED
    measure.returned_at = step.now
    measure.return_note = note
    measure.save(update_fields=["state", "returned_at", "return_note"])
    text = _measure_text(
        step,
        gettext_noop("Rectification measure returned for more work: %(what)s. Why: %(note)s"),
        measure,
        note=note,
    )
    step.event(K.MEASURE_RETURNED, text, **_measure_data(measure))
    for user in measure_people(measure):
        step.notify_staff(
            "rectification", user, f"measure:{measure.pk}:returned:{step.now.isoformat()}", text=text
        )


# --- Follow-up and endings ---------------------------------------------------------------------


@transition(
    "record_satisfaction",
    _("Record the follow-up"),
    states={S.REPLIED},
    who=(INTAKE, SUPERVISOR, HANDLER),
    form=forms.SatisfactionForm,
    citizen=True,
)
def record_satisfaction(step, satisfaction, comment="", reopen_requested=False):
    """`reopen_requested`: a dissatisfied citizen asks for the case to be handled again; staff decide."""
    if satisfaction not in Satisfaction.values:
        raise TransitionNotAllowed(_("Choose how satisfied the citizen is."))
    if reopen_requested and satisfaction != Satisfaction.DISSATISFIED:
        raise TransitionNotAllowed(_("Only a dissatisfied citizen can ask for the case to be reopened."))
    step.move(S.FOLLOWED_UP)
    step.case.satisfaction = satisfaction
    step.event(
        K.SATISFACTION,
        comment,
        satisfaction=satisfaction,
        by_citizen=step.actor is None,
        reopen_requested=reopen_requested,
    )
    if reopen_requested:
        # An internal note in the office's language: the request waits for staff.
        note = step.in_office_language(
            gettext_noop("The citizen is dissatisfied and asks for the case to be reopened.")
        )
        step.event(K.NOTE, f"{note}\n{comment}".strip(), reopen_requested=True)


@transition(
    "reopen",
    _("Reopen"),
    states={S.REPLIED, S.FOLLOWED_UP},
    who=(INTAKE, SUPERVISOR, MANAGER),
    form=forms.ReasonForm,
)
def reopen(step, reason):
    reason = _required(reason, _("Give the reason for reopening."))
    case = step.case
    # Back to the department that handled it; a direct answer goes back to routing.
    step.move(S.ROUTED if case.department_id else S.ACCEPTED)
    case.satisfaction = ""
    case.replied_at = None
    case.reviewer_approved = False
    case.reopened_on = timezone.localtime(step.now).date()
    step.event(K.REOPENED, reason, public=True)


@transition(
    "close",
    _("Close and archive"),
    states={S.REPLIED, S.FOLLOWED_UP},
    who=SCREENERS,
    form=forms.CloseForm,
    waits_for=(INTAKE,),
)
def close(step, note=""):
    if step.case.status == S.REPLIED:
        _required(note, _("Say why the case closes without a follow-up."))
    step.move(S.CLOSED)
    step.case.closed_at = step.now
    step.event(K.CLOSED, step.for_citizen(gettext_noop("Your case has been closed.")), public=True, note=note)


@transition(
    "withdraw",
    _("Withdraw at the citizen's request"),
    states=ANY_OPEN,
    who=SCREENERS,
    form=forms.ReasonForm,
    citizen=True,
    citizen_states=BEFORE_REPLY,
    while_paused=True,
)
def withdraw(step, reason=""):
    case = step.case
    if step.actor is None:
        reason = _required(reason, _("Tell us why you withdraw your case."))
    if case.is_paused:
        step.end_pause()
    case.stage_before_information = ""
    step.move(S.WITHDRAWN)
    case.closed_at = step.now
    event = step.event(K.WITHDRAWN, reason, public=True, by_citizen=step.actor is None)
    if step.actor is None:
        # Withdrawn online: whoever works the case stops, so they hear of it at once.
        for user in _working_on(case):
            step.notify_staff("withdrawn", user, event.pk if event else "", reason=reason)


def _working_on(case):
    """The people working a case now: its handler, else its department's reviewers."""
    if case.handler_id:
        return [case.handler]
    if case.department_id:
        return _reviewers_of(case.department_id)
    return []


def _reviewers_of(department_id):
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            department_memberships__department=department_id,
            department_memberships__role=DepartmentMembership.Role.REVIEWER,
        )
        .distinct()
    )


# --- The clock ---------------------------------------------------------------------------------

CLOCK_KEEPERS = (INTAKE, SUPERVISOR, HANDLER)


@transition(
    "pause",
    _("Pause the clock"),
    states=ANY_OPEN - {S.AWAITING_INFORMATION},
    who=CLOCK_KEEPERS,
    form=forms.ReasonForm,
    main=False,
)
def pause(step, reason):
    reason = _required(reason, _("Say what the case is waiting for."))
    step.start_pause(reason)
    step.event(K.PAUSED, reason, public=True)


@transition(
    "resume",
    _("Resume the clock"),
    states=ANY_OPEN - {S.AWAITING_INFORMATION},
    who=CLOCK_KEEPERS,
    form=forms.NoteForm,
    while_paused=True,
    main=False,
)
def resume(step, note=""):
    step.end_pause()
    step.event(K.RESUMED, note, public=True)


@transition(
    "request_extension",
    _("Request a deadline extension"),
    states=HANDLING,
    who=(HANDLER, REVIEWER),
    form=forms.ExtensionForm,
    main=False,
)
def request_extension(step, days, reason):
    reason = _required(reason, _("Give the reason for the extension."))
    if not days or not MIN_EXTENSION_DAYS <= days <= MAX_EXTENSION_DAYS:
        raise TransitionNotAllowed(_("An extension is between 1 and 60 working days."))
    step.case.requested_extension_days = days
    step.case.requested_extension_reason = reason
    step.event(K.EXTENSION_REQUESTED, reason, days=days)


EXTENSION_DECIDERS = (SUPERVISOR, MANAGER)


@transition(
    "approve_extension",
    _("Approve the extension"),
    states=HANDLING,
    who=EXTENSION_DECIDERS,
    form=forms.NoteForm,
    while_paused=True,
    main=False,
    waits_for=EXTENSION_DECIDERS,
    waiting_when=Q(requested_extension_days__gt=0),
)
def approve_extension(step, note=""):
    case = step.case
    days = case.requested_extension_days
    case.extension_days += days
    case.requested_extension_days = 0
    case.requested_extension_reason = ""
    step.recompute_due_dates()
    step.event(
        K.EXTENSION_APPROVED,
        step.for_citizen(gettext_noop("The reply is now due by %(date)s."), date=case.reply_due.isoformat()),
        public=True,
        days=days,
        note=note,
    )


@transition(
    "refuse_extension",
    _("Refuse the extension"),
    states=HANDLING,
    who=EXTENSION_DECIDERS,
    form=forms.NoteForm,
    while_paused=True,
    main=False,
)
def refuse_extension(step, note=""):
    days = step.case.requested_extension_days
    step.case.requested_extension_days = 0
    step.case.requested_extension_reason = ""
    step.event(K.EXTENSION_REFUSED, note, days=days)


@transition(
    "post_progress",
    _("Post a progress update"),
    states=HANDLING,
    who=(HANDLER, REVIEWER, SUPERVISOR),
    form=forms.TextForm,
    while_paused=True,
    main=False,
    saves=False,
)
def post_progress(step, text):
    """A department's progress report (docs/domain.md "Tracking and supervision"): on the timeline,
    and it ends a stall."""
    step.event(K.PROGRESS, _required(text, _("Describe the progress made.")))


@transition(
    "add_note",
    _("Add an internal note"),
    states=frozenset(S),
    who=(INTAKE, SUPERVISOR, MANAGER, HANDLER, REVIEWER),
    form=forms.TextForm,
    while_paused=True,
    main=False,
    saves=False,
)
def add_note(step, text):
    step.event(K.NOTE, _required(text, _("Write the note.")))


# --- Supervision by hand (督辦) ------------------------------------------------------------------

SUPERVISION_ISSUERS = (SUPERVISOR, MANAGER)
# The responsible department answers; intake answers for a case it has not routed yet (rules).
SUPERVISION_RESPONDERS = (HANDLER, REVIEWER, INTAKE)


@transition(
    "issue_supervision_notice",
    _("Issue a supervision notice"),
    states=ANY_OPEN,
    who=SUPERVISION_ISSUERS,
    form=forms.SupervisionNoticeForm,
    while_paused=True,
    main=False,
    saves=False,
)
def issue_supervision_notice(step, reason, respond_by=None):
    """A supervisor's notice (measures §五(二)): the department answers by `respond_by` (by default
    CASEWORK_SUPERVISION_RESPONSE_DAYS working days on), or the round escalates it."""
    reason = _required(reason, _("Give the reason for the supervision notice."))
    case = step.case
    today = timezone.localtime(step.now).date()
    respond_by = respond_by or escalation.response_due(today)
    if respond_by <= today:
        raise TransitionNotAllowed(_("The response date must be after today."))
    notice = step.add(
        SupervisionNotice(
            case=case,
            stage=f"{case.status}:{case.stage_started_on.isoformat()}",
            level=1,
            department=case.department,
            text=reason,
            issued_by=step.actor,
            issued_at=step.now,
            respond_by=respond_by,
        )
    )
    text = step.in_office_language(
        gettext_noop("Supervision notice: %(reason)s The department answers by %(date)s."),
        reason=reason,
        date=respond_by.isoformat(),
    )
    step.event(K.NOTE, text, supervision_notice=notice.pk, supervision_level=1)
    for user in escalation.department_staff(case):
        step.notify_staff("supervision", user, f"notice:{notice.pk}", level=1, text=text)


@transition(
    "respond_to_supervision",
    _("Answer the supervision notice"),
    states=ANY_OPEN,
    who=SUPERVISION_RESPONDERS,
    form=forms.SupervisionResponseForm,
    while_paused=True,
    main=False,
    saves=False,
)
def respond_to_supervision(step, notice, progress, expected_completion):
    """The department's answer: its progress and when it expects to finish; late after `respond_by`."""
    progress = _required(progress, _("Describe the progress made."))
    case = step.case
    today = timezone.localtime(step.now).date()
    if notice is None:
        raise TransitionNotAllowed(_("Choose the supervision notice to answer."))
    notice = SupervisionNotice.objects.select_for_update().filter(pk=notice.pk, case=case).first()
    if notice is None or notice.answered_at is not None:
        raise TransitionNotAllowed(_("This supervision notice has already been answered."))
    if expected_completion is None or expected_completion < today:
        raise TransitionNotAllowed(_("The expected completion date cannot be in the past."))
    notice.response = progress
    notice.expected_completion = expected_completion
    notice.answered_at = step.now
    notice.answered_by = step.actor
    notice.answered_late = notice.respond_by is not None and today > notice.respond_by
    notice.save(
        update_fields=["response", "expected_completion", "answered_at", "answered_by", "answered_late"]
    )
    message = (
        gettext_noop(
            "Answer to the supervision notice of %(issued)s, after its date %(due)s: %(progress)s "
            "Expected completion: %(date)s."
        )
        if notice.answered_late
        else gettext_noop(
            "Answer to the supervision notice of %(issued)s: %(progress)s Expected completion: %(date)s."
        )
    )
    text = step.in_office_language(
        message,
        issued=timezone.localtime(notice.issued_at).date().isoformat(),
        due=notice.respond_by.isoformat() if notice.respond_by else "",
        progress=progress,
        date=expected_completion.isoformat(),
    )
    step.event(K.PROGRESS, text, supervision_notice=notice.pk, late=notice.answered_late)
    if notice.issued_by_id and notice.issued_by_id != step.actor.pk:
        step.notify_staff("supervision_answered", notice.issued_by, f"notice:{notice.pk}:answered", text=text)
