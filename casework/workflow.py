"""The life of a case (docs/domain.md): the only module that changes a case's status.

Every transition locks the case row, checks the actor's role and department and the case's state
against RULES, writes its Events, recomputes the due dates and, once the transaction commits, queues
the citizen's notification. Two transitions racing on one case are serialised by the row lock; the
second then finds the case in its new state and is refused.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from . import access
from .deadlines import recompute_due_dates
from .models import (
    OPEN_STATUSES,
    Case,
    Category,
    Channel,
    DepartmentMembership,
    Event,
    Outcome,
    Pause,
    Priority,
    Satisfaction,
    Status,
)
from .signals import batched_case_changes

S = Status
INTAKE, SUPERVISOR, MANAGER, HANDLER, REVIEWER = "intake", "supervisor", "manager", "handler", "reviewer"

# One extension request adds at most about three months of working days: a longer delay takes a
# further request, approved again, rather than one open-ended postponement.
MIN_EXTENSION_DAYS, MAX_EXTENSION_DAYS = 1, 60


class TransitionNotAllowed(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Rule:
    label: str
    states: frozenset
    who: tuple
    # By the citizen through the portal (actor None).
    citizen: bool = False
    # Allowed while the case's clock is paused (most work waits until it runs again).
    while_paused: bool = False
    # Whether it changes status: the case page offers those first.
    main: bool = True


ANY_OPEN = frozenset(OPEN_STATUSES)
HANDLING = frozenset({S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED})

RULES = {
    "accept": Rule(_("Accept"), frozenset({S.RECEIVED}), (INTAKE, SUPERVISOR)),
    "reject": Rule(_("Reject as out of scope"), frozenset({S.RECEIVED}), (INTAKE, SUPERVISOR)),
    "request_information": Rule(
        _("Ask the citizen for more information"), frozenset({S.RECEIVED}), (INTAKE, SUPERVISOR)
    ),
    "receive_information": Rule(
        _("Record the information received"),
        frozenset({S.AWAITING_INFORMATION}),
        (INTAKE, SUPERVISOR),
        citizen=True,
        while_paused=True,
    ),
    "mark_duplicate": Rule(
        _("Merge as a duplicate"), frozenset({S.RECEIVED, S.ACCEPTED}), (INTAKE, SUPERVISOR)
    ),
    "answer_directly": Rule(_("Answer directly"), frozenset({S.RECEIVED, S.ACCEPTED}), (INTAKE,)),
    "route": Rule(_("Route to a department"), frozenset({S.ACCEPTED}), (INTAKE, SUPERVISOR)),
    "reroute": Rule(
        _("Re-route to another department"),
        frozenset({S.ROUTED, S.IN_PROGRESS}),
        (INTAKE, SUPERVISOR, REVIEWER),
    ),
    "assign": Rule(
        _("Assign a handler"), frozenset({S.ROUTED, S.IN_PROGRESS}), (REVIEWER, HANDLER), main=False
    ),
    "handling_plan": Rule(_("Record the handling plan"), frozenset({S.ROUTED}), (HANDLER,)),
    "record_outcome": Rule(_("Record the outcome"), frozenset({S.IN_PROGRESS}), (HANDLER,)),
    "submit_for_review": Rule(_("Submit the draft reply for review"), frozenset({S.IN_PROGRESS}), (HANDLER,)),
    "return_draft": Rule(_("Return with comments"), frozenset({S.IN_REVIEW}), (REVIEWER,)),
    "approve_draft": Rule(_("Approve the draft reply"), frozenset({S.IN_REVIEW}), (REVIEWER,)),
    "manager_return": Rule(_("Return with comments"), frozenset({S.AWAITING_APPROVAL}), (MANAGER,)),
    "manager_approve": Rule(_("Approve as management"), frozenset({S.AWAITING_APPROVAL}), (MANAGER,)),
    "reply": Rule(_("Send the reply"), frozenset({S.APPROVED}), (HANDLER, REVIEWER, INTAKE)),
    "record_satisfaction": Rule(
        _("Record the follow-up"), frozenset({S.REPLIED}), (INTAKE, SUPERVISOR, HANDLER), citizen=True
    ),
    "reopen": Rule(_("Reopen"), frozenset({S.REPLIED, S.FOLLOWED_UP}), (INTAKE, SUPERVISOR, MANAGER)),
    "close": Rule(_("Close and archive"), frozenset({S.REPLIED, S.FOLLOWED_UP}), (INTAKE, SUPERVISOR)),
    "withdraw": Rule(
        _("Withdraw at the citizen's request"),
        ANY_OPEN,
        (INTAKE, SUPERVISOR),
        citizen=True,
        while_paused=True,
    ),
    "pause": Rule(
        _("Pause the clock"),
        ANY_OPEN - {S.AWAITING_INFORMATION},
        (INTAKE, SUPERVISOR, HANDLER),
        main=False,
    ),
    "resume": Rule(
        _("Resume the clock"),
        ANY_OPEN - {S.AWAITING_INFORMATION},
        (INTAKE, SUPERVISOR, HANDLER),
        while_paused=True,
        main=False,
    ),
    "request_extension": Rule(_("Request a deadline extension"), HANDLING, (HANDLER, REVIEWER), main=False),
    "approve_extension": Rule(
        _("Approve the extension"), HANDLING, (SUPERVISOR, MANAGER), while_paused=True, main=False
    ),
    "refuse_extension": Rule(
        _("Refuse the extension"), HANDLING, (SUPERVISOR, MANAGER), while_paused=True, main=False
    ),
    "post_progress": Rule(
        _("Post a progress update"),
        HANDLING,
        (HANDLER, REVIEWER, SUPERVISOR),
        while_paused=True,
        main=False,
    ),
    "add_note": Rule(
        _("Add an internal note"),
        frozenset(Status),
        (INTAKE, SUPERVISOR, MANAGER, HANDLER, REVIEWER),
        while_paused=True,
        main=False,
    ),
}

DIRECT_ANSWER_CATEGORIES = {Category.INQUIRY, Category.OTHER}


# --- Checks ------------------------------------------------------------------------------------


def _acts_as(user, who, case):
    from . import roles

    if who == INTAKE:
        return access.has_role(user, roles.INTAKE_OFFICER)
    if who == SUPERVISOR:
        return access.has_role(user, roles.SUPERVISOR)
    if who == MANAGER:
        return access.has_role(user, roles.MANAGER)
    if who == HANDLER:
        return access.is_member(user, case.department_id, DepartmentMembership.Role.HANDLER)
    if who == REVIEWER:
        return access.is_member(user, case.department_id, DepartmentMembership.Role.REVIEWER)
    return False


def _extra_refusal(action, case):
    """State-dependent conditions beyond the status (None when there is nothing against it)."""
    if action == "answer_directly" and case.category not in DIRECT_ANSWER_CATEGORIES:
        return _("Only inquiries can be answered directly; route this case to a department.")
    if action == "request_extension" and case.requested_extension_days:
        return _("An extension request is already waiting for a decision.")
    if action in {"approve_extension", "refuse_extension"} and not case.requested_extension_days:
        return _("No extension has been requested.")
    if action == "pause" and case.is_paused:
        return _("The clock is already paused.")
    if action == "resume" and not case.is_paused:
        return _("The clock is not paused.")
    if action == "submit_for_review" and case.category in OUTCOME_REQUIRED and not case.outcomes.exists():
        return _("Record the outcome before submitting the draft reply.")
    return None


def refusal(user, case, action):
    """Why `user` may not perform `action` on `case` now, or None when they may."""
    rule = RULES.get(action)
    if rule is None:
        return _("Unknown action.")
    if user is None:
        if not rule.citizen:
            return _("This step needs a member of staff.")
    elif not any(_acts_as(user, who, case) for who in rule.who):
        return _("Your role or department does not allow this step on this case.")
    if case.status not in rule.states:
        return _("This step is not possible while the case is “%(status)s”.") % {
            "status": case.get_status_display()
        }
    if case.is_paused and not rule.while_paused:
        return _("The case's clock is paused; resume it first.")
    return _extra_refusal(action, case)


def can(user, case, action):
    return refusal(user, case, action) is None


def available_transitions(user, case):
    """The actions the user may perform on the case now, in the order the case page offers them."""
    return [action for action in RULES if can(user, case, action)]


# --- Plumbing ----------------------------------------------------------------------------------


def _begin(case, actor, action):
    """Lock the case row, re-read it and check the rule against its current state."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    reason = refusal(actor, locked, action)
    if reason:
        raise TransitionNotAllowed(reason)
    return locked


