"""The training rules: who edits plans and sessions, how an attendee's evaluation becomes a pass,
when a staff member's training is valid, the reminders for overdue or expiring training, the yearly
report, and the completion rate the staff assessment reads.

Valid training (有效培訓) means a session passed within the last TRAINING_VALIDITY_MONTHS months (a
setting, 12 by default): it is valid until the passed session's date plus that many months.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import roles
from casework.access import has_role
from notifications import outbox

from .models import TrainingAttendance, TrainingPlan, TrainingSession

EDITOR_ROLES = (roles.MANAGER, roles.SUPERVISOR)
READER_ROLES = (*EDITOR_ROLES, roles.AUDITOR)
# The staff who receive visitors, stand on the roster or lead reception days: they need valid training.
TRAINED_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER)
# A reminder goes out this many days before valid training runs out.
EXPIRY_NOTICE_DAYS = 30


def validity_months():
    return int(getattr(settings, "TRAINING_VALIDITY_MONTHS", 12))


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def may_edit(user):
    return has_role(user, *EDITOR_ROLES)


def may_read_all(user):
    return has_role(user, *READER_ROLES)


def may_read_record(viewer, person):
    return viewer.pk == person.pk or may_read_all(viewer)


def _require_editor(user):
    if not may_edit(user):
        raise PermissionDenied(_("Only managers and supervisors edit training plans and sessions."))


def trained_staff():
    """The staff whose training is tracked and who may be put on the roster, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(groups__name__in=TRAINED_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def attendable_staff():
    """Everyone with a staff role can attend a session."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(groups__name__in=roles.ALL_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- Writing -----------------------------------------------------------------------------------


def save_plan(actor, plan):
    _require_editor(actor)
    if plan.created_by_id is None:
        plan.created_by = actor
    plan.save()
    return plan


def save_session(actor, session):
    _require_editor(actor)
    session.save()
    # A changed pass mark or evaluation changes who passed.
    for attendance in session.attendances.all():
        attendance.passed = evaluate(session, attendance)
        attendance.save(update_fields=["passed"])
    return session


def delete_session(actor, session):
    _require_editor(actor)
    session.delete()


def evaluate(session, attendance):
    """Whether the attendee passed: an exam score at or above the pass mark, or a satisfactory
    questionnaire; someone absent never passes."""
    if not attendance.attended:
        return False
    if session.evaluation == TrainingSession.Evaluation.EXAM:
        return attendance.score is not None and attendance.score >= session.pass_mark
    return attendance.result == TrainingAttendance.Result.PASSED


@dataclass
class AttendanceRow:
    user: object
    attended: bool
    score: object = None  # Decimal or None
    result: str = ""


def record_attendance(actor, session, rows):
    """Write the session's attendance in one go: a row per staff member (absent rows drop the
    staff member's attendance). All or nothing."""
    _require_editor(actor)
    with transaction.atomic():
        TrainingSession.objects.select_for_update().filter(pk=session.pk).first()
        for row in rows:
            if not row.attended:
                TrainingAttendance.objects.filter(session=session, user=row.user).delete()
                continue
            attendance, _created = TrainingAttendance.objects.get_or_create(session=session, user=row.user)
            attendance.attended = True
            attendance.score = row.score
            attendance.result = row.result or ""
            attendance.passed = evaluate(session, attendance)
            attendance.save()


# --- Reading -----------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def last_pass(user, on=None):
    """The latest passed session on or before ``on``."""
    on = on or today()
    return (
        TrainingSession.objects.filter(attendances__user=user, attendances__passed=True, date__lte=on)
        .order_by("-date")
        .first()
    )


def valid_until(user, on=None):
    """The last day the user's training counts as valid (None if never passed)."""
    session = last_pass(user, on)
    if session is None:
        return None
    return add_months(session.date, validity_months()) - timedelta(days=1)


def has_valid_training(user, on=None):
    on = on or today()
    until = valid_until(user, on)
    return until is not None and until >= on


def training_state(user, on=None):
    """'valid', 'expiring' (within EXPIRY_NOTICE_DAYS), 'expired' or 'never'."""
    on = on or today()
    until = valid_until(user, on)
    if until is None:
        return "never"
    if until < on:
        return "expired"
    if until < on + timedelta(days=EXPIRY_NOTICE_DAYS):
        return "expiring"
    return "valid"


def state_label(state):
    return {
        "valid": _("Valid"),
        "expiring": _("Expiring soon"),
        "expired": _("Expired"),
        "never": _("No training passed"),
    }[state]


def record(user):
    """The user's attendances, newest first."""
    return (
        TrainingAttendance.objects.filter(user=user)
        .select_related("session", "session__plan")
        .order_by("-session__date", "-pk")
    )


@dataclass(frozen=True)
class Completion:
    """Training completion of one person in a period, for the staff assessment."""

    passed: int
    required: int

    @property
    def rate(self):
        """passed / required as 0–1, or None when nothing was required."""
        return self.passed / self.required if self.required else None


def completion(user, start, end):
    """Training completion of ``user`` between ``start`` and ``end`` (dates, inclusive).

    ``required`` counts the sessions of the period the person was enrolled in (has an attendance
    row for); ``passed`` those they passed. If the person was enrolled in none but needs training
    (a reception role), one session is required, so a trained officer who skipped every session
    scores 0, not "nothing to assess". ``rate`` is passed / required (None when none required).
    """
    rows = TrainingAttendance.objects.filter(user=user, session__date__gte=start, session__date__lte=end)
    required = rows.count()
    passed = rows.filter(passed=True).count()
    if required == 0 and has_role(user, *TRAINED_ROLES):
        required = 1
    return Completion(passed=passed, required=required)


# --- Reminders ---------------------------------------------------------------------------------


def send_reminders(on=None):
    """Remind each staff member whose training is overdue, missing or about to expire, once per
    state: the dedupe key names the date it runs out, so a daily run sends nothing new until a new
    pass changes that date. Returns the number of messages queued."""
    on = on or today()
    queued = 0
    for user in trained_staff():
        state = training_state(user, on)
        if state == "valid":
            continue
        until = valid_until(user, on)
        key = f"{state}:{until.isoformat() if until else 'never'}"
        message = outbox.queue_for_staff(
            "training_due",
            user,
            None,
            key,
            state=state,
            valid_until=until.isoformat() if until else "",
        )
        queued += message is not None
    return queued


# --- Yearly report -----------------------------------------------------------------------------


def report_rows(year, on=None):
    """One row per person trained or needing training in ``year``: name, sessions attended, hours,
    sessions passed, scores, valid until (at the end of the year or today, whichever is first)."""
    on = on or min(date(year, 12, 31), today())
    attendances = (
        TrainingAttendance.objects.filter(session__date__year=year)
        .select_related("session", "user")
        .order_by("session__date", "pk")
    )
    people = {}
    for user in trained_staff():
        people[user.pk] = (user, [])
    for attendance in attendances:
        people.setdefault(attendance.user_id, (attendance.user, []))[1].append(attendance)
    rows = []
    for user, items in people.values():
        hours = sum((a.session.hours for a in items), start=0)
        scores = "; ".join(
            f"{a.session.title}: {a.score if a.score is not None else a.get_result_display()}" for a in items
        )
        until = valid_until(user, on)
        rows.append(
            [
                user.get_full_name() or user.get_username(),
                user.get_username(),
                len(items),
                str(hours),
                sum(1 for a in items if a.passed),
                scores,
                until.isoformat() if until else "",
            ]
        )
    return rows


def report_header():
    return [
        _("Name"),
        _("Username"),
        _("Sessions attended"),
        _("Hours"),
        _("Sessions passed"),
        _("Scores"),
        _("Valid until"),
    ]


def plans():
    return TrainingPlan.objects.all()
