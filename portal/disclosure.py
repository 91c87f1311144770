"""Public disclosure reports: aggregate figures about cases, frozen when a report is published.

Only counts by category, channel, outcome and satisfaction leave the back office, never a case's
text or anyone's personal data.

No published count can be worked back to fewer than ``threshold`` possible values (5 by default):

- A report's type, channel and outcome tables count the same cases, so they share one total. Each
  table is an equation "its cells add up to the total", and the satisfaction and timeliness tables
  (each about a part of the cases) are equations of their own.
- In a table whose total is shown, every count from 1 to threshold-1 is hidden (primary
  suppression). If anything is hidden, more counts are hidden, smallest first (a zero only when no
  other count is left), until at least two are hidden and the hidden counts add up to at least the
  threshold. The hidden counts can then each be anything from 0 to their sum, as far as a reader
  knows: the zeros and totals shown beside them do not narrow them. (Without this, "closed 6,
  rejected 0, duplicate 0, withdrawn hidden, open hidden, total 8" gives both hidden counts away as
  1.)
- A total below the threshold, zero included, is hidden with every count of its table, zeros
  included (a hidden total then says only "0 to threshold-1", as many values as the threshold).
  When it is the shared total, the whole report is hidden, since any of its tables would give it
  away.

Every hidden cell reads the same, "suppressed" (with a footnote), whether it was small or hidden
beside a small one: telling the two apart would undo the second hiding, and a large hidden cell
labelled "<5" would say something false.

Reports must not be subtracted from one another either: a report's period may not overlap the period
of a report already published unless one contains the other, the same period is not published twice,
and whatever is left between nested periods (for instance a year minus the quarters published inside
it) covers at least the minimum period, so no difference gives the figures of a few days.
"""

import json
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from casework.exports import spreadsheet_response
from casework.models import Case, Category, Channel, Department, Outcome, RectificationMeasure, Satisfaction
from reporting.charts import bar_chart

from .cache import CachedPageMixin
from .external_supervision import InspectionReportsPage

# --- Suppression (pure) -----------------------------------------------------------------------------


def threshold():
    return settings.DISCLOSURE_SUPPRESSION_THRESHOLD


def minimum_period_days():
    return settings.DISCLOSURE_MINIMUM_PERIOD_DAYS


def suppress_counts(counts, k=5, hide_all=False):
    """One table with its total: ({key: count or None}, total or None).

    See the module's docstring for the rule. ``hide_all`` hides the whole table (used when a total
    it shares with other tables is hidden).
    """
    total = sum(counts.values())
    if hide_all or total < k:
        return dict.fromkeys(counts), None
    hidden = {key for key, value in counts.items() if 0 < value < k}
    while hidden and (len(hidden) < 2 or sum(counts[key] for key in hidden) < k):
        shown = [key for key in counts if key not in hidden]
        if not shown:
            break
        # Smallest first to hide as little as possible; a zero only when no other count is left.
        hidden.add(min(shown, key=lambda key: (counts[key] == 0, counts[key])))
    return {key: None if key in hidden else value for key, value in counts.items()}, total


def suppress_linked(tables, k=5):
    """Tables of the same cases (their counts add up to the same total): {key: (values, total)}.

    The shared total is hidden in all of them or in none, and when it is hidden so is everything
    else: a table shown in full would give it away.
    """
    totals = {sum(counts.values()) for counts in tables.values()}
    if len(totals) > 1:
        raise ValueError("Linked tables must count the same cases.")
    hide_all = any(total < k for total in totals)
    return {key: suppress_counts(counts, k, hide_all) for key, counts in tables.items()}


# How a hidden count reads on the page and in the CSV download (the JSON download gives null).
SUPPRESSED = _("suppressed")


def shown(value):
    """A count for the downloads: the number, or the suppressed label."""
    return str(SUPPRESSED) if value is None else value


def suppression_note(k):
    """The footnote of every report: what a suppressed cell is, and why."""
    return _(
        "Suppressed: counts from 1 to %(largest)s are not published, and other counts of the same "
        "table (larger ones, or zeros) are hidden with them until the hidden counts add up to at "
        "least %(threshold)s, so that no hidden count can be worked out from the totals and the "
        "other tables and no one can be identified from these figures."
    ) % {"largest": k - 1, "threshold": k}


