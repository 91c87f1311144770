"""The daily supervision round (docs/domain.md "Tracking and supervision"; measures §五).

For every open case with a running clock: remind the handler once per stage when its due date is
near; when the stage is overdue, record a supervision notice (督辦通知) on the case and notify the
department. A stage still overdue SUPERVISION_REPEAT_DAYS later gets a further notice one rung up
the escalation ladder. Notices are unique per stage and level and messages per dedupe key, so a
second run on the same day records and sends nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications import outbox

from . import roles, workflow
from .deadlines import due_soon_cutoff, filter_by_sla
from .models import OPEN_STATUSES, Case, DepartmentMembership, SLAState

HANDLER, REVIEWER, SUPERVISOR, MANAGER = "handler", "reviewer", "supervisor", "manager"
# The ladder's rungs are settings codes; the notice names the people, in the office's language.
RUNG_NAMES = {
    HANDLER: _("the department's handler"),
    REVIEWER: _("the department's reviewers"),
    SUPERVISOR: _("the supervisors"),
    MANAGER: _("the management"),
}


def rung_name(rung):
    return str(RUNG_NAMES.get(rung, rung))


def ladder():
    return list(settings.CASEWORK_ESCALATION_LADDER)


def repeat_days():
    return settings.CASEWORK_SUPERVISION_REPEAT_DAYS


def stage_key(case):
    """One stage of one case: the status and the day it began (a reopened case starts afresh)."""
    return f"{case.status}:{case.stage_started_on.isoformat()}"


def level_for(case, today):
    """1 on the first overdue day, one rung up every repeat_days, never above the ladder's top."""
    days_late = (today - case.due_date).days
    return min(1 + max(days_late - 1, 0) // repeat_days(), len(ladder()))


def recipients(case, rung):
    users = get_user_model().objects.filter(is_active=True)
    if rung == HANDLER:
        return [case.handler] if case.handler and case.handler.is_active else []
    if rung == REVIEWER:
        return list(
            users.filter(
                department_memberships__department=case.department_id,
                department_memberships__role=DepartmentMembership.Role.REVIEWER,
            ).distinct()
        )
    group = {SUPERVISOR: roles.SUPERVISOR, MANAGER: roles.MANAGER}[rung]
    return list(users.filter(groups__name=group).distinct())


def run(today=None):
    """One round; returns (reminders queued, notices issued)."""
    today = today or timezone.localdate()
    running = Case.objects.filter(status__in=OPEN_STATUSES).select_related("handler", "department")
    reminders = 0
    cutoff = due_soon_cutoff(today)
    due_soon = filter_by_sla(running, SLAState.DUE_SOON, today).filter(due_date__lte=cutoff)
    for case in due_soon:
        if case.handler and outbox.queue_for_staff(
            "due_soon", case.handler, case, stage_key(case), due=case.due_date.isoformat()
        ):
            reminders += 1
    notices = 0
    for case in filter_by_sla(running, SLAState.OVERDUE, today):
        for level in range(1, level_for(case, today) + 1):
            if issue_notice(case, level):
                notices += 1
    return reminders, notices


def issue_notice(case, level):
    """Record the notice for this stage and level (once), on the timeline, and tell its recipients."""
    rung = ladder()[level - 1]
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(
            "Supervision notice: the %(stage)s deadline of %(due)s has passed. Escalated to: %(rung)s."
        ) % {"stage": case.get_status_display(), "due": case.due_date.isoformat(), "rung": rung_name(rung)}
    people = {user.pk: user for user in recipients(case, HANDLER) + recipients(case, rung)}
    if not people:
        # No handler yet: the department hears of it through its reviewers.
        people = {user.pk: user for user in recipients(case, REVIEWER)}
    return workflow.record_supervision_notice(
        case, stage=stage_key(case), level=level, text=text, recipients=list(people.values())
    )
