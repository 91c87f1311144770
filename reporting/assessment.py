"""Assessment (考核) of departments and handlers over a period (measures §八, docs/domain.md).

Indicators, for the cases received in the period:
- intake timeliness: screening completed by its due date, per screened case;
- routing accuracy: cases never re-routed, per routed case;
- handling time: average calendar days from receipt to reply;
- on-time rate: replies by their due date, per replied case;
- satisfaction: satisfied or basically satisfied, per rated case;
- supervision notices: notices issued about the department's (handler's) cases;
- co-handling (協辦), for departments only, apart from the cases they lead: the cases the department
  co-handled, and its contributions recorded by their due date per contribution recorded.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import cohandling
from casework.models import Case, Department, Event

from .statistics import case_facts, local_day_bounds

INDICATORS = [
    ("cases", _("Cases")),
    ("intake_timeliness", _("Intake timeliness")),
    ("routing_accuracy", _("Routing accuracy")),
    ("handling_days", _("Average handling time (days)")),
    ("on_time_rate", _("On-time replies")),
    ("satisfaction_rate", _("Satisfaction")),
    ("co_handled", _("Cases co-handled")),
    ("co_handling_on_time", _("Co-handling answered on time")),
    ("supervision_notices", _("Supervision notices")),
]
RATES = {"intake_timeliness", "routing_accuracy", "on_time_rate", "satisfaction_rate", "co_handling_on_time"}


def _cases(start, end):
    first, _ = local_day_bounds(start)
    _, last = local_day_bounds(end)
    return Case.objects.filter(received_at__gte=first, received_at__lt=last)


def supervision_counts(cases, group_field):
    """{department or handler id: notices} about these cases.

    Uses the SupervisionNotice model when the supervision module provides one (a notice counts
    against the department it was sent to), otherwise the supervision events of the cases' timelines.
    """
    try:
        model = apps.get_model("casework", "SupervisionNotice")
    except LookupError:
        model = None
    fields = {f.name for f in model._meta.get_fields()} if model is not None else set()
    if "case" in fields:
        group = F(f"case__{group_field}")
        if group_field == "department" and "department" in fields:
            # A notice counts against the department it was sent to, even if the case moved on.
            group = Coalesce("department", "case__department")
        rows = (
            model.objects.filter(case__in=cases)
            .annotate(group=group)
            .values_list("group")
            .annotate(n=Count("pk"))
        )
    else:
        kinds = [kind for kind in Event.Kind.values if kind.startswith("supervis")]
        rows = (
            Event.objects.filter(case__in=cases, kind__in=kinds)
            .values_list(f"case__{group_field}")
            .annotate(n=Count("pk"))
        )
    return dict(rows)


def _indicators(facts, notices, co=None):
    cases = len(facts)
    screened = sum(f["screening_done"] for f in facts)
    routed = [f for f in facts if f["department_id"] is not None]
    replied = [f for f in facts if f["handling_days"] is not None]
    reply_done = sum(f["reply_done"] for f in facts)
    rated = sum(f["satisfied"] + f["basically_satisfied"] + f["dissatisfied"] for f in facts)

    def rate(part, whole):
        return part / whole if whole else None

    return {
        "cases": cases,
        "intake_timeliness": rate(sum(f["screening_on_time"] for f in facts), screened),
        "routing_accuracy": rate(sum(1 - f["rerouted"] for f in routed), len(routed)),
        "handling_days": rate(sum(f["handling_days"] for f in replied), len(replied)),
        "on_time_rate": rate(sum(f["reply_on_time"] for f in facts), reply_done),
        "satisfaction_rate": rate(sum(f["satisfied"] + f["basically_satisfied"] for f in facts), rated),
        "supervision_notices": notices,
        # Handlers work for their department's co-handling too, but it is counted by department.
        "co_handled": co["co_handled"] if co is not None else None,
        "co_handling_on_time": rate(co["co_on_time"], co["co_answered"]) if co is not None else None,
    }


def assess(start, end, departments):
    """(per department, per handler): lists of (name, indicators) for the cases of the departments."""
    cases = _cases(start, end).filter(department__in=departments)
    facts = case_facts(cases)
    handler_of = dict(cases.values_list("pk", "handler_id"))
    by_department = defaultdict(list)
    by_handler = defaultdict(list)
    for fact in facts:
        by_department[fact["department_id"]].append(fact)
        if handler_of.get(fact["pk"]):
            by_handler[handler_of[fact["pk"]]].append(fact)
    # Every case of the period: a notice sent to a department about a case since routed elsewhere.
    department_notices = supervision_counts(_cases(start, end), "department")
    handler_notices = supervision_counts(cases, "handler")
    # The cases of the period co-handled by the departments, wherever they were led.
    wanted = {getattr(d, "pk", d) for d in departments}
    co = {
        pk: counts
        for pk, counts in cohandling.department_counts(_cases(start, end)).items()
        if pk in wanted and counts["co_handled"]
    }
    for pk in co:
        by_department.setdefault(pk, [])
    names = {d.pk: d.name for d in Department.objects.filter(pk__in=by_department)}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=by_handler)}
    no_co_handling = dict.fromkeys(("co_handled", "co_on_time", "co_answered"), 0)
    department_rows = sorted(
        (names[pk], _indicators(rows, department_notices.get(pk, 0), co.get(pk, no_co_handling)))
        for pk, rows in by_department.items()
    )
    handler_rows = sorted(
        (users[pk].get_full_name() or users[pk].get_username(), _indicators(rows, handler_notices.get(pk, 0)))
        for pk, rows in by_handler.items()
    )
    return department_rows, handler_rows


def format_value(key, value):
    if value is None:
        return "—"
    if key in RATES:
        return f"{value * 100:.1f}%"
    if key == "handling_days":
        return f"{value:.1f}"
    return str(value)


def this_month(today=None):
    today = today or timezone.localdate()
    return today.replace(day=1), today


def subject_figures(start, end, *, handler=None, department=None):
    """The indicators above for one handler's cases or one department's cases of the period (the
    staff scorecards of reception.assessment score them)."""
    period = _cases(start, end)
    if handler is not None:
        cases = period.filter(handler=handler)
        notices = supervision_counts(cases, "handler").get(handler.pk, 0)
        return _indicators(case_facts(cases), notices)
    cases = period.filter(department=department)
    # As in assess(): a notice sent to the department about a case since routed elsewhere counts.
    notices = supervision_counts(period, "department").get(department.pk, 0)
    return _indicators(case_facts(cases), notices)
