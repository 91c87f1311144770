"""Figures about cases for the dashboard: plain functions over the daily roll-ups.

Every case counts on the day it was received (in the office's time zone). A day's roll-up rows are
recomputed whole from its cases (recompute_day); the dashboard then sums rows instead of scanning
cases, which keeps it fast over millions of cases. Stage timeliness compares the day a stage was
completed with its due date; a stage not completed yet is not counted either way.
"""

from collections import Counter, defaultdict
from datetime import timedelta
from statistics import median

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.tasks import enqueue_on_commit
from casework import cohandling
from casework.models import (
    Case,
    Category,
    Channel,
    DailyCaseStatistic,
    DailyTopicStatistic,
    Event,
    Outcome,
    Satisfaction,
    Status,
)

from . import topics

K = Event.Kind

# (name, label, the case's due-date field, event kinds that complete the stage; None = replied_at)
STAGES = [
    ("screening", _("Screening"), "screening_due", (K.ACCEPTED, K.REJECTED)),
    ("routing", _("Routing"), "routing_due", (K.ROUTED,)),
    ("handling_plan", _("Handling plan"), "handling_plan_due", (K.HANDLING_PLAN,)),
    ("reply", _("Reply"), "reply_due", None),
    ("follow_up", _("Follow-up"), "follow_up_due", (K.SATISFACTION,)),
]
STAGE_EVENT_KINDS = {kind for _n, _l, _f, kinds in STAGES if kinds for kind in kinds}

# Roll-up measure -> the adoption decision it counts.
ADOPTION_MEASURES = {
    "adopted": Outcome.Adoption.ADOPTED,
    "partly_adopted": Outcome.Adoption.PARTLY,
    "not_adopted": Outcome.Adoption.NOT_ADOPTED,
}

GRAINS = {"day": None, "week": TruncWeek, "month": TruncMonth}

TOPIC_TERMS_PER_DAY = 50

MEASURES = [
    f.name
    for f in DailyCaseStatistic._meta.get_fields()
    if f.name
    not in {"id", "day", "department", "category", "channel", "status", "handling_days", "computed_at"}
]


# --- Roll-ups ------------------------------------------------------------------------------------


def local_day_bounds(day):
    start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    return start, start + timedelta(days=1)


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def case_facts(cases):
    """One dict of roll-up key and measures per case (each case counts once)."""
    cases = list(
        cases.values(
            "pk",
            "received_at",
            "department_id",
            "category",
            "channel",
            "status",
            "replied_at",
            "reopened_on",
            "satisfaction",
            "subject",
            *[field for _n, _l, field, _k in STAGES],
        )
    )
    done = defaultdict(dict)  # case pk -> stage event kind -> first day
    rerouted = set()
    adoption = {}  # suggestion pk -> the decision of its latest outcome
    ids = [case["pk"] for case in cases]
    suggestions = [case["pk"] for case in cases if case["category"] == Category.SUGGESTION]
    for start in range(0, len(suggestions), 900):
        outcomes = Outcome.objects.filter(case_id__in=suggestions[start : start + 900]).exclude(adoption="")
        for case_id, decision in outcomes.order_by("recorded_at", "pk").values_list("case_id", "adoption"):
            adoption[case_id] = decision
    for start in range(0, len(ids), 900):  # SQLite allows only so many query parameters
        events = Event.objects.filter(
            case_id__in=ids[start : start + 900], kind__in=STAGE_EVENT_KINDS | {K.REROUTED}
        ).values_list("case_id", "kind", "created_at")
        for case_id, kind, created_at in events.order_by("created_at"):
            if kind == K.REROUTED:
                rerouted.add(case_id)
            else:
                done[case_id].setdefault(kind, _local_date(created_at))
    facts = []
    for case in cases:
        received_on = _local_date(case["received_at"])
        replied_on = _local_date(case["replied_at"])
        fact = {
            "pk": case["pk"],
            "day": received_on,
            "department_id": case["department_id"],
            "category": case["category"],
            "channel": case["channel"],
            "status": case["status"],
            "subject": case["subject"],
            "handling_days": (replied_on - received_on).days if replied_on else None,
            "cases": 1,
            "replied": int(replied_on is not None),
            "reopened": int(case["reopened_on"] is not None),
            "rerouted": int(case["pk"] in rerouted),
            "satisfied": int(case["satisfaction"] == Satisfaction.SATISFIED),
            "basically_satisfied": int(case["satisfaction"] == Satisfaction.BASICALLY_SATISFIED),
            "dissatisfied": int(case["satisfaction"] == Satisfaction.DISSATISFIED),
            **{
                measure: int(adoption.get(case["pk"]) == decision)
                for measure, decision in ADOPTION_MEASURES.items()
            },
        }
        for name, _label, due_field, kinds in STAGES:
            if kinds is None:
                finished = replied_on
            else:
                days = [done[case["pk"]][k] for k in kinds if k in done[case["pk"]]]
                finished = min(days) if days else None
            due = case[due_field]
            fact[f"{name}_done"] = int(finished is not None and due is not None)
            fact[f"{name}_on_time"] = int(finished is not None and due is not None and finished <= due)
        facts.append(fact)
    return facts


