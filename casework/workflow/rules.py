"""Who may take which step of a case, in which state (docs/domain.md "The life of a case").

The table is filled by the command layer: each step is declared once, next to the code that
performs it, with `commands.transition(...)`. This module only reads it: refusals for the case page
and the commands, and the inbox of the steps that wait for a user.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import access, roles
from ..deadlines import MAX_EXTENSION_DAYS, MIN_EXTENSION_DAYS  # noqa: F401 (part of the rules)
from ..models import (
    OPEN_STATUSES,
    Category,
    DepartmentMembership,
    Milestone,
    RectificationMeasure,
    Status,
    waiting_co_handlings,
)

S = Status
# Who acts: three office-wide roles, and two that act only on their own department's cases.
INTAKE, SUPERVISOR, MANAGER, HANDLER, REVIEWER = "intake", "supervisor", "manager", "handler", "reviewer"
ROLE_GROUPS = {
    INTAKE: roles.INTAKE_OFFICER,
    SUPERVISOR: roles.SUPERVISOR,
    MANAGER: roles.MANAGER,
    HANDLER: roles.HANDLER,
    REVIEWER: roles.REVIEWER,
}
DEPARTMENT_MEMBERSHIPS = {
    HANDLER: DepartmentMembership.Role.HANDLER,
    REVIEWER: DepartmentMembership.Role.REVIEWER,
}
# A handler or reviewer of a co-handling department whose task on the case still waits (協辦).
CO_HANDLER = "co_handler"

ANY_OPEN = frozenset(OPEN_STATUSES)
HANDLING = frozenset({S.ROUTED, S.IN_PROGRESS, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED})
# A co-handling department contributes while the lead handles the case, also while the citizen is
# asked for more information.
CO_HANDLING_STATES = HANDLING | {S.AWAITING_INFORMATION}
# Open and not yet answered: once the reply has gone the citizen rates it or asks for it to be
# handled again, and withdrawing online would close a case whose answer they already have.
BEFORE_REPLY = ANY_OPEN - {S.REPLIED, S.FOLLOWED_UP}
# Rectification measures are followed once an outcome sets them, through the reply and after the
# case is closed, until they are verified (appeals measures §五(一)1).
MEASURE_STATES = frozenset(S) - {S.RECEIVED, S.ACCEPTED, S.REJECTED, S.DUPLICATE, S.WITHDRAWN}
# Steps on a measure taken by the department that owns it, which need not be the case's.
MEASURE_OWNER_ACTIONS = frozenset({"carry_out_measure"})


DIRECT_ANSWER_CATEGORIES = frozenset({Category.INQUIRY, Category.OTHER})
# What a handler must record before the draft reply goes to review, by category.
OUTCOME_REQUIRED = {
    Category.COMPLAINT: ("characterisation", "measures"),
    Category.SUGGESTION: ("adoption",),
    Category.HELP: ("help_provided",),
}


class TransitionNotAllowed(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    states: frozenset
    who: tuple
    # By the citizen through the portal (actor None).
    citizen: bool = False
    # The states in which the citizen may take it, when fewer than staff may.
    citizen_states: frozenset | None = None
    # Allowed while the case's clock is paused (most work waits until it runs again).
    while_paused: bool = False
    # Whether it changes status: the case page offers those first.
    main: bool = True
    # The step form of the case page; None for steps taken elsewhere (attachments).
    form: type | None = None
    # The roles whose "my tasks" inbox shows a case this step waits for, and the extra condition on
    # the case (beyond its status) under which it waits.
    waits_for: tuple = ()
    waiting_when: Q = field(default_factory=Q)
    # The command performing the step (set by the declaration).
    command: object = None


RULES = {}


def declare(rule):
    if rule.action in RULES:
        raise ValueError(f"step {rule.action!r} is declared twice")
    RULES[rule.action] = rule
    return rule


# --- Checks ------------------------------------------------------------------------------------


def acts_as(user, who, case):
    if who == CO_HANDLER:
        return bool(co_handler_departments(user, case))
    if who in DEPARTMENT_MEMBERSHIPS:
        return access.is_member(user, case.department_id, DEPARTMENT_MEMBERSHIPS[who])
    return who in ROLE_GROUPS and access.has_role(user, ROLE_GROUPS[who])


def _extra_refusal(action, case, outcome_recorded):
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
    if action == "complete_milestone" and not _open_milestones(case):
        return _("No milestone of the implementation plan is waiting.")
    if action == "respond_to_supervision" and not (
        case.pk and case.supervision_notices.filter(answered_at__isnull=True).exists()
    ):
        return _("No supervision notice is waiting for an answer.")
    if action == "add_measure" and not (case.pk and case.outcomes.exists()):
        return _("Record the outcome before adding rectification measures.")
    if action in {"verify_measure", "return_measure"} and not _measures(
        case, RectificationMeasure.State.CARRIED_OUT
    ):
        return _("No rectification measure is waiting for verification.")
    if action == "carry_out_measure" and not _measures(case, RectificationMeasure.State.PLANNED):
        return _("No rectification measure is waiting to be carried out.")
    if action == "submit_for_review" and case.category in OUTCOME_REQUIRED and not outcome_recorded(case):
        return _("Record the outcome before submitting the draft reply.")
    if action == "submit_for_review" and (waiting := waiting_co_handler_names(case)):
        return _(
            "The draft reply waits for the co-handling departments: %(departments)s. "
            "Each must record its contribution or be released."
        ) % {"departments": ", ".join(waiting)}
    if action == "release_co_handler" and not waiting_co_handler_names(case):
        return _("No co-handling department is waiting.")
    return None


def co_handler_departments(user, case):
    """The departments whose co-handling task on the case waits and in which the user handles or
    reviews (usually one)."""
    if case.pk is None:
        return set()
    waiting = set(waiting_co_handlings().filter(case=case).values_list("department_id", flat=True))
    return {
        department
        for department in waiting
        if any(access.is_member(user, department, role) for role in DEPARTMENT_MEMBERSHIPS.values())
    }


def waiting_co_handler_names(case):
    """The names of the co-handling departments the lead still waits for."""
    if case.pk is None:
        return []
    return list(
        waiting_co_handlings()
        .filter(case=case)
        .order_by("department__name")
        .values_list("department__name", flat=True)
    )


def _open_milestones(case):
    return case.pk is not None and Milestone.objects.filter(outcome__case=case, done_on__isnull=True).exists()


def _measures(case, state):
    return case.pk is not None and RectificationMeasure.objects.filter(case=case, state=state).exists()


def measure_owner_departments(user, case):
    """The departments of the user (handler or reviewer) owning a measure of the case not carried out."""
    mine = access.department_ids(user)
    if not mine or not access.has_role(user, roles.HANDLER, roles.REVIEWER):
        return set()
    return set(
        RectificationMeasure.objects.filter(
            case=case, department_id__in=mine, state=RectificationMeasure.State.PLANNED
        ).values_list("department_id", flat=True)
    )


def _outcome_saved(case):
    return case.outcomes.exists()


def refusal(user, case, action, *, check_actor=True, outcome_recorded=_outcome_saved):
    """Why `user` may not perform `action` on `case` now, or None when they may.

    check_actor=False checks the case's state only: synthetic cases replay steps whose actors were
    chosen by role.
    """
    rule = RULES.get(action)
    if rule is None:
        return _("Unknown action.")
    if check_actor:
        if user is None:
            if not rule.citizen:
                return _("This step needs a member of staff.")
            if rule.citizen_states is not None and case.status not in rule.citizen_states:
                return _("This step is not possible while the case is “%(status)s”.") % {
                    "status": case.get_status_display()
                }
        elif action in MEASURE_OWNER_ACTIONS:
            if not (user.is_superuser or measure_owner_departments(user, case)):
                return _("Only the department owning a measure records it as carried out.")
        elif not any(acts_as(user, who, case) for who in rule.who):
            return _("Your role or department does not allow this step on this case.")
        elif action == "respond_to_supervision" and case.department_id:
            # Once routed, the responsible department answers for the case, not intake.
            if not any(acts_as(user, who, case) for who in (HANDLER, REVIEWER)):
                return _("The responsible department answers this supervision notice.")
    if case.status not in rule.states:
        return _("This step is not possible while the case is “%(status)s”.") % {
            "status": case.get_status_display()
        }
    if case.is_paused and not rule.while_paused:
        return _("The case's clock is paused; resume it first.")
    return _extra_refusal(action, case, outcome_recorded)


def can(user, case, action):
    return refusal(user, case, action) is None


def step_form(action, case, user, data=None):
    """The case page's form for a step, bound to `data` when given."""
    return RULES[action].form(data, case=case, user=user, prefix=action)