# --- Figures -------------------------------------------------------------------------------------

OUTCOME_LABELS = {
    "closed": _("Answered and closed"),
    "rejected": _("Out of scope"),
    "duplicate": _("Merged as a duplicate"),
    "withdrawn": _("Withdrawn"),
    "open": _("Still being handled"),
}
TIMELINESS_LABELS = {"on_time": _("Replied on time"), "late": _("Replied late")}
TABLES = [
    ("category", _("Appeals by type"), dict(Category.choices)),
    ("channel", _("Appeals by channel"), dict(Channel.choices)),
    ("outcome", _("Appeals by outcome"), OUTCOME_LABELS),
    ("satisfaction", _("Citizens' satisfaction with the reply"), dict(Satisfaction.choices)),
    ("timeliness", _("Replies within the time limit"), TIMELINESS_LABELS),
    ("adoption", _("Suggestions by adoption decision"), dict(Outcome.Adoption.choices)),
]


# The tables counting every case of the period (see the module's docstring).
LINKED_TABLES = ("category", "channel", "outcome")


def _outcome(status):
    return status if status in {"closed", "rejected", "duplicate", "withdrawn"} else "open"


def raw_counts(start, end):
    """Counts of the cases received from start to end (office time zone), by each table's keys."""
    first = timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time()))
    last = timezone.make_aware(
        timezone.datetime.combine(end + timedelta(days=1), timezone.datetime.min.time())
    )
    cases = Case.objects.filter(received_at__gte=first, received_at__lt=last)
    counts = {key: dict.fromkeys(labels, 0) for key, _title, labels in TABLES}
    for category, channel, status, n in cases.values_list("category", "channel", "status").annotate(
        n=Count("pk")
    ):
        counts["category"][category] += n
        counts["channel"][channel] += n
        counts["outcome"][_outcome(status)] += n
    for value, n in cases.exclude(satisfaction="").values_list("satisfaction").annotate(n=Count("pk")):
        counts["satisfaction"][value] += n
    for replied_at, reply_due in cases.filter(replied_at__isnull=False, reply_due__isnull=False).values_list(
        "replied_at", "reply_due"
    ):
        on_time = timezone.localtime(replied_at).date() <= reply_due
        counts["timeliness"]["on_time" if on_time else "late"] += 1
    # Each suggestion counts once, by the decision of its latest outcome.
    decisions = {}
    outcomes = Outcome.objects.filter(case__in=cases.filter(category=Category.SUGGESTION)).exclude(
        adoption=""
    )
    for case_id, decision in outcomes.order_by("recorded_at", "pk").values_list("case_id", "adoption"):
        decisions[case_id] = decision
    for decision in decisions.values():
        counts["adoption"][decision] += 1
    return counts


def _rate(values, good_keys):
    """A share only when none of its parts is hidden (a rate must not reveal a hidden count)."""
    if any(value is None for value in values.values()):
        return None
    whole = sum(values.values())
    return round(sum(values[key] for key in good_keys) / whole, 3) if whole else None


def in_label_order(values, labels):
    """A table's (key, value) pairs in the order of its labels: PostgreSQL's jsonb keeps no key order."""
    known = [(key, values[key]) for key in labels if key in values]
    return known + [(key, value) for key, value in values.items() if key not in labels]


def suppress_figures(counts, k):
    """{table key: {"values": {key: count or None}, "total": count or None}} of raw_counts' counts."""
    # Type, channel and outcome count every case of the period: one shared total. Satisfaction and
    # timeliness count a part of them, each with its own total, and go when the shared total goes.
    linked = suppress_linked({key: counts[key] for key in LINKED_TABLES}, k)
    everything_hidden = next(iter(linked.values()))[1] is None
    tables = {}
    for key, _title, _labels in TABLES:
        values, total = linked[key] if key in linked else suppress_counts(counts[key], k, everything_hidden)
        tables[key] = {"values": values, "total": total}
    return tables