def topic_terms(subject):
    """The keywords of a subject worth counting as a topic (reporting.topics)."""
    return topics.keywords(subject)


def recompute_days(start, end=None):
    """Replace the roll-up rows of the days of receipt from start to end with fresh counts."""
    end = end or start
    first, _ = local_day_bounds(start)
    _, last = local_day_bounds(end)
    facts = case_facts(Case.objects.filter(received_at__gte=first, received_at__lt=last))
    rows = {}
    topics = defaultdict(Counter)
    for fact in facts:
        key = (
            fact["day"],
            fact["department_id"],
            fact["category"],
            fact["channel"],
            fact["status"],
            fact["handling_days"],
        )
        row = rows.setdefault(key, dict.fromkeys(MEASURES, 0))
        for measure in MEASURES:
            row[measure] += fact[measure]
        topics[fact["day"], fact["department_id"]].update(set(topic_terms(fact["subject"])))
    now = timezone.now()
    with transaction.atomic():
        DailyCaseStatistic.objects.filter(day__range=(start, end)).delete()
        DailyTopicStatistic.objects.filter(day__range=(start, end)).delete()
        DailyCaseStatistic.objects.bulk_create(
            (
                DailyCaseStatistic(
                    day=day,
                    department_id=department_id,
                    category=category,
                    channel=channel,
                    status=status,
                    handling_days=handling_days,
                    computed_at=now,
                    **measures,
                )
                for (day, department_id, category, channel, status, handling_days), measures in rows.items()
            ),
            batch_size=1000,
        )
        DailyTopicStatistic.objects.bulk_create(
            (
                DailyTopicStatistic(day=day, department_id=department_id, term=term[:50], cases=count)
                for (day, department_id), counter in topics.items()
                for term, count in counter.most_common(TOPIC_TERMS_PER_DAY)
            ),
            batch_size=1000,
        )
    return len(facts)


def recompute_day(day):
    return recompute_days(day, day)


def rebuild_all():
    """Recompute every day from the first case to the last."""
    first, last = case_date_range()
    return recompute_days(first, last) if first else 0


# Task names: those the beat schedules of running deployments already hold.
@shared_task(name="casework.statistics.recompute_statistics_day")
def recompute_statistics_day(day_iso):
    """Celery: recompute one day's roll-ups (day as YYYY-MM-DD)."""
    return recompute_day(timezone.datetime.fromisoformat(day_iso).date())


def stale_days(since):
    """Days of receipt of the cases changed since ``since``: the roll-ups to recompute."""
    moments = Case.objects.filter(updated_at__gte=since).values_list("received_at", flat=True)
    return sorted({_local_date(moment) for moment in moments.iterator()})


@shared_task(name="casework.statistics.refresh_statistics")
def refresh_statistics():
    """Celery beat: recompute the days whose cases changed since the last refresh (or today)."""
    last = DailyCaseStatistic.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    days = set(stale_days(last)) if last else set()
    days.add(timezone.localdate())
    for day in sorted(days):
        recompute_day(day)
    return len(days)


