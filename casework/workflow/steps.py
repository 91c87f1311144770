"""What a command writes, and where: to the database, or to memory for synthetic cases.

A command body receives a Step: the case (locked and re-read), the actor and the moment, and
helpers that move the case, write its timeline and ask for side effects. The database recorder
writes rows and domain events in the command's transaction; the memory recorder keeps them in lists,
so that synthetic cases are built by the very same commands and saved in bulk afterwards.
"""

from django.conf import settings
from django.utils import timezone, translation

from .. import effects
from ..deadlines import recompute_due_dates
from ..models import Event, Outcome, Pause
from ..time_limits import limits_for


class Step:
    def __init__(self, case, actor, recorder):
        self.case = case
        self.actor = actor
        self.recorder = recorder
        self.now = recorder.now()

    def move(self, status):
        self.case.status = status
        self.case.stage_started_on = timezone.localtime(self.now).date()

    def event(self, kind, text="", public=False, case=None, **data):
        """A timeline entry; a public one is also told to the citizen."""
        return self.recorder.event(case or self.case, self.actor, kind, text, public, data)

    def for_citizen(self, message, **params):
        """A public timeline text, written in the citizen's language (not the staff member's)."""
        with translation.override(self.case.language or settings.LANGUAGE_CODE):
            return translation.gettext(message) % params

    def in_office_language(self, message, **params):
        """An internal text in the office's language, whoever's request wrote it."""
        with translation.override(settings.LANGUAGE_CODE):
            return translation.gettext(message) % params

    def notify_staff(self, template, user, key, **context):
        self.recorder.notify_staff(template, user, self.case, key, context)

    def add(self, row):
        """A row belonging to the case (an outcome, a pause)."""
        return self.recorder.add(row)

    def start_pause(self, reason):
        self.case.paused_at = self.now
        self.add(Pause(case=self.case, started_at=self.now, reason=reason))

    def end_pause(self):
        self.recorder.end_pauses(self.case, self.now)
        self.case.paused_at = None

    def recompute_due_dates(self):
        self.recorder.recompute(self.case)

    def outcome_recorded(self, case):
        return self.recorder.outcome_recorded(case)


class DatabaseRecorder:
    """Rows in the command's transaction, and their domain events."""

    def now(self):
        return timezone.now()

    def event(self, case, actor, kind, text, public, data):
        event = Event.objects.create(
            case=case, actor=actor, kind=kind, text=text, is_public=public, data=data
        )
        effects.emit(effects.CASE_CHANGED, case.pk)
        if public:
            effects.emit(effects.CITIZEN_INFORMED, case.pk, event=event.pk)
        return event

    def notify_staff(self, template, user, case, key, context):
        if user is not None:
            effects.emit(
                effects.STAFF_NOTIFIED, case.pk, template=template, user=user.pk, key=key, context=context
            )

    def add(self, row):
        row.save()
        return row

    def end_pauses(self, case, now):
        case.pauses.filter(ended_at__isnull=True).update(ended_at=now)

    def recompute(self, case):
        recompute_due_dates(case)

    def stage_limits(self, case):
        return limits_for(case.category, case.priority)

    def save(self, case):
        recompute_due_dates(case)
        case.save()
        effects.emit(effects.CASE_CHANGED, case.pk)

    def outcome_recorded(self, case):
        return case.outcomes.exists()


class MemoryRecorder:
    """Unsaved rows for synthetic cases: events as (case, actor, kind, text, public, data) tuples."""

    def __init__(self, moment, limits, calendar):
        self.moment = moment
        self.limits = limits
        self.calendar = calendar
        self.events = []
        self.rows = []

    def now(self):
        return self.moment

    def event(self, case, actor, kind, text, public, data):
        self.events.append((case, actor.pk if actor else None, self.moment, kind, public, text, data))

    def notify_staff(self, template, user, case, key, context):
        pass  # synthetic cases tell nobody

    def add(self, row):
        self.rows.append(row)
        return row

    def end_pauses(self, case, now):
        for row in self.rows:
            if isinstance(row, Pause) and row.case is case and row.ended_at is None:
                row.ended_at = now

    def recompute(self, case):
        # Synthetic dates are chosen to put each case in a deadline state; its one pause is still open.
        recompute_due_dates(case, limits=self.limits, calendar=self.calendar, pauses=[])

    def save(self, case):
        self.recompute(case)

    def stage_limits(self, case):
        # Synthetic cases keep to the settings: their dates are chosen for a deadline state each.
        return {}

    def outcome_recorded(self, case):
        return any(isinstance(row, Outcome) and row.case is case for row in self.rows)