# --- Rectification (整改) ---------------------------------------------------------------------------
#
# The rectification measures set for the period's cases, where they stand on the day the report is
# published: one table by state, one by the owning department. Both count the same measures (one
# shared total, suppressed together like the case tables); measures are not cases, so these tables
# stand apart from the case tables. Department names only: never a measure's text or anyone's name.

MEASURE_STATE_LABELS = {
    "planned": _("Planned, within the deadline"),
    "overdue": _("Overdue, not carried out"),
    "carried_out": _("Carried out, being verified"),
    "verified": _("Carried out and verified"),
}
RECTIFICATION_TABLES = [
    ("state", _("Rectification measures by progress")),
    ("department", _("Rectification measures by department")),
]


def rectification_counts(start, end, today=None):
    """{"state": {key: n}, "department": {department name: n}} of the measures of the cases received
    from start to end, as they stand on `today`."""
    today = today or timezone.localdate()
    first = timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time()))
    last = timezone.make_aware(
        timezone.datetime.combine(end + timedelta(days=1), timezone.datetime.min.time())
    )
    measures = RectificationMeasure.objects.filter(case__received_at__gte=first, case__received_at__lt=last)
    # Every active department has its row, zeros included: a row only where there are measures
    # would tell that a department had some even when its count is hidden.
    departments = Department.objects.filter(is_active=True).values_list("name", flat=True)
    counts = {"state": dict.fromkeys(MEASURE_STATE_LABELS, 0), "department": dict.fromkeys(departments, 0)}
    for state, deadline, department in measures.values_list("state", "deadline", "department__name"):
        if state == RectificationMeasure.State.PLANNED:
            key = "overdue" if deadline < today else "planned"
        else:
            key = state
        counts["state"][key] += 1
        counts["department"][department] = counts["department"].get(department, 0) + 1
    counts["department"] = dict(sorted(counts["department"].items()))
    return counts


def rectification_figures(start, end, k, today=None):
    """The suppressed rectification tables, or None when the period's cases have no measures."""
    counts = rectification_counts(start, end, today)
    if not sum(counts["state"].values()):
        return None
    linked = suppress_linked(counts, k)
    return {key: {"values": values, "total": total} for key, (values, total) in linked.items()}


def disclosure_figures(start, end, k=None):
    """The publishable snapshot: suppressed counts only (JSON-ready), and rates safe to show."""
    k = k or threshold()
    tables = suppress_figures(raw_counts(start, end), k)
    return {
        "rectification": rectification_figures(start, end, k),
        "period": [start.isoformat(), end.isoformat()],
        "threshold": k,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "tables": tables,
        "rates": {
            "satisfaction": _rate(tables["satisfaction"]["values"], ["satisfied", "basically_satisfied"]),
            "on_time": _rate(tables["timeliness"]["values"], ["on_time"]),
        },
    }


# --- Periods (pure) --------------------------------------------------------------------------------


def _gaps(outer, inner_periods):
    """The stretches of ``outer`` that no period of ``inner_periods`` (all inside it) covers."""
    gaps, cursor = [], outer[0]
    for start, end in sorted(inner_periods):
        if start > cursor:
            gaps.append((cursor, start - timedelta(days=1)))
        cursor = max(cursor, end + timedelta(days=1))
    if cursor <= outer[1]:
        gaps.append((cursor, outer[1]))
    return gaps


def _maximal_inside(outer, periods):
    """The periods strictly inside ``outer`` that no other such period contains."""
    inside = [p for p in periods if p != outer and outer[0] <= p[0] and p[1] <= outer[1]]
    return [p for p in inside if not any(q != p and q[0] <= p[0] and p[1] <= q[1] for q in inside)]


