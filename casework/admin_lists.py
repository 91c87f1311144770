"""The back office's lists on Wagtail's generic views.

BackOfficeIndexView is the one base of every list (cases, walk-in visits, the personal-data access
log, the ledger, stalled cases, notifications, the deletion ledger, the case search):

- the user's casework roles are checked before anything else is looked up (PermissionDenied,
  which Wagtail answers with a redirect to the dashboard), and each list starts from a queryset
  scoped to the user (access.cases_visible_to);
- its filters are a django-filter set; bad input gives no rows, never every row;
- it is rendered by the one listing template, casework/listing.html (Wagtail's generic index with
  blocks for an introduction, tabs, the filter form and a summary line) with Wagtail's table;
- its exports go through casework.exports, so every cell passes spreadsheet_safe after masking.

This module also holds the lists of casework.urls: the case list with its inboxes and CSV
export, the walk-in visit register and the personal-data access log, with their inspect views.
"""

from types import SimpleNamespace

import django_filters
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.widgets.button import HeaderButton

from appeals.estimates import about, planner_estimate

from . import access, exports, roles
from .access import masked_citizen
from .deadlines import WorkingCalendar, sla_state
from .forms import CaseFilterForm, SupervisionNoticeFilterForm
from .models import Case, CoHandling, PersonalDataAccess, StageLimits, SupervisionNotice, Visit
from .templatetags.casework_tags import masked_name
from .views import ACCESS_LOG_ROLES, INBOXES, REGISTRAR_ROLES, inbox

VISIT_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER, roles.AUDITOR)
DASH = "—"


# --- Cells ---------------------------------------------------------------------------------------