def _event(case, actor, kind, text="", public=False, **data):
    event = Event.objects.create(case=case, actor=actor, kind=kind, text=text, is_public=public, data=data)
    if public:
        from . import notifications

        notifications.queue_for_event(event)
    return event


def _for_citizen(case, message, **params):
    """A public timeline text, written in the citizen's language (not the staff member's)."""
    with translation.override(case.language or settings.LANGUAGE_CODE):
        return translation.gettext(message) % params


def _move(case, status):
    case.status = status
    case.stage_started_on = timezone.localdate()


def _save(case):
    recompute_due_dates(case)
    case.save()
    return case


def _required(value, message):
    if not (value or "").strip():
        raise TransitionNotAllowed(message)
    return value.strip()


# --- Registration and screening ----------------------------------------------------------------


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
    **citizen,
):
    """Register a new case; returns (case, access_code). The access code is shown to the citizen once.

    `citizen` holds the personal fields (citizen_name, citizen_phone, ...). actor None means the
    citizen filed it themselves (online form or partner system). language defaults to the site's
    source language (settings.LANGUAGE_CODE).
    """
    from . import roles

    if actor is None and channel not in {Channel.WEB, Channel.API}:
        raise TransitionNotAllowed(_("Only online cases can be filed without a member of staff."))
    if actor is not None and not access.has_role(actor, roles.INTAKE_OFFICER, roles.SUPERVISOR):
        raise TransitionNotAllowed(_("Only intake officers and supervisors register cases."))
    unknown = set(citizen) - set(Case.PERSONAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic(), batched_case_changes():
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
            **citizen,
        )
        case.stage_started_on = timezone.localtime(case.received_at).date()
        code = case.set_access_code()
        recompute_due_dates(case)
        case.save()
        _event(
            case,
            actor,
            Event.Kind.REGISTERED,
            _for_citizen(
                case,
                gettext_noop("Your case has been registered. We will reply by %(date)s."),
                date=case.reply_due.isoformat(),
            ),
            public=True,
            channel=channel,
        )
        if visit is not None:
            visit.case = case
            visit.save(update_fields=["case"])
    return case, code