def period_conflict(period, published, min_days):
    """Why a report for ``period`` (start, end) cannot be published beside the ``published``
    reports [(start, end, title)], or None.

    Subtracting two reports gives the figures of the difference of their periods, so periods must be
    the same series' building blocks: disjoint or nested, never twice the same, and every stretch a
    nested period leaves uncovered inside a larger one at least ``min_days`` long.
    """
    start, end = period
    for other_start, other_end, title in published:
        if (other_start, other_end) == (start, end):
            return _("A report for this period is already published: %(title)s.") % {"title": title}
        disjoint = end < other_start or other_end < start
        nested = (start <= other_start and other_end <= end) or (other_start <= start and end <= other_end)
        if not disjoint and not nested:
            return _(
                "The period overlaps the published report “%(title)s” (%(start)s to %(end)s) without "
                "containing it: subtracting the two reports would give the figures of the days they "
                "do not share. Choose a period that contains it or does not overlap it."
            ) % {"title": title, "start": other_start.isoformat(), "end": other_end.isoformat()}
    periods = {(s, e) for s, e, _t in published} | {period}
    # The new period is the larger one, or one of the pieces of a larger one.
    for outer in [period, *(p for p in periods if p != period and p[0] <= start and end <= p[1])]:
        children = _maximal_inside(outer, periods)
        if outer != period and period not in children:
            continue
        for gap_start, gap_end in _gaps(outer, children) if children else []:
            if (gap_end - gap_start).days + 1 < min_days:
                return _(
                    "Published reports would leave %(start)s to %(end)s on its own (fewer than "
                    "%(days)s days): subtracting them would give the figures of so short a period. "
                    "Make the period line up with the published reports or leave longer stretches."
                ) % {"start": gap_start.isoformat(), "end": gap_end.isoformat(), "days": min_days}
    return None


# --- Pages ---------------------------------------------------------------------------------------


