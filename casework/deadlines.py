"""Working-day arithmetic on the office's calendar, and each case's SLA state.

A working day is Monday to Friday, unless the calendar marks it a holiday; a weekend day the
calendar marks as a make-up workday (調休) is a working day too. Days on which a case's clock was
paused do not count towards its deadlines.
"""

from datetime import timedelta

import holidays
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import OPEN_STATUSES, CalendarDay, SLAState, StageLimits, Status

# Enough calendar to look ahead for any realistic limit in one query.
_WINDOW = timedelta(days=400)

# One extension request adds at most about three months of working days: a longer delay takes a
# further request, approved again, rather than one open-ended postponement.
MIN_EXTENSION_DAYS, MAX_EXTENSION_DAYS = 1, 60


class WorkingCalendar:
    """The calendar's exceptions for a range of dates, loaded in one query."""

    def __init__(self, start, end=None):
        self.start = start
        self._load(end or start + _WINDOW)

    def _load(self, end):
        self.end = end
        rows = CalendarDay.objects.filter(date__range=(self.start, self.end)).values_list("date", "kind")
        self.exceptions = dict(rows)

    def is_working_day(self, day):
        kind = self.exceptions.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, start, days, pauses=()):
        """The date `days` working days after `start` (which itself does not count).

        `pauses` are (first_day, end_day) pairs of dates; a working day with first_day <= day < end_day
        is skipped, an open pause (end_day None) runs on indefinitely, so the result is None.
        """
        day = start
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if day > self.end:
                self._load(day + _WINDOW)
            if any(first <= day and end is None for first, end in pauses):
                return None
            if any(first <= day < end for first, end in pauses if end is not None):
                continue
            if self.is_working_day(day):
                remaining -= 1
        return day

    def subtract_working_days(self, start, days):
        """The date `days` working days before `start`."""
        day = start
        remaining = days
        while remaining > 0:
            day -= timedelta(days=1)
            if day < self.start:
                self.start = day - _WINDOW
                self._load(self.end)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start, end):
        """Working days after `start` up to and including `end` (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if day > self.end:
                self._load(day + _WINDOW)
            count += self.is_working_day(day)
        return count


def add_working_days(start, days, pauses=()):
    return WorkingCalendar(start).add_working_days(start, days, pauses)


def is_working_day(day):
    return WorkingCalendar(day, day).is_working_day(day)


def case_pauses(case):
    """The case's pauses as (first_day, end_day) date pairs, the open one (if any) with end None."""
    spans = []
    if case.pk is None:
        return spans
    for pause in case.pauses.all():
        first = timezone.localtime(pause.started_at).date()
        end = timezone.localtime(pause.ended_at).date() if pause.ended_at else None
        if end is None or end > first:
            spans.append((first, end))
    return spans


def recompute_due_dates(case, limits=None, calendar=None, pauses=None):
    """Set every stage's due date from its start, skipping paused days; then the current stage's.

    Bulk callers pass the limits, a calendar covering the dates and the pauses, to save the queries.
    The stage limits the case was registered under (by its category and priority) win over `limits`.
    """
    from .time_limits import CaseLimits

    limits = CaseLimits(case, limits or StageLimits.load())
    received_on = timezone.localtime(case.received_at).date()
    stage_start = case.stage_started_on
    # Pauses that ended count as skipped days; while a pause is open the dates keep their last values.
    if pauses is None:
        pauses = [(first, end) for first, end in case_pauses(case) if end is not None]
    calendar = calendar or WorkingCalendar(min(received_on, stage_start))

    case.screening_due = calendar.add_working_days(received_on, limits.screening_days, pauses)
    case.reply_due = calendar.add_working_days(received_on, limits.reply_days + case.extension_days, pauses)
    if case.status == Status.ACCEPTED:
        case.routing_due = calendar.add_working_days(stage_start, limits.routing_days, pauses)
    if case.status == Status.ROUTED:
        case.handling_plan_due = calendar.add_working_days(stage_start, limits.handling_plan_days, pauses)
    if case.status in {Status.REPLIED, Status.FOLLOWED_UP}:
        case.follow_up_due = calendar.add_working_days(stage_start, limits.follow_up_days, pauses)
    if case.reopened_on and case.reply_due:
        # A reopened case gets a fresh reply period from the day it went back to the department.
        fresh = calendar.add_working_days(case.reopened_on, limits.reply_days + case.extension_days, pauses)
        case.reply_due = max(case.reply_due, fresh)
    case.due_date = current_due_date(case)