def local_time(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def staff_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def link(url, text):
    return format_html('<a href="{}">{}</a>', url, text)


def case_link(case):
    return link(reverse("casework:case_detail", args=[case.pk]), case.reference) if case else DASH


def column(name, label, accessor=None, empty=DASH, **kwargs):
    """A text column of the table; an empty cell shows `empty`."""
    col = Column(name, label=label, accessor=accessor or name, **kwargs)
    col.empty_value_display = empty
    return col


# --- Filters -------------------------------------------------------------------------------------


class FormFilterSet(django_filters.FilterSet):
    """A filter set over a plain form that filters with its own filter(queryset) and is built for
    a user (the case list's CaseFilterForm): what each filter means is written once, in the form."""

    form_class = None

    @property
    def form(self):
        if not hasattr(self, "_form"):
            data = self.data if self.is_bound else None
            self._form = self.form_class(data, prefix=self.form_prefix, user=self.request.user)
        return self._form

    def filter_queryset(self, queryset):
        return self.form.filter(queryset)


class SupervisionNoticeFilterSet(FormFilterSet):
    form_class = SupervisionNoticeFilterForm

    class Meta:
        model = SupervisionNotice
        fields = []


class CaseFilterSet(FormFilterSet):
    form_class = CaseFilterForm

    class Meta:
        model = Case
        fields = []


# --- The base views ------------------------------------------------------------------------------


def estimated_summary(context):
    """ "About N in all; the first M are listed" above a list past LIST_COUNT_LIMIT, else None."""
    estimated = getattr(context.get("paginator"), "estimated_total", None)
    if not estimated:
        return None
    return _("About %(counter)s in all; the first %(shown)s are listed.") % {
        "counter": intcomma(estimated),
        "shown": intcomma(LIST_COUNT_LIMIT),
    }


# A list counts its rows up to this many; past it, its pages stop here and its total is an estimate.
LIST_COUNT_LIMIT = 10_000


class CappedPaginator(WagtailPaginator):
    """Counts a list up to LIST_COUNT_LIMIT rows (the count stops there); past it, the pages stop at
    the limit and ``estimated_total`` is PostgreSQL's estimate of the whole, shown as "about N"."""

    estimated_total = None

    @cached_property
    def count(self):
        counted = self.object_list.order_by().values("pk")[: LIST_COUNT_LIMIT + 1].count()
        if counted <= LIST_COUNT_LIMIT:
            return counted
        estimate = planner_estimate(self.object_list)
        if estimate is None:
            # No planner to ask (SQLite, a small office's database): counted after all.
            return self.object_list.count()
        self.estimated_total = about(max(estimate, LIST_COUNT_LIMIT + 1))
        return LIST_COUNT_LIMIT


@method_decorator(never_cache, name="dispatch")
class BackOfficeIndexView(IndexView):
    """A back-office list: role check, scoped rows, django-filter filters, safe exports."""

    template_name = "casework/listing.html"
    results_template_name = "casework/listing_results.html"
    # Access goes by casework role (roles_allowed) and scoping, not by Django model permissions.
    any_permission_required = None
    permission_policy = None
    roles_allowed = access.CASEWORK_ROLES
    paginate_by = 50
    paginator_class = CappedPaginator
    page_kwarg = "p"
    # The filter form on the page shows what is chosen; Wagtail's pills would need its AJAX view.
    active_filters = []
    filter_submit_label = gettext_lazy("Filter")
    filter_role = None
    intro = ""
    tabs_label = gettext_lazy("Inboxes")
    # Exports: offered formats, the query parameter choosing one, and what the file is called.
    # The listing template shows the links beside the filters, not in Wagtail's header menu.
    show_export_buttons = False
    export_formats = ()
    export_param = "export"
    export_format = None  # set (as_view(export_format=...)) for a URL that always exports
    export_sheet_title = None

    def setup(self, request, *args, **kwargs):
        # Before anything is looked up: someone without the role learns nothing, not even a 404.
        if not access.has_role(request.user, *self.roles_allowed):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)
        if self.export_format is None:
            chosen = request.GET.get(self.export_param)
            self.export_format = chosen if chosen in self.export_formats else None
        self.is_export = self.export_format is not None

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.as_spreadsheet(self.get_queryset(), self.export_format)
        return super().get(request, *args, **kwargs)

    # Filters: bound only when the URL has a query, like the forms they replaced.

    def get_filterset_kwargs(self):
        return {"data": self.request.GET or None, "request": self.request}

    def filter_queryset(self, queryset):
        if self.filters is None or not self.filters.is_bound:
            return queryset
        if not self.filters.is_valid():
            return queryset.none()  # bad input: no rows, never every row
        return self.filters.filter_queryset(queryset)

    # Exports: one writer (casework.exports), every cell through spreadsheet_safe.

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return exports.spreadsheet_safe(value)

    def get_export_header(self, queryset):
        return [self.get_heading(queryset, field) for field in self.list_export]

    def get_export_rows(self, queryset):
        for item in queryset:
            yield [
                self.preprocess_field_value(field, value, self.export_format)
                for field, value in self.to_row_dict(item).items()
            ]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return exports.spreadsheet_response(
            spreadsheet_format,
            self.get_filename(),
            self.get_export_header(queryset),
            self.get_export_rows(queryset),
            sheet_title=self.export_sheet_title,
        )

    def get_export_url(self, format):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        query[self.export_param] = format
        return f"{self.request.path}?{query.urlencode()}"

    # The page.

    def get_index_url(self):
        return self.request.path

    def get_tabs(self):
        """[(label, url, current)] of tabs above the filters."""
        return []

    def get_filter_hidden(self):
        """[(name, value)] kept when the filter form is sent."""
        return []

    def get_summary(self, context):
        return estimated_summary(context) or ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        export_labels = {exports.CSV: _("Export CSV"), exports.XLSX: _("Export XLSX")}
        context.update(
            {
                "intro": self.intro,
                "tabs": self.get_tabs(),
                "tabs_label": self.tabs_label,
                "filter_form": self.filters.form if self.filters else None,
                "filter_hidden": self.get_filter_hidden(),
                "filter_submit_label": self.filter_submit_label,
                "filter_role": self.filter_role,
                "export_links": [(export_labels[f], self.get_export_url(f)) for f in self.export_formats],
                "summary": self.get_summary(context),
            }
        )
        return context