def accept(case, actor, note=""):
    with transaction.atomic():
        case = _begin(case, actor, "accept")
        _move(case, S.ACCEPTED)
        _event(
            case,
            actor,
            Event.Kind.ACCEPTED,
            _for_citizen(case, gettext_noop("Your case has been accepted.")),
            public=True,
        )
        if note:
            _event(case, actor, Event.Kind.NOTE, note)
        return _save(case)


def reject(case, actor, reason):
    reason = _required(reason, _("Give the reason the citizen will read."))
    with transaction.atomic():
        case = _begin(case, actor, "reject")
        _move(case, S.REJECTED)
        case.closed_at = timezone.now()
        _event(case, actor, Event.Kind.REJECTED, reason, public=True)
        return _save(case)


def request_information(case, actor, request):
    request = _required(request, _("Say what information the citizen should provide."))
    with transaction.atomic():
        case = _begin(case, actor, "request_information")
        _move(case, S.AWAITING_INFORMATION)
        case.paused_at = timezone.now()
        Pause.objects.create(case=case, started_at=case.paused_at, reason=request)
        _event(case, actor, Event.Kind.INFORMATION_REQUESTED, request, public=True)
        return _save(case)


def receive_information(case, actor, text):
    text = _required(text, _("Record what the citizen provided."))
    with transaction.atomic():
        case = _begin(case, actor, "receive_information")
        _end_pause(case)
        # The screening stage goes on where it stopped: its due date moves by the paused days.
        case.status = S.RECEIVED
        _event(case, actor, Event.Kind.INFORMATION_RECEIVED, text, public=actor is None)
        return _save(case)