def request_refresh():
    """Ask a worker to bring the roll-ups up to date when they are older than
    settings.STATISTICS_REFRESH_SECONDS; the dashboard calls this on each view. It looks at most
    once per interval (a cache lock), so a busy dashboard neither queries nor floods the broker; a
    periodic run of refresh_statistics does the same without anyone looking."""
    seconds = settings.STATISTICS_REFRESH_SECONDS
    if not cache.add("casework:statistics-refresh-checked", True, seconds):
        return False  # looked (and asked, if needed) less than an interval ago
    last = DailyCaseStatistic.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
    if last is not None and timezone.now() - last < timedelta(seconds=seconds):
        return False
    enqueue_on_commit(refresh_statistics)
    return True


def case_date_range():
    first = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
    last = Case.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    if first is None:
        return None, None
    return _local_date(first), _local_date(last)


# --- Figures over a period -------------------------------------------------------------------------


def rollups(start, end, departments=None):
    """Roll-up rows for cases received from ``start`` to ``end`` (inclusive) in ``departments``.

    ``departments`` None means every case, including those not routed to any department yet.
    """
    rows = DailyCaseStatistic.objects.filter(day__range=(start, end))
    if departments is not None:
        rows = rows.filter(department__in=departments)
    return rows


def _counts(rows, field, labels=None):
    counts = {
        key: total for key, total in rows.values_list(field).annotate(total=Sum("cases")).order_by(field)
    }
    if labels is None:
        return counts
    return {key: counts.get(key, 0) for key in labels}


def counts_by(rows, field):
    """{value: cases} for category, channel, status (every choice, zeros too) or department (id)."""
    choices = {"category": Category, "channel": Channel, "status": Status}.get(field)
    return _counts(rows, field, [c.value for c in choices] if choices else None)


def counts_by_period(rows, grain="month"):
    """[(first day of the period, cases)] in date order; grain is day, week or month."""
    trunc = GRAINS[grain]
    if trunc is None:
        return list(rows.values_list("day").annotate(total=Sum("cases")).order_by("day"))
    return list(
        rows.annotate(period=trunc("day"))
        .values_list("period")
        .annotate(total=Sum("cases"))
        .order_by("period")
    )