@method_decorator(never_cache, name="dispatch")
class BackOfficeInspectView(InspectView):
    """A read-only record of a back-office list: the same roles and scoping as its list, and only
    what get_inspect_fields gives (personal data masked as in the list)."""

    any_permission_required = None
    permission_policy = None
    roles_allowed = access.CASEWORK_ROLES

    def setup(self, request, *args, **kwargs):
        if not access.has_role(request.user, *self.roles_allowed):
            raise PermissionDenied
        super().setup(request, *args, **kwargs)

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.pk)

    def get_page_subtitle(self):
        return str(self.object)

    def get_inspect_fields(self, obj):
        """[(label, value)]; a value may be HTML made with format_html."""
        raise NotImplementedError

    def get_fields_context(self):
        return [
            {"label": label, "value": DASH if value in (None, "") else value, "component": None}
            for label, value in self.get_inspect_fields(self.object)
        ]


# --- Cases ---------------------------------------------------------------------------------------


def due_cell(case):
    """The due date with the deadline state (or the paused clock) as a coloured label."""
    due = case.due_date.strftime("%Y-%m-%d") if case.due_date else DASH
    if case.is_paused:
        return format_html('{} <span class="sla sla--paused">{}</span>', due, _("Clock paused"))
    state = case.listing_sla
    if state:
        return format_html('{} <span class="sla sla--{}">{}</span>', due, state.value, state.label)
    return due


def department_cell(case):
    """The lead department, and the co-handling tasks of the reader's departments with their state."""
    lead = str(case.department) if case.department_id else DASH
    rows = getattr(case, "listing_co_handlings", ())
    if not rows:
        return lead
    return format_html(
        "{}{}",
        lead,
        format_html_join(
            "",
            '<br><span class="sla sla--{}">{}</span>',
            (
                (
                    "overdue" if row.state() == CoHandling.State.OVERDUE else "on_time",
                    _("Co-handling (%(department)s): %(state)s, due %(date)s")
                    % {
                        "department": row.department.name,
                        "state": row.state_label(),
                        "date": row.due_on.isoformat(),
                    },
                )
                for row in rows
            ),
        ),
    )


# Column classes for narrow screens (casework/_styles.html): priority columns stay on a phone, folded
# ones are hidden there and shown inside the row's "More" details instead.
PRIORITY_COLUMN = "casework-col casework-col--%s"
FOLDED_COLUMN = "casework-col casework-col--folded casework-col--%s"


def folded_cell(value, folded):
    """A cell's value with the row's folded columns in a details element, shown on narrow screens."""
    return format_html(
        '{}<details class="casework-more"><summary>{}</summary><dl>{}</dl></details>',
        value,
        _("More"),
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", folded),
    )


def citizen_cell(case):
    return f"{case.listing_citizen['name'] or DASH} {case.listing_citizen['phone']}"


def reference_cell(case):
    if case.is_major:
        return format_html('{} <span class="w-status">{}</span>', case.reference, _("Major"))
    return case.reference


def inbox_name(value):
    """The inbox a query string asks for; "My tasks" when it names none or an unknown one."""
    return value if value in dict(INBOXES) else "mine"


def inbox_cases(user, name):
    """The cases of one inbox among those the user may see: where the case list starts."""
    return inbox(access.cases_visible_to(user), inbox_name(name), user)


def listed_cases(user, query):
    """The cases the case list shows for a query string (a QueryDict: inbox and filters), as the
    list itself finds them; bad filter input gives no rows, as in the list."""
    cases = inbox_cases(user, query.get("inbox"))
    filters = CaseFilterSet(data=query, request=SimpleNamespace(user=user))
    if not filters.is_valid():
        return cases.none()
    return filters.filter_queryset(cases)


def capped_count(queryset):
    """The number of rows, counted as the lists count them: up to LIST_COUNT_LIMIT + 1 (one COUNT)."""
    return queryset.order_by().values("pk")[: LIST_COUNT_LIMIT + 1].count()