def record_attachment(case, attachment, actor):
    """The timeline entry of a file attached to the case (by staff, or by the citizen when None)."""
    return _event(case, actor, Event.Kind.ATTACHMENT, attachment.display_name, id=attachment.pk)


def record_supervision_notice(case, text, level, stage):
    """The internal timeline entry of a supervision notice (no actor: the supervision round)."""
    return _event(case, None, Event.Kind.NOTE, text, supervision_level=level, stage=stage)


def note_tracking_paused(case, failures, minutes):
    """Tell the staff on the case's timeline (internal) that its online lookup was paused."""
    with transaction.atomic():
        with translation.override(settings.LANGUAGE_CODE):
            text = translation.gettext(
                "Online tracking of this case was paused for %(minutes)d minutes after %(failures)d "
                "wrong access codes today. If the citizen calls, check who they are before helping."
            ) % {"minutes": minutes, "failures": failures}
        return _event(case, None, Event.Kind.NOTE, text)


def mark_duplicate(case, actor, original, note=""):
    if original is None or original.pk == case.pk:
        raise TransitionNotAllowed(_("Choose the earlier case this one duplicates."))
    with transaction.atomic():
        case = _begin(case, actor, "mark_duplicate")
        if original.duplicate_of_id:
            original = original.duplicate_of
        _move(case, S.DUPLICATE)
        case.duplicate_of = original
        case.closed_at = timezone.now()
        _event(
            case,
            actor,
            Event.Kind.MERGED,
            _for_citizen(
                case,
                gettext_noop(
                    "Your case has been merged with case %(reference)s, which deals with the same matter."
                ),
                reference=original.reference,
            ),
            public=True,
            original=original.reference,
        )
        Event.objects.create(
            case=original,
            actor=actor,
            kind=Event.Kind.DUPLICATE_ATTACHED,
            text=note,
            data={"duplicate": case.reference},
        )
        return _save(case)


def answer_directly(case, actor, reply_text):
    reply_text = _required(reply_text, _("Write the answer."))
    with transaction.atomic():
        case = _begin(case, actor, "answer_directly")
        _move(case, S.REPLIED)
        case.replied_at = timezone.now()
        _event(case, actor, Event.Kind.REPLIED, reply_text, public=True, direct=True)
        return _save(case)


# --- Routing and handling ----------------------------------------------------------------------


def route(case, actor, department, reason=""):
    if department is None:
        raise TransitionNotAllowed(_("Choose a department."))
    with transaction.atomic():
        case = _begin(case, actor, "route")
        _move(case, S.ROUTED)
        case.department = department
        case.handler = None
        _event(
            case,
            actor,
            Event.Kind.ROUTED,
            _for_citizen(
                case, gettext_noop("Your case has been passed to %(department)s."), department=department.name
            ),
            public=True,
            department=department.pk,
        )
        if reason:
            _event(case, actor, Event.Kind.NOTE, reason)
        return _save(case)