class DisclosureIndexPage(CachedPageMixin, Page):
    intro = models.TextField(blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.DisclosureReportPage", "portal.InspectionReportsPage"]

    class Meta:
        app_label = "portal"
        verbose_name = _("disclosure report index")

    def reports(self):
        return DisclosureReportPage.objects.child_of(self).live().public().order_by("-period_end", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reports"] = self.reports()
        # The published rectification of inspection findings (reception measures §六(二)) sits here too.
        context["inspection_pages"] = Page.objects.child_of(self).live().public().type(InspectionReportsPage)
        return context


class DisclosureReportPage(CachedPageMixin, RoutablePageMixin, Page):
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    summary = models.TextField(_("summary"), blank=True)
    # Suppressed figures, written when the report is first published for its period and never
    # recomputed afterwards (see save and with_content_json).
    figures = models.JSONField(default=dict, blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("period")),
        FieldPanel("summary"),
    ]
    parent_page_types = ["portal.DisclosureIndexPage"]
    subpage_types = []

    class Meta:
        app_label = "portal"
        verbose_name = _("disclosure report")

    def clean(self):
        super().clean()
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                raise ValidationError({"period_end": _("The period ends before it starts.")})
            if (self.period_end - self.period_start).days + 1 < minimum_period_days():
                raise ValidationError(
                    {
                        "period_end": _(
                            "A report covers at least %(days)s days, so no one can be singled out."
                        )
                        % {"days": minimum_period_days()}
                    }
                )
            conflict = period_conflict(
                (self.period_start, self.period_end), self.published_periods(), minimum_period_days()
            )
            if conflict:
                raise ValidationError({"period_start": conflict})

    def published_periods(self):
        """[(start, end, title)] of every report whose figures went public, but this one's current
        figures. All reports count the same cases, so they can all be subtracted from one another;
        this page's own earlier period (published, then changed) counts too."""
        result = []
        for page in DisclosureReportPage.objects.exclude(figures={}).only(
            "pk", "title", "figures", "translation_key"
        ):
            period = page.figures.get("period")
            if not period:
                continue
            start, end = (date.fromisoformat(day) for day in period)
            mine = page.pk == self.pk or (
                self.translation_key and page.translation_key == self.translation_key
            )
            if mine and (start, end) == (self.period_start, self.period_end):
                continue
            result.append((start, end, page.title))
        return list(dict.fromkeys(result))

    def period_key(self):
        return [self.period_start.isoformat(), self.period_end.isoformat()]

    def is_frozen(self):
        return bool(self.figures) and self.figures.get("period") == self.period_key()

    def freeze(self):
        """Take the figures of a translation published for the same period, or compute them now."""
        if self.translation_key:
            for other in DisclosureReportPage.objects.filter(translation_key=self.translation_key).exclude(
                pk=self.pk
            ):
                if other.is_frozen() and other.figures["period"] == self.period_key():
                    self.figures = other.figures
                    return
        self.figures = disclosure_figures(self.period_start, self.period_end)

    def save(self, *args, **kwargs):
        if self.live and not self.is_frozen():
            self.freeze()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = set(kwargs["update_fields"]) | {"figures"}
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        # Publishing or reverting to an older revision must not bring back older (or empty) figures:
        # the figures already frozen in the database win.
        page = super().with_content_json(content)
        if self.is_frozen():
            page.figures = self.figures
        return page

    # Reading the frozen figures ----------------------------------------------------------------

    def shown_figures(self, request=None):
        """The frozen figures; in the editor's preview of a period not frozen yet, what publishing
        now would freeze (the public never sees figures that are not frozen)."""
        preview = getattr(request, "is_preview", False)
        if self.is_frozen() or not preview or not (self.period_start and self.period_end):
            return self.figures
        return disclosure_figures(self.period_start, self.period_end)

    def tables(self, figures=None):
        """[(key, title, [(value key, label, count)], total, chart)] of the figures; a hidden count
        or total is None (the template labels it)."""
        figures = self.figures if figures is None else figures
        result = []
        for key, title, labels in TABLES:
            table = figures.get("tables", {}).get(key)
            if table is None:
                continue
            rows = [
                (value_key, labels.get(value_key, value_key), value)
                for value_key, value in in_label_order(table["values"], labels)
            ]
            chart = bar_chart(
                (str(label), value if isinstance(value, int) else None) for _v, label, value in rows
            )
            result.append((key, title, rows, table["total"], chart))
        return result

    def rectification_tables(self, figures=None):
        """[(key, title, [(value key, label, count)], total)] of the rectification figures."""
        figures = self.figures if figures is None else figures
        rectification = figures.get("rectification") or {}
        result = []
        for key, title in RECTIFICATION_TABLES:
            table = rectification.get(key)
            if table is None:
                continue
            labels = MEASURE_STATE_LABELS if key == "state" else {}
            rows = [
                (value_key, labels.get(value_key, value_key), value)
                for value_key, value in in_label_order(table["values"], labels)
            ]
            result.append((f"rectification_{key}", title, rows, table["total"]))
        return result

    def rows_for_download(self):
        for key, _title, labels in TABLES:
            table = self.figures.get("tables", {}).get(key, {"values": {}, "total": None})
            for value_key, value in in_label_order(table["values"], labels):
                yield key, value_key, str(labels.get(value_key, value_key)), shown(value)
            yield key, "total", str(_("Total")), shown(table["total"])
        for key, _title, rows, total in self.rectification_tables():
            for value_key, label, value in rows:
                yield key, value_key, str(label), shown(value)
            yield key, "total", str(_("Total")), shown(total)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        figures = self.shown_figures(request)
        context["tables"] = self.tables(figures)
        context["rectification_tables"] = self.rectification_tables(figures)
        context["rates"] = figures.get("rates", {})
        context["threshold"] = figures.get("threshold", threshold())
        context["suppression_note"] = suppression_note(context["threshold"])
        return context

    @path("")
    def report(self, request):
        return self.render(request)

    @path("csv/", name="csv")
    def csv_download(self, request):
        header = [_("table"), _("key"), _("label"), _("count")]
        return spreadsheet_response("csv", self.slug, header, self.rows_for_download())

    @path("json/", name="json")
    def json_download(self, request):
        data = {
            "title": self.title,
            "period": self.figures.get("period"),
            "threshold": self.figures.get("threshold"),
            # Hidden counts are null, as they are frozen.
            "tables": {
                key: {"values": dict(table["values"]), "total": table["total"]}
                for key, table in self.figures.get("tables", {}).items()
            },
            "suppressed": str(suppression_note(self.figures.get("threshold", threshold()))),
            "rates": self.figures.get("rates", {}),
            "rectification": self.figures.get("rectification"),
        }
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.json"'
        return response