class CaseIndexView(BackOfficeIndexView):
    """The cases of one inbox among those the user may see, filtered; 50 a page; the citizen masked.

    As case_export (export_format "csv"): the same inbox, filters and scoping, every row, as CSV.
    """

    model = Case
    page_title = gettext_lazy("Cases")
    header_icon = "folder-open-inverse"
    filterset_class = CaseFilterSet
    default_ordering = ("due_date", "-received_at")
    no_results_message = gettext_lazy("No cases here.")
    export_formats = (exports.CSV,)
    export_filename = "cases"

    @cached_property
    def current_inbox(self):
        return inbox_name(self.request.GET.get("inbox"))

    def get_base_queryset(self):
        return inbox_cases(self.request.user, self.current_inbox).select_related("department", "handler")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, cases, is_paginated = super().paginate_queryset(queryset, page_size)
        # One calendar and one settings read for the whole page, not one per row.
        limits = StageLimits.load(self.request)
        calendar = WorkingCalendar(timezone.localdate())
        cases = list(cases)
        co_handlings = {}
        own = access.department_ids(self.request.user)
        if own:
            # The tasks of the reader's departments on this page's cases (one query), with their state.
            for row in CoHandling.objects.filter(case__in=cases, department_id__in=own).select_related(
                "department"
            ):
                co_handlings.setdefault(row.case_id, []).append(row)
        for case in cases:
            case.listing_citizen = masked_citizen(case)
            case.listing_sla = sla_state(case, limits=limits, calendar=calendar)
            case.listing_co_handlings = co_handlings.get(case.pk, ())
        page.object_list = cases
        return paginator, page, cases, is_paginated

    @cached_property
    def columns(self):
        # On a phone the priority columns stay (reference, subject, status, due); the others are
        # hidden and their values folded into the subject cell (casework/_styles.html).
        return [
            TitleColumn(
                "reference",
                label=_("Reference"),
                accessor=reference_cell,
                get_url=lambda case: reverse("casework:case_detail", args=[case.pk]),
                classname=PRIORITY_COLUMN % "reference",
            ),
            column(
                "subject",
                _("Subject"),
                lambda case: folded_cell(Truncator(case.subject).chars(40), self.folded_values(case)),
                classname=PRIORITY_COLUMN % "subject",
            ),
            column("category", _("Category"), "get_category_display", classname=FOLDED_COLUMN % "category"),
            column("channel", _("Channel"), "get_channel_display", classname=FOLDED_COLUMN % "channel"),
            column("status", _("Status"), "get_status_display", classname=PRIORITY_COLUMN % "status"),
            column("department", _("Department"), department_cell, classname=FOLDED_COLUMN % "department"),
            column(
                "handler",
                _("Handler"),
                lambda case: staff_name(case.handler),
                classname=FOLDED_COLUMN % "handler",
            ),
            column("citizen", _("Citizen"), citizen_cell, classname=FOLDED_COLUMN % "citizen"),
            column("due", _("Due"), due_cell, classname=PRIORITY_COLUMN % "due"),
        ]

    def folded_values(self, case):
        return [
            (_("Category"), case.get_category_display()),
            (_("Channel"), case.get_channel_display()),
            (_("Department"), department_cell(case)),
            (_("Handler"), staff_name(case.handler) or DASH),
            (_("Citizen"), citizen_cell(case)),
        ]

    @cached_property
    def header_buttons(self):
        if not access.has_role(self.request.user, *REGISTRAR_ROLES):
            return []
        return [HeaderButton(_("Register a case"), url=reverse("casework:case_register"), icon_name="plus")]

    def get_tabs(self):
        return [(label, f"?inbox={key}", key == self.current_inbox) for key, label in INBOXES]

    def get_filter_hidden(self):
        return [("inbox", self.current_inbox)]

    def get_export_url(self, format):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        return f"{reverse('casework:case_export')}?{query.urlencode() or f'inbox={self.current_inbox}'}"

    def get_summary(self, context):
        if estimated := estimated_summary(context):
            return estimated
        count = context["items_count"]
        return ngettext("%(counter)s case", "%(counter)s cases", count) % {"counter": count}

    def get_export_header(self, queryset):
        return [
            _("Reference"),
            _("Received"),
            _("Category"),
            _("Channel"),
            _("Status"),
            _("Department"),
            _("Handler"),
            _("Subject"),
            _("Citizen"),
            _("Due"),
            _("Deadline"),
        ]

    def get_export_rows(self, queryset):
        limits = StageLimits.load(self.request)
        calendar = WorkingCalendar(timezone.localdate())
        for case in queryset.iterator(chunk_size=2000):
            state = sla_state(case, limits=limits, calendar=calendar)
            yield [
                case.reference,
                local_time(case.received_at),
                case.get_category_display(),
                case.get_channel_display(),
                case.get_status_display(),
                case.department.name if case.department else "",
                staff_name(case.handler),
                case.subject,
                access.mask_name(case.citizen_name),
                case.due_date.isoformat() if case.due_date else "",
                state.label if state else "",
            ]