def reroute(case, actor, department, reason):
    reason = _required(reason, _("Give the reason for re-routing."))
    if department is None:
        raise TransitionNotAllowed(_("Choose a department."))
    with transaction.atomic():
        case = _begin(case, actor, "reroute")
        if department.pk == case.department_id:
            raise TransitionNotAllowed(_("The case is already with this department."))
        previous = case.department
        _move(case, S.ROUTED)
        case.department = department
        case.handler = None
        case.handling_plan = ""
        _event(
            case,
            actor,
            Event.Kind.REROUTED,
            reason,
            from_department=previous.pk if previous else None,
            department=department.pk,
        )
        _event(
            case,
            actor,
            Event.Kind.ROUTED,
            _for_citizen(
                case, gettext_noop("Your case has been passed to %(department)s."), department=department.name
            ),
            public=True,
            department=department.pk,
        )
        return _save(case)


def assign(case, actor, handler):
    with transaction.atomic():
        case = _begin(case, actor, "assign")
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
        event = _event(case, actor, Event.Kind.ASSIGNED, handler.get_full_name() or handler.get_username())
        if handler.pk != actor.pk:
            from . import notifications

            notifications.queue_for_staff("assigned", handler, case, event.pk)
        return _save(case)


def record_handling_plan(case, actor, plan):
    plan = _required(plan, _("Describe the handling plan."))
    with transaction.atomic():
        case = _begin(case, actor, "handling_plan")
        _move(case, S.IN_PROGRESS)
        case.handling_plan = plan
        case.handler = case.handler or actor
        _event(case, actor, Event.Kind.HANDLING_PLAN, plan)
        _event(
            case,
            actor,
            Event.Kind.NOTE,
            _for_citizen(case, gettext_noop("Your case is being handled.")),
            public=True,
        )
        return _save(case)


OUTCOME_REQUIRED = {
    Category.COMPLAINT: ("characterisation", "measures"),
    Category.SUGGESTION: ("adoption",),
    Category.HELP: ("help_provided",),
}


def record_outcome(case, actor, **fields):
    allowed = {f.name for f in Outcome._meta.fields} - {"id", "case", "recorded_by", "recorded_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown outcome fields: {sorted(unknown)}")
    with transaction.atomic():
        case = _begin(case, actor, "record_outcome")
        missing = [name for name in OUTCOME_REQUIRED.get(case.category, ()) if not fields.get(name)]
        if missing:
            labels = ", ".join(str(Outcome._meta.get_field(name).verbose_name) for name in missing)
            raise TransitionNotAllowed(_("Fill in: %(fields)s.") % {"fields": labels})
        if fields.get("rectification") and not fields.get("rectification_deadline"):
            raise TransitionNotAllowed(_("Give a deadline for the rectification."))
        outcome = Outcome.objects.create(case=case, recorded_by=actor, **fields)
        data = {
            name: str(value)
            for name, value in fields.items()
            if value not in (None, "") and name != "rectification_deadline"
        }
        if outcome.rectification_deadline:
            data["rectification_deadline"] = outcome.rectification_deadline.isoformat()
        _event(case, actor, Event.Kind.OUTCOME, outcome.characterisation or outcome.help_provided, **data)
        return _save(case)


def submit_for_review(case, actor, draft_reply):
    draft_reply = _required(draft_reply, _("Write the draft reply."))
    with transaction.atomic():
        case = _begin(case, actor, "submit_for_review")
        _move(case, S.IN_REVIEW)
        case.draft_reply = draft_reply
        case.reviewer_approved = False
        _event(case, actor, Event.Kind.SUBMITTED, draft_reply)
        return _save(case)


def return_draft(case, actor, comments):
    return _return(case, actor, comments, "return_draft")


def manager_return(case, actor, comments):
    return _return(case, actor, comments, "manager_return")


def _return(case, actor, comments, action):
    comments = _required(comments, _("Say what should change."))
    with transaction.atomic():
        case = _begin(case, actor, action)
        _move(case, S.IN_PROGRESS)
        case.reviewer_approved = False
        event = _event(case, actor, Event.Kind.RETURNED, comments)
        if case.handler_id and case.handler_id != actor.pk:
            from . import notifications

            # The handler learns at once that the draft came back, and why.
            notifications.queue_for_staff("returned", case.handler, case, event.pk, comments=comments)
        return _save(case)


