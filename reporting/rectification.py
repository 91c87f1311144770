"""The rectification ledger (整改臺賬): every rectification measure of the cases the user may see, one
row each, followed after the reply and after the case is closed until the measure is verified
(appeals measures §五(一)1). By default the measures not verified yet; filters for overdue, carried
out and awaiting verification, verified, or all.

Masked like the tracking ledger (reporting.ledger): the citizen's name only for a supervisor or
manager who asks (?unmask=1), every case then shown logged in the personal-data access log, on the
page and in the CSV and XLSX exports.
"""

import django_filters
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.base import ViewSet

from casework import access
from casework.admin_lists import FOLDED_COLUMN, PRIORITY_COLUMN, column, folded_cell, staff_name
from casework.models import Department, RectificationMeasure

from .ledger import NOTICE_BATCH, SCREEN_ROW_LIMIT, LedgerView, _local_date, _log_names_shown

M = RectificationMeasure.State
OPEN, OVERDUE, CARRIED_OUT, VERIFIED, ALL = "open", "overdue", "carried_out", "verified", "all"
STATES = [
    (OPEN, gettext_lazy("Not verified yet")),
    (OVERDUE, gettext_lazy("Overdue (not carried out by the deadline)")),
    (CARRIED_OUT, gettext_lazy("Carried out, awaiting verification")),
    (VERIFIED, gettext_lazy("Verified")),
    (ALL, gettext_lazy("All")),
]


def in_state(measures, state, today=None):
    today = today or timezone.localdate()
    if state == OVERDUE:
        return measures.filter(state=M.PLANNED, deadline__lt=today)
    if state == CARRIED_OUT:
        return measures.filter(state=M.CARRIED_OUT)
    if state == VERIFIED:
        return measures.filter(state=M.VERIFIED)
    if state == ALL:
        return measures
    return measures.exclude(state=M.VERIFIED)


def _visible_departments(request):
    return access.departments_visible_to(request.user) if request else Department.objects.none()


class RectificationFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("Measures"), choices=STATES, method="filter_state", empty_label=None
    )
    department = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Owner department"), queryset=_visible_departments
    )

    class Meta:
        model = RectificationMeasure
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset  # applied by the view, with the default (not verified) when none is chosen


def header():
    return [
        _("Reference"),
        _("Measure"),
        _("Stage"),
        _("Owner department"),
        _("Owner"),
        _("Deadline"),
        _("Measure state"),
        _("Overdue"),
        _("Carried out on"),
        _("Verified on"),
        _("Citizen"),
    ]


MEASURE = 1
DATES = (5, 8, 9)
FOLDED = (2, 4, 7, 8, 9, 10)


def rows(user, measures, *, unmask=False, logged_as=None):
    """The rows; with `unmask`, the names of the cases the user may see personal data of, each such
    case logged once per batch of rows (`logged_as` says where)."""
    today = timezone.localdate()
    shown, logged = [], set()
    for measure in measures:
        case = measure.case
        citizen = ""
        if unmask and access.can_see_personal_data(user, case):
            citizen = case.citizen_name
            if case.pk not in logged:
                logged.add(case.pk)
                shown.append(case)
            if len(shown) == NOTICE_BATCH:
                _log_names_shown(user, shown, logged_as)
                shown = []
        yield [
            case.reference,
            measure.description,
            str(case.get_status_display()),
            measure.department.name,
            staff_name(measure.owner),
            measure.deadline.isoformat(),
            str(measure.get_state_display()),
            _("Yes") if measure.is_overdue(today) else "",
            measure.carried_out_on.isoformat() if measure.carried_out_on else "",
            _local_date(measure.verified_at),
            citizen or access.mask_name(case.citizen_name),
        ]
    _log_names_shown(user, shown, logged_as)


class RectificationLedgerView(LedgerView):
    """The measures of the cases the user may see (bad filter input: no rows); ?format=csv or xlsx
    exports every row."""

    model = RectificationMeasure
    page_title = gettext_lazy("Rectification ledger")
    header_icon = "tick"
    filterset_class = RectificationFilterSet
    default_ordering = ("deadline", "pk")
    paginate_by = SCREEN_ROW_LIMIT
    no_results_message = gettext_lazy("No rectification measures.")
    export_filename = "rectification"
    export_sheet_title = gettext_lazy("Rectification")
    intro = gettext_lazy(
        "Measures stay here until they are verified, whether or not their case has been replied to or closed."
    )

    def get_base_queryset(self):
        visible = access.cases_visible_to(self.request.user)
        return RectificationMeasure.objects.filter(case__in=visible).select_related(
            "case", "department", "owner"
        )

    def filter_queryset(self, queryset):
        state = OPEN
        if self.filters is not None and self.filters.is_bound:
            if not self.filters.is_valid():
                return queryset.none()
            state = self.filters.form.cleaned_data.get("state") or OPEN
            queryset = self.filters.filter_queryset(queryset)
        return in_state(queryset, state)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, measures, is_paginated = super(LedgerView, self).paginate_queryset(
            queryset, page_size
        )
        measures = list(measures)
        page_rows = rows(
            self.request.user, measures, unmask=self.unmask, logged_as="rectification ledger: citizen names"
        )
        for measure, row in zip(measures, page_rows, strict=True):
            measure.ledger_row = row
        page.object_list = measures
        return paginator, page, measures, is_paginated

    @cached_property
    def columns(self):
        titles = header()
        return [
            TitleColumn(
                "reference",
                label=titles[0],
                accessor=lambda measure: measure.case.reference,
                get_url=lambda measure: reverse("casework:case_detail", args=[measure.case_id]),
                classname=PRIORITY_COLUMN % "reference",
            ),
            column(
                "measure",
                titles[MEASURE],
                lambda measure: folded_cell(
                    measure.ledger_row[MEASURE],
                    [(titles[index], measure.ledger_row[index]) for index in FOLDED],
                ),
                empty="",
                classname=PRIORITY_COLUMN % "measure",
            ),
            *(
                column(
                    f"cell{index}",
                    title,
                    lambda measure, index=index: measure.ledger_row[index],
                    empty="",
                    classname=" ".join(
                        [
                            (FOLDED_COLUMN if index in FOLDED else PRIORITY_COLUMN) % f"cell{index}",
                            *(["casework-date"] if index in DATES else []),
                        ]
                    ),
                )
                for index, title in enumerate(titles)
                if index > MEASURE
            ),
        ]

    def get_export_header(self, queryset):
        return header()

    def get_export_rows(self, queryset):
        return rows(
            self.request.user,
            queryset,
            unmask=self.unmask,
            logged_as=f"rectification ledger export ({self.export_format}): citizen names",
        )


class RectificationViewSet(ViewSet):
    """/admin/rectification/: the rectification ledger ("rectification" namespace)."""

    name = "rectification"
    icon = "tick"

    def get_urlpatterns(self):
        return [path("", RectificationLedgerView.as_view(), name="ledger")]