# --- Walk-in visits ------------------------------------------------------------------------------


class VisitIndexView(BackOfficeIndexView):
    """The walk-in register, newest first; the visitors' names masked."""

    model = Visit
    roles_allowed = VISIT_ROLES
    page_title = gettext_lazy("Walk-in visits")
    header_icon = "group"
    inspect_url_name = "casework:visit_inspect"
    no_results_message = gettext_lazy("No visits registered yet.")

    def get_base_queryset(self):
        return Visit.objects.select_related("officer", "case")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "visited_at",
                label=_("Time of visit"),
                accessor=lambda visit: local_time(visit.visited_at),
                get_url=self.get_inspect_url,
            ),
            column(
                "visitors",
                _("Visitors"),
                lambda visit: f"{visit.visitor_count} · {masked_name(visit.visitor_names)}",
            ),
            column("reason", _("Reason"), lambda visit: Truncator(visit.reason).chars(60)),
            column("officer", _("Reception officer"), lambda visit: staff_name(visit.officer)),
            column("case", _("Case"), lambda visit: case_link(visit.case)),
        ]

    @cached_property
    def header_buttons(self):
        if not access.has_role(self.request.user, *REGISTRAR_ROLES):
            return []
        return [HeaderButton(_("Register a visit"), url=reverse("casework:visit_create"), icon_name="plus")]


class VisitInspectView(BackOfficeInspectView):
    """One visit as the register shows it, in full: names masked, contacts and ID numbers left out."""

    model = Visit
    roles_allowed = VISIT_ROLES
    index_url_name = "casework:visit_index"

    def get_queryset(self):
        return Visit.objects.select_related("officer", "case")

    def get_page_subtitle(self):
        return local_time(self.object.visited_at)

    def get_inspect_fields(self, visit):
        return [
            (_("Time of visit"), local_time(visit.visited_at)),
            (_("Number of visitors"), visit.visitor_count),
            (_("Visitors"), masked_name(visit.visitor_names)),
            (_("Reason"), visit.reason),
            (_("Outcome"), visit.outcome),
            (_("Reception officer"), staff_name(visit.officer)),
            (_("Confirmed by the visitor"), _("Yes") if visit.visitor_confirmed else _("No")),
            (_("Case"), case_link(visit.case)),
            (_("Print"), self.print_links(visit)),
        ]

    @staticmethod
    def print_links(visit):
        links = [(reverse("registers:visit_register", args=[visit.pk]), _("Print the filled register"))]
        if visit.case_id:
            links.append((reverse("registers:slip", args=[visit.case_id]), _("Print the visitor's slip")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Print the filled register"),
                url=reverse("registers:visit_register", args=[self.object.pk]),
                icon_name="doc-full",
            )
        ]


# --- Personal-data access log --------------------------------------------------------------------


def access_log_row(record):
    return {
        "accessed_at": local_time(record.accessed_at, "%Y-%m-%d %H:%M:%S"),
        "user": record.user.get_username() if record.user else "",
        "case": record.case.reference if record.case else "",
        "what": record.what,
    }


class AccessLogView(BackOfficeIndexView):
    """Who saw which case's personal data, newest first, for auditors and supervisors."""

    model = PersonalDataAccess
    roles_allowed = ACCESS_LOG_ROLES
    paginate_by = 100
    page_title = gettext_lazy("Personal data access log")
    header_icon = "view"
    inspect_url_name = "casework:access_record"
    no_results_message = gettext_lazy("Nothing has been viewed yet.")
    export_formats = exports.FORMATS
    export_filename = "personal-data-access-log"
    list_export = ["accessed_at", "user", "case", "what"]
    export_headings = {
        "accessed_at": gettext_lazy("Time"),
        "user": gettext_lazy("Staff member"),
        "case": gettext_lazy("Case"),
        "what": gettext_lazy("What was shown"),
    }

    def get_base_queryset(self):
        return PersonalDataAccess.objects.select_related("user", "case")

    def to_row_dict(self, record):
        return access_log_row(record)

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "accessed_at",
                label=self.export_headings["accessed_at"],
                accessor=lambda record: access_log_row(record)["accessed_at"],
                get_url=self.get_inspect_url,
            ),
            *(
                column(
                    name, self.export_headings[name], lambda record, name=name: access_log_row(record)[name]
                )
                for name in ("user", "case")
            ),
            column("what", self.export_headings["what"], empty=""),
        ]