def handling_time(rows):
    """Average and median calendar days from receipt to reply, over cases that have a reply."""
    histogram = list(
        rows.filter(handling_days__isnull=False)
        .values_list("handling_days")
        .annotate(total=Sum("cases"))
        .order_by("handling_days")
    )
    count = sum(total for _days, total in histogram)
    if not count:
        return {"count": 0, "average": None, "median": None}
    average = sum(days * total for days, total in histogram) / count
    # The median from the histogram, without expanding a million cases into a list.
    middle = [(count - 1) // 2, count // 2]
    values, seen = [], 0
    for days, total in histogram:
        for position in middle:
            if seen <= position < seen + total:
                values.append(days)
        seen += total
    return {"count": count, "average": average, "median": median(values)}


def _rate(part, whole):
    return part / whole if whole else None


def totals(rows):
    return rows.aggregate(**{measure: Sum(measure) for measure in MEASURES})


def on_time_by_stage(rows, sums=None):
    """[(stage, label, completed, on time, rate)] for each stage of the workflow."""
    sums = sums or totals(rows)
    return [
        (
            name,
            label,
            sums[f"{name}_done"] or 0,
            sums[f"{name}_on_time"] or 0,
            _rate(sums[f"{name}_on_time"] or 0, sums[f"{name}_done"] or 0),
        )
        for name, label, _f, _k in STAGES
    ]


def satisfaction(rows, sums=None):
    sums = sums or totals(rows)
    satisfied = (sums["satisfied"] or 0) + (sums["basically_satisfied"] or 0)
    rated = satisfied + (sums["dissatisfied"] or 0)
    return {
        "satisfied": sums["satisfied"] or 0,
        "basically_satisfied": sums["basically_satisfied"] or 0,
        "dissatisfied": sums["dissatisfied"] or 0,
        "rated": rated,
        "rate": _rate(satisfied, rated),
    }


def reopen_rate(rows, sums=None):
    """Reopened cases per replied case."""
    sums = sums or totals(rows)
    return _rate(sums["reopened"] or 0, sums["replied"] or 0)


def reroute_rate(rows, sums=None):
    """Re-routed cases per case routed to a department (routing accuracy is one minus this)."""
    sums = sums or totals(rows)
    routed = rows.filter(department__isnull=False).aggregate(total=Sum("cases"))["total"] or 0
    return _rate(sums["rerouted"] or 0, routed)


def adoption(rows, sums=None):
    """Suggestions by adoption decision: {measure: count}, with the share adopted in whole or part."""
    sums = sums or totals(rows)
    counts = {measure: sums[measure] or 0 for measure in ADOPTION_MEASURES}
    decided = sum(counts.values())
    return {
        **counts,
        "decided": decided,
        "rate": _rate(counts["adopted"] + counts["partly_adopted"], decided),
    }


def adoption_by_period(rows, grain="month"):
    """[(period, adopted, partly adopted, not adopted)] of the suggestions received in each period."""
    trunc = GRAINS[grain]
    period = F("day") if trunc is None else trunc("day")
    return list(
        rows.filter(category=Category.SUGGESTION)
        .annotate(period=period)
        .values_list("period")
        .annotate(*(Sum(measure) for measure in ADOPTION_MEASURES))
        .order_by("period")
    )


def hot_topics(start, end, departments=None, limit=10):
    """[(term, cases)] most used in the subjects of the period's cases, most first; terms folded
    (topics.in_reader_script shows them). Stop words are left out here too, so that days counted
    before a word joined the list do not bring it back."""
    rows = DailyTopicStatistic.objects.filter(day__range=(start, end)).exclude(
        term__in=sorted(topics.stop_words())
    )
    if departments is not None:
        rows = rows.filter(department__in=departments)
    return list(rows.values_list("term").annotate(total=Sum("cases")).order_by("-total", "term")[:limit])


def trend(rows, grain="month"):
    """[(period, received, replied)] over time, for the line chart."""
    trunc = GRAINS[grain]
    period = F("day") if trunc is None else trunc("day")
    return list(
        rows.annotate(period=period)
        .values_list("period")
        .annotate(received=Sum("cases"), replied=Sum("replied"))
        .order_by("period")
    )


def co_handling_by_department(start, end, departments=None):
    """{department id: counts} of cases received from start to end: those the department led apart
    from those it co-handled (協辦), with its contributions answered, on time, released and waiting
    (casework.cohandling.department_counts). Read from the cases: co-handling has no roll-up."""
    first, _ = local_day_bounds(start)
    _, last = local_day_bounds(end)
    counts = cohandling.department_counts(Case.objects.filter(received_at__gte=first, received_at__lt=last))
    if departments is not None:
        wanted = {getattr(d, "pk", d) for d in departments}
        counts = {pk: row for pk, row in counts.items() if pk in wanted}
    return counts


def dashboard_figures(start, end, departments=None, grain="month"):
    """Everything the dashboard shows, for cases received from start to end in the departments."""
    rows = rollups(start, end, departments)
    sums = totals(rows)
    return {
        "start": start,
        "end": end,
        "grain": grain,
        "total": sums["cases"] or 0,
        "by_category": counts_by(rows, "category"),
        "by_channel": counts_by(rows, "channel"),
        "by_status": counts_by(rows, "status"),
        "by_department": counts_by(rows, "department"),
        "co_handling": co_handling_by_department(start, end, departments),
        "by_period": counts_by_period(rows, grain),
        "handling_time": handling_time(rows),
        "on_time": on_time_by_stage(rows, sums),
        "satisfaction": satisfaction(rows, sums),
        "reopen_rate": reopen_rate(rows, sums),
        "reroute_rate": reroute_rate(rows, sums),
        "adoption": adoption(rows, sums),
        "adoption_by_period": adoption_by_period(rows, grain),
        "hot_topics": hot_topics(start, end, departments),
        "trend": trend(rows, grain),
    }