def approve_draft(case, actor, comments=""):
    with transaction.atomic():
        case = _begin(case, actor, "approve_draft")
        # Major or complex cases also need management's approval (審批) before the reply goes out.
        _move(case, S.AWAITING_APPROVAL if case.is_major else S.APPROVED)
        case.reviewer_approved = True
        _event(case, actor, Event.Kind.REVIEWED, comments)
        return _save(case)


def manager_approve(case, actor, comments=""):
    with transaction.atomic():
        case = _begin(case, actor, "manager_approve")
        _move(case, S.APPROVED)
        _event(case, actor, Event.Kind.APPROVED, comments)
        return _save(case)


def reply(case, actor, reply_text=""):
    with transaction.atomic():
        case = _begin(case, actor, "reply")
        text = (reply_text or "").strip() or case.draft_reply
        _required(text, _("Write the reply."))
        _move(case, S.REPLIED)
        case.replied_at = timezone.now()
        _event(case, actor, Event.Kind.REPLIED, text, public=True, channel=case.reply_channel)
        return _save(case)


# --- Follow-up and endings ---------------------------------------------------------------------


def record_satisfaction(case, actor, satisfaction, comment="", reopen_requested=False):
    """`reopen_requested`: a dissatisfied citizen asks for the case to be handled again; staff decide."""
    if satisfaction not in Satisfaction.values:
        raise TransitionNotAllowed(_("Choose how satisfied the citizen is."))
    if reopen_requested and satisfaction != Satisfaction.DISSATISFIED:
        raise TransitionNotAllowed(_("Only a dissatisfied citizen can ask for the case to be reopened."))
    with transaction.atomic():
        case = _begin(case, actor, "record_satisfaction")
        _move(case, S.FOLLOWED_UP)
        case.satisfaction = satisfaction
        _event(
            case,
            actor,
            Event.Kind.SATISFACTION,
            comment,
            satisfaction=satisfaction,
            by_citizen=actor is None,
            reopen_requested=reopen_requested,
        )
        if reopen_requested:
            # An internal note on the timeline, in the office's language: the request waits for staff.
            with translation.override(settings.LANGUAGE_CODE):
                note = translation.gettext(
                    "The citizen is dissatisfied and asks for the case to be reopened."
                )
            _event(case, actor, Event.Kind.NOTE, f"{note}\n{comment}".strip(), reopen_requested=True)
        return _save(case)


def reopen(case, actor, reason):
    reason = _required(reason, _("Give the reason for reopening."))
    with transaction.atomic():
        case = _begin(case, actor, "reopen")
        # Back to the department that handled it; a direct answer goes back to routing.
        _move(case, S.ROUTED if case.department_id else S.ACCEPTED)
        case.satisfaction = ""
        case.replied_at = None
        case.reviewer_approved = False
        case.reopened_on = timezone.localdate()
        _event(case, actor, Event.Kind.REOPENED, reason, public=True)
        return _save(case)


def close(case, actor, note=""):
    with transaction.atomic():
        case = _begin(case, actor, "close")
        if case.status == S.REPLIED:
            _required(note, _("Say why the case closes without a follow-up."))
        _move(case, S.CLOSED)
        case.closed_at = timezone.now()
        _event(
            case,
            actor,
            Event.Kind.CLOSED,
            _for_citizen(case, gettext_noop("Your case has been closed.")),
            public=True,
            note=note,
        )
        return _save(case)


def withdraw(case, actor, reason=""):
    with transaction.atomic():
        case = _begin(case, actor, "withdraw")
        if case.is_paused:
            _end_pause(case)
        _move(case, S.WITHDRAWN)
        case.closed_at = timezone.now()
        _event(case, actor, Event.Kind.WITHDRAWN, reason, public=True)
        return _save(case)