class AccessRecordInspectView(BackOfficeInspectView):
    model = PersonalDataAccess
    roles_allowed = ACCESS_LOG_ROLES
    index_url_name = "casework:access_log"

    def get_queryset(self):
        return PersonalDataAccess.objects.select_related("user", "case")

    def get_inspect_fields(self, record):
        row = access_log_row(record)
        return [(AccessLogView.export_headings[name], row[name]) for name in AccessLogView.list_export]


# --- Supervision notices -------------------------------------------------------------------------


def notice_row(notice):
    """One notice as the list and its exports show it: no personal data of the citizen."""
    return {
        "case": notice.case.reference,
        "issued_at": local_time(notice.issued_at),
        "issued_by": staff_name(notice.issued_by) if notice.issued_by_id else _("Supervision round"),
        "department": notice.department.name if notice.department_id else "",
        "level": notice.level,
        "text": notice.text,
        "respond_by": notice.respond_by.isoformat() if notice.respond_by else "",
        "state": notice.state_label(),
        "escalations": notice.escalations,
        "answered_at": local_time(notice.answered_at),
        "answered_by": staff_name(notice.answered_by),
        "response": notice.response,
        "expected_completion": notice.expected_completion.isoformat() if notice.expected_completion else "",
    }


class SupervisionNoticeIndexView(BackOfficeIndexView):
    """Every 督辦 notice, the round's and the supervisors', newest first, of the cases the user sees:
    supervisors, managers and auditors all of them, department staff their departments'."""

    model = SupervisionNotice
    page_title = gettext_lazy("Supervision notices")
    header_icon = "warning"
    filterset_class = SupervisionNoticeFilterSet
    no_results_message = gettext_lazy("No supervision notices.")
    export_formats = exports.FORMATS
    export_filename = "supervision-notices"
    export_sheet_title = gettext_lazy("Supervision notices")
    list_export = [
        "case",
        "issued_at",
        "issued_by",
        "department",
        "level",
        "text",
        "respond_by",
        "state",
        "escalations",
        "answered_at",
        "answered_by",
        "response",
        "expected_completion",
    ]
    export_headings = {
        "case": gettext_lazy("Case"),
        "issued_at": gettext_lazy("Issued"),
        "issued_by": gettext_lazy("Issued by"),
        "department": gettext_lazy("Department"),
        "level": gettext_lazy("Level"),
        "text": gettext_lazy("Reason"),
        "respond_by": gettext_lazy("Answer required by"),
        "state": gettext_lazy("Notice"),
        "escalations": gettext_lazy("Escalations"),
        "answered_at": gettext_lazy("Answered"),
        "answered_by": gettext_lazy("Answered by"),
        "response": gettext_lazy("Progress made"),
        "expected_completion": gettext_lazy("Expected completion"),
    }

    def get_base_queryset(self):
        visible = access.cases_visible_to(self.request.user)
        return (
            SupervisionNotice.objects.filter(case__in=visible)
            .select_related("case", "department", "issued_by", "answered_by")
            .order_by("-issued_at", "-pk")
        )

    def to_row_dict(self, notice):
        return notice_row(notice)

    @cached_property
    def columns(self):
        def cell(name):
            return lambda notice: notice_row(notice)[name]

        return [
            column("case", self.export_headings["case"], lambda notice: case_link(notice.case)),
            *(
                column(name, self.export_headings[name], cell(name))
                for name in (
                    "issued_at",
                    "issued_by",
                    "department",
                    "respond_by",
                    "state",
                    "escalations",
                    "answered_at",
                    "expected_completion",
                )
            ),
        ]
