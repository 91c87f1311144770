"""Co-handling (協辦) outside the command layer: the default due date of a task, and the figures of
lead and co-handling per department for statistics and assessment."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from .deadlines import add_working_days
from .models import CoHandling

# Working days a co-handling department has for its contribution, unless routing says otherwise;
# never past the case's reply date, so that the lead still has the contribution in time.
DEFAULT_CO_HANDLING_DAYS = 5


def default_due(case, today=None):
    today = today or timezone.localdate()
    due = add_working_days(today, DEFAULT_CO_HANDLING_DAYS)
    if case.reply_due and today < case.reply_due < due:
        return case.reply_due
    return due


def department_counts(cases):
    """{department id: {"led", "co_handled", "co_answered", "co_on_time", "co_released", "co_waiting"}}
    for these cases: a department counts the cases it leads apart from those it co-handles."""
    figures = defaultdict(
        lambda: dict.fromkeys(
            ("led", "co_handled", "co_answered", "co_on_time", "co_released", "co_waiting"), 0
        )
    )
    led = cases.filter(department__isnull=False).values_list("department_id").annotate(n=Count("pk"))
    for department, n in led:
        figures[department]["led"] = n
    rows = (
        CoHandling.objects.filter(case__in=cases)
        .values_list("department_id")
        .annotate(
            co_handled=Count("pk"),
            co_answered=Count("pk", filter=Q(answered_at__isnull=False)),
            co_on_time=Count("pk", filter=Q(answered_at__isnull=False, answered_on_time=True)),
            co_released=Count("pk", filter=Q(released_at__isnull=False)),
            co_waiting=Count("pk", filter=Q(answered_at__isnull=True, released_at__isnull=True)),
        )
    )
    for department, *values in rows:
        figures[department].update(
            zip(("co_handled", "co_answered", "co_on_time", "co_released", "co_waiting"), values, strict=True)
        )
    return dict(figures)
