"""The daily supervision round (docs/domain.md "Tracking and supervision"; measures §五).

For every open case with a running clock: remind the handler once per stage when its due date is
near; when the stage is overdue, record a supervision notice (督辦通知) on the case and notify the
department. A stage still overdue SUPERVISION_REPEAT_DAYS later gets a further notice one rung up
the escalation ladder. Every notice, the round's or a supervisor's, asks the responsible department
to answer by a date; one still unanswered after that date climbs the ladder, a rung every
SUPERVISION_REPEAT_DAYS. A co-handling department (協辦) whose task is past its due date is
reminded once, its handlers and reviewers. Notices are unique per stage and level, escalations are counted on the
notice and messages are unique per dedupe key, so a second run on the same day records and sends
nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from notifications import outbox

from . import workflow
from .deadlines import due_soon_cutoff, filter_by_sla
from .escalation import HANDLER, REVIEWER, RUNG_NAMES, ladder, recipients, rung_at, rung_name
from .models import (
    OPEN_STATUSES,
    Case,
    RectificationMeasure,
    SLAState,
    SupervisionNotice,
    waiting_co_handlings,
)

MEASURE_STAGE_PREFIX = "measure:"
MEASURE_OWNER_NAME = gettext_lazy("the department owning the measure")


def repeat_days():
    return settings.CASEWORK_SUPERVISION_REPEAT_DAYS


def stage_key(case):
    """One stage of one case: the status and the day it began (a reopened case starts afresh)."""
    return f"{case.status}:{case.stage_started_on.isoformat()}"


def level_for(case, today):
    """1 on the first overdue day, one rung up every repeat_days, never above the ladder's top."""
    days_late = (today - case.due_date).days
    return min(1 + max(days_late - 1, 0) // repeat_days(), len(ladder()))


def run(today=None):
    """One round; returns (reminders queued, notices issued). Overdue answers are escalated too."""
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
    reminders += remind_overdue_co_handlers(today)
    notices = 0
    for case in filter_by_sla(running, SLAState.OVERDUE, today):
        for level in range(1, level_for(case, today) + 1):
            if issue_notice(case, level, today):
                notices += 1
    notices += measure_notices(today)
    escalate_overdue(today)
    return reminders, notices


def remind_overdue_co_handlers(today):
    """Tell each co-handling department whose task on an open case is overdue, once per task."""
    overdue = waiting_co_handlings().filter(due_on__lt=today, case__status__in=OPEN_STATUSES)
    reminders = 0
    for row in overdue.select_related("case", "department"):
        people = get_user_model().objects.filter(
            is_active=True, department_memberships__department=row.department_id
        )
        for user in people.distinct():
            if outbox.queue_for_staff(
                "co_handling_overdue", user, row.case, f"co_handling:{row.pk}", due=row.due_on.isoformat()
            ):
                reminders += 1
    return reminders


def issue_notice(case, level, today=None):
    """Record the notice for this stage and level (once), on the timeline, and tell its recipients."""
    rung = rung_at(level)
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(
            "Supervision notice: the %(stage)s deadline of %(due)s has passed. Escalated to: %(rung)s."
        ) % {
            "stage": case.get_status_display(),
            "due": case.due_date.isoformat(),
            "rung": rung_name(case, rung),
        }
    people = {user.pk: user for user in recipients(case, HANDLER) + recipients(case, rung)}
    return workflow.record_supervision_notice(
        case, stage=stage_key(case), level=level, text=text, recipients=list(people.values()), today=today
    )


def escalations_due(notice, today):
    """How many rungs an unanswered notice should have climbed by `today`: one the day after its
    response date, one more every repeat_days; at the top of the ladder it is escalated once."""
    if notice.respond_by is None or notice.answered_at or today <= notice.respond_by:
        return 0
    days_late = (today - notice.respond_by).days
    room = max(len(ladder()) - notice.level, 1)
    return min(1 + (days_late - 1) // repeat_days(), room)


def escalate_overdue(today=None):
    """Escalate every unanswered notice of an open case past its response date; returns how many
    escalations were recorded."""
    today = today or timezone.localdate()
    # A case whose clock is paused waits for someone outside the office: it climbs no further.
    # A measure's notices climb by themselves (measure_notices, a level a rung), to the people of
    # the department owning the measure rather than the case's.
    late = (
        SupervisionNotice.objects.filter(
            answered_at__isnull=True,
            respond_by__lt=today,
            case__status__in=OPEN_STATUSES,
            case__paused_at__isnull=True,
        )
        .exclude(stage__startswith=MEASURE_STAGE_PREFIX)
        .select_related("case")
    )
    escalated = 0
    for notice in late:
        wanted = escalations_due(notice, today)
        if wanted > notice.escalations and workflow.escalate_supervision_notice(notice, wanted, today):
            escalated += 1
    return escalated


# --- Rectification measures past their deadline --------------------------------------------------


def measure_level(measure, today):
    """Like a stage: 1 the day after the deadline, one rung up every repeat_days, capped."""
    days_late = (today - measure.deadline).days
    return min(1 + max(days_late - 1, 0) // repeat_days(), len(ladder()))


def measure_recipients(measure, rung):
    """The owning department answers first (its owner, else its reviewers); the office above it."""
    if rung in (HANDLER, REVIEWER):
        return workflow.measure_people(measure) or recipients(measure.case, "supervisor")
    return recipients(measure.case, rung)


def measure_notices(today=None):
    """A notice to the owning department for every measure past its deadline and not carried out
    (whether or not its case is still open: measures are followed to the end), once per measure and
    level; returns how many were issued."""
    today = today or timezone.localdate()
    late = (
        RectificationMeasure.objects.filter(state=RectificationMeasure.State.PLANNED, deadline__lt=today)
        .select_related("case", "department", "owner")
        .order_by("deadline", "pk")
    )
    issued = 0
    for measure in late:
        for level in range(1, measure_level(measure, today) + 1):
            rung = rung_at(level)
            with translation.override(settings.LANGUAGE_CODE):
                text = gettext(
                    "Supervision notice: the rectification measure “%(what)s” of %(department)s was due "
                    "by %(due)s and is not carried out. Escalated to: %(rung)s."
                ) % {
                    "what": measure.description,
                    "department": measure.department.name,
                    "due": measure.deadline.isoformat(),
                    "rung": measure_rung_name(rung),
                }
            people = {
                user.pk: user
                for user in measure_recipients(measure, HANDLER) + measure_recipients(measure, rung)
            }
            if workflow.record_supervision_notice(
                measure.case,
                stage=workflow.measure_stage(measure),
                level=level,
                text=text,
                recipients=list(people.values()),
                today=today,
                department=measure.department,
            ):
                issued += 1
    return issued


def measure_rung_name(rung):
    if rung in (HANDLER, REVIEWER):
        return str(MEASURE_OWNER_NAME)
    return str(RUNG_NAMES.get(rung, rung))
