"""Public disclosure reports: aggregate figures about cases, frozen when a report is published.

Only counts by category, channel, outcome and satisfaction leave the back office, never a case's
text or anyone's personal data. Counts from 1 to threshold-1 are hidden, and a second cell is hidden
wherever one hidden cell could be worked out from a total.

Every hidden cell reads the same, "suppressed" (with a footnote), whether it was small or hidden
beside a small one: telling the two apart would undo the second hiding (a row of total 6 with a
"<5" and a "suppressed" cell of at least 5 gives both away), and a large hidden cell labelled "<5"
would say something false.
"""

import json
from datetime import timedelta

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
from casework.models import Case, Category, Channel, Outcome, Satisfaction
from reporting.charts import bar_chart

from .cache import CachedPageMixin

# --- Suppression (pure) -----------------------------------------------------------------------------


def threshold():
    return settings.DISCLOSURE_SUPPRESSION_THRESHOLD


def minimum_period_days():
    return settings.DISCLOSURE_MINIMUM_PERIOD_DAYS


def suppress_table(rows, k=5):
    """Hide small counts in a table of counts and its totals.

    ``rows`` is a list of equally long lists of counts. Returns (cells, row_totals, column_totals,
    total) with every hidden value replaced by None. A count from 1 to k-1 is hidden (primary
    suppression); then, as long as some row or column (with its total) has exactly one hidden value,
    its smallest shown non-zero cell (or a zero, or the total when no cell is left) is hidden too,
    so no hidden value equals a total minus the values shown.
    """
    cells = [list(row) for row in rows]
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(column) for column in zip(*cells, strict=True)] if cells else []
    total = sum(row_totals)
    hidden = set()

    def small(value):
        return 0 < value < k

    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if small(value):
                hidden.add(("cell", r, c))
    for r, value in enumerate(row_totals):
        if small(value):
            hidden.add(("row", r))
    for c, value in enumerate(column_totals):
        if small(value):
            hidden.add(("column", c))
    if small(total):
        hidden.add(("total",))

    # Each line: its inner positions and the position of its total.
    lines = [([("cell", r, c) for c in range(len(row))], ("row", r)) for r, row in enumerate(cells)]
    lines += [([("cell", r, c) for r in range(len(cells))], ("column", c)) for c in range(len(column_totals))]
    lines.append(([("row", r) for r in range(len(cells))], ("total",)))
    lines.append(([("column", c) for c in range(len(column_totals))], ("total",)))

    def value_at(position):
        kind = position[0]
        if kind == "cell":
            return cells[position[1]][position[2]]
        if kind == "row":
            return row_totals[position[1]]
        if kind == "column":
            return column_totals[position[1]]
        return total

    changed = True
    while changed:
        changed = False
        for inner, margin in lines:
            line = [*inner, margin]
            if sum(position in hidden for position in line) != 1:
                continue
            shown = [p for p in inner if p not in hidden]
            candidates = sorted((p for p in shown if value_at(p) > 0), key=value_at) or shown
            if not candidates and margin not in hidden:
                candidates = [margin]
            if candidates:
                hidden.add(candidates[0])
                changed = True

    def show(position):
        return None if position in hidden else value_at(position)

    return (
        [[show(("cell", r, c)) for c in range(len(row))] for r, row in enumerate(cells)],
        [show(("row", r)) for r in range(len(cells))],
        [show(("column", c)) for c in range(len(column_totals))],
        show(("total",)),
    )


def suppress_counts(counts, k=5):
    """A one-line table: ({key: count or None}, total or None)."""
    keys = list(counts)
    cells, row_totals, _columns, _total = suppress_table([[counts[key] for key in keys]], k)
    return dict(zip(keys, cells[0], strict=True)), row_totals[0]


# How a hidden count reads on the page and in the CSV download (the JSON download gives null).
SUPPRESSED = _("suppressed")


def shown(value):
    """A count for the downloads: the number, or the suppressed label."""
    return str(SUPPRESSED) if value is None else value


def suppression_note(k):
    """The footnote of every report: what a suppressed cell is, and why."""
    return _(
        "Suppressed: counts from 1 to %(largest)s are not published, and where a hidden count could "
        "be worked out from a total, one more count is hidden too (it may be larger), so that no "
        "one can be identified from these figures."
    ) % {"largest": k - 1}


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


def disclosure_figures(start, end, k=None):
    """The publishable snapshot: suppressed counts only (JSON-ready), and rates safe to show."""
    k = k or threshold()
    counts = raw_counts(start, end)
    tables = {}
    for key, _title, _labels in TABLES:
        values, total = suppress_counts(counts[key], k)
        tables[key] = {"values": values, "total": total}
    return {
        "period": [start.isoformat(), end.isoformat()],
        "threshold": k,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "tables": tables,
        "rates": {
            "satisfaction": _rate(tables["satisfaction"]["values"], ["satisfied", "basically_satisfied"]),
            "on_time": _rate(tables["timeliness"]["values"], ["on_time"]),
        },
    }


# --- Pages ---------------------------------------------------------------------------------------


class DisclosureIndexPage(CachedPageMixin, Page):
    intro = models.TextField(blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.DisclosureReportPage"]

    class Meta:
        app_label = "portal"
        verbose_name = _("disclosure report index")

    def reports(self):
        return DisclosureReportPage.objects.child_of(self).live().public().order_by("-period_end", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reports"] = self.reports()
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

    def rows_for_download(self):
        for key, _title, labels in TABLES:
            table = self.figures.get("tables", {}).get(key, {"values": {}, "total": None})
            for value_key, value in in_label_order(table["values"], labels):
                yield key, value_key, str(labels.get(value_key, value_key)), shown(value)
            yield key, "total", str(_("Total")), shown(table["total"])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        figures = self.shown_figures(request)
        context["tables"] = self.tables(figures)
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
        }
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.json"'
        return response