def available_transitions(user, case):
    """The steps the user may take on the case page now, in the order the page offers them."""
    return [action for action, rule in RULES.items() if rule.form is not None and can(user, case, action)]


# --- What waits for whom -----------------------------------------------------------------------


def waiting_for(user):
    """The condition on cases whose next step waits for this user ("my tasks"), from the rules."""
    wanted = Q(pk__in=[])
    memberships = {}
    for who, group in ROLE_GROUPS.items():
        if not access.has_role(user, group):
            continue
        if who in DEPARTMENT_MEMBERSHIPS:
            memberships[who] = access.department_ids(user, DEPARTMENT_MEMBERSHIPS[who])
            if not memberships[who]:
                continue
        steps = Q(pk__in=[])
        for rule in RULES.values():
            if who in rule.waits_for:
                steps |= Q(status__in=sorted(rule.states)) & rule.waiting_when
        if who in (HANDLER, REVIEWER):
            # A co-handling task of their departments that still waits.
            wanted |= Q(
                pk__in=waiting_co_handlings()
                .filter(department_id__in=memberships[who], case__status__in=sorted(CO_HANDLING_STATES))
                .values("case_id")
            )
        if who == HANDLER:
            # A handler's own cases, and those of their departments nobody has taken yet.
            steps &= Q(department_id__in=memberships[who]) & (Q(handler=user) | Q(handler__isnull=True))
        elif who == REVIEWER:
            steps &= Q(department_id__in=memberships[who])
        wanted |= steps
    return wanted