def current_due_date(case):
    status = case.status
    if status == Status.AWAITING_INFORMATION and case.stage_before_information:
        # Waiting for the citizen during a stage: that stage's date (kept until the clock runs again).
        status = case.stage_before_information
    return {
        Status.RECEIVED: case.screening_due,
        Status.AWAITING_INFORMATION: case.screening_due,
        Status.ACCEPTED: case.routing_due,
        Status.ROUTED: case.handling_plan_due,
        Status.IN_PROGRESS: case.reply_due,
        Status.IN_REVIEW: case.reply_due,
        Status.AWAITING_APPROVAL: case.reply_due,
        Status.APPROVED: case.reply_due,
        Status.REPLIED: case.follow_up_due,
        Status.FOLLOWED_UP: case.follow_up_due,
    }.get(status)


def sla_state(case, today=None, limits=None, calendar=None):
    """On time, due soon or overdue; None for a closed case, one with no deadline now, or one whose
    clock is paused (it is waiting for the citizen, so no deadline is running).
    """
    if not case.is_open or case.due_date is None or case.is_paused:
        return None
    today = today or timezone.localdate()
    return sla_for_date(case.due_date, today, limits, calendar)


def sla_for_date(due_date, today, limits=None, calendar=None):
    if today > due_date:
        return SLAState.OVERDUE
    limits = limits or StageLimits.load()
    calendar = calendar or WorkingCalendar(today)
    if calendar.working_days_between(today, due_date) <= limits.due_soon_days:
        return SLAState.DUE_SOON
    return SLAState.ON_TIME


def due_soon_cutoff(today=None, limits=None):
    """The last due date that counts as "due soon" today (for filtering in SQL)."""
    today = today or timezone.localdate()
    limits = limits or StageLimits.load()
    return (
        WorkingCalendar(today).add_working_days(today, limits.due_soon_days)
        if limits.due_soon_days
        else today
    )


def sla_due_range(state, today=None, cutoff=None):
    """The due dates an open, running case in SLA state ``state`` has: {lookup: date}, or None for no
    such state.

    The lookups ("lt", "gte", "lte", "gt") read both as Django field lookups and as Elasticsearch range
    bounds, so every backend filters by the one rule. ``cutoff`` is due_soon_cutoff(today), worked out
    when needed and not given.
    """
    today = today or timezone.localdate()
    if state == SLAState.OVERDUE:
        return {"lt": today}
    if state not in (SLAState.DUE_SOON, SLAState.ON_TIME):
        return None
    cutoff = cutoff or due_soon_cutoff(today)
    if state == SLAState.DUE_SOON:
        return {"gte": today, "lte": cutoff}
    return {"gt": cutoff}


def sla_condition(state, today=None, cutoff=None):
    """Q over cases: open, running (not paused, with a deadline) and in SLA state ``state``.

    None for an unknown state. ``cutoff`` as for sla_due_range (to share one between the states).
    """
    bounds = sla_due_range(state, today, cutoff)
    if bounds is None:
        return None
    return Q(
        status__in=OPEN_STATUSES,
        paused_at__isnull=True,
        due_date__isnull=False,
        **{f"due_date__{lookup}": day for lookup, day in bounds.items()},
    )


def filter_by_sla(queryset, state, today=None):
    """Open, running cases in the given SLA state."""
    condition = sla_condition(state, today)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def load_public_holidays(years, region=None):
    """Fill the calendar from the `holidays` package (holidays and weekend make-up workdays).

    Days already in the calendar are left alone, so staff corrections survive a reload.
    """
    region = region or settings.HOLIDAY_REGION
    created = 0
    for year in years:
        source = holidays.country_holidays(region, years=year)
        days = {day: (CalendarDay.Kind.HOLIDAY, name) for day, name in source.items() if day.year == year}
        for day in getattr(source, "weekend_workdays", ()):
            if day.year == year:
                days[day] = (CalendarDay.Kind.WORKDAY, "")
        for day, (kind, name) in sorted(days.items()):
            _row, was_created = CalendarDay.objects.get_or_create(
                date=day, defaults={"kind": kind, "name": name[:100]}
            )
            created += was_created
    return created