# --- The clock ---------------------------------------------------------------------------------


def pause(case, actor, reason):
    reason = _required(reason, _("Say what the case is waiting for."))
    with transaction.atomic():
        case = _begin(case, actor, "pause")
        case.paused_at = timezone.now()
        Pause.objects.create(case=case, started_at=case.paused_at, reason=reason)
        _event(case, actor, Event.Kind.PAUSED, reason, public=True)
        return _save(case)


def resume(case, actor, note=""):
    with transaction.atomic():
        case = _begin(case, actor, "resume")
        _end_pause(case)
        _event(case, actor, Event.Kind.RESUMED, note, public=True)
        return _save(case)


def _end_pause(case):
    now = timezone.now()
    case.pauses.filter(ended_at__isnull=True).update(ended_at=now)
    case.paused_at = None


def request_extension(case, actor, days, reason):
    reason = _required(reason, _("Give the reason for the extension."))
    if not days or not MIN_EXTENSION_DAYS <= days <= MAX_EXTENSION_DAYS:
        raise TransitionNotAllowed(_("An extension is between 1 and 60 working days."))
    with transaction.atomic():
        case = _begin(case, actor, "request_extension")
        case.requested_extension_days = days
        case.requested_extension_reason = reason
        _event(case, actor, Event.Kind.EXTENSION_REQUESTED, reason, days=days)
        return _save(case)


def approve_extension(case, actor, note=""):
    with transaction.atomic():
        case = _begin(case, actor, "approve_extension")
        days = case.requested_extension_days
        case.extension_days += days
        case.requested_extension_days = 0
        case.requested_extension_reason = ""
        recompute_due_dates(case)
        _event(
            case,
            actor,
            Event.Kind.EXTENSION_APPROVED,
            _for_citizen(
                case, gettext_noop("The reply is now due by %(date)s."), date=case.reply_due.isoformat()
            ),
            public=True,
            days=days,
            note=note,
        )
        return _save(case)


def refuse_extension(case, actor, note=""):
    with transaction.atomic():
        case = _begin(case, actor, "refuse_extension")
        days = case.requested_extension_days
        case.requested_extension_days = 0
        case.requested_extension_reason = ""
        _event(case, actor, Event.Kind.EXTENSION_REFUSED, note, days=days)
        return _save(case)


def post_progress(case, actor, text):
    """A department's progress report (measures §五; docs/domain.md "Tracking and supervision"): on
    the timeline, and it ends a stall."""
    text = _required(text, _("Describe the progress made."))
    with transaction.atomic():
        case = _begin(case, actor, "post_progress")
        _event(case, actor, Event.Kind.PROGRESS, text)
        return case


def add_note(case, actor, text):
    text = _required(text, _("Write the note."))
    with transaction.atomic():
        case = _begin(case, actor, "add_note")
        _event(case, actor, Event.Kind.NOTE, text)
        return case


ACTIONS = {
    "accept": accept,
    "reject": reject,
    "request_information": request_information,
    "receive_information": receive_information,
    "mark_duplicate": mark_duplicate,
    "answer_directly": answer_directly,
    "route": route,
    "reroute": reroute,
    "assign": assign,
    "handling_plan": record_handling_plan,
    "record_outcome": record_outcome,
    "submit_for_review": submit_for_review,
    "return_draft": return_draft,
    "approve_draft": approve_draft,
    "manager_return": manager_return,
    "manager_approve": manager_approve,
    "reply": reply,
    "record_satisfaction": record_satisfaction,
    "reopen": reopen,
    "close": close,
    "withdraw": withdraw,
    "pause": pause,
    "resume": resume,
    "request_extension": request_extension,
    "approve_extension": approve_extension,
    "refuse_extension": refuse_extension,
    "post_progress": post_progress,
    "add_note": add_note,
}
assert set(ACTIONS) == set(RULES)
