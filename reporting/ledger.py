"""The ledger (臺賬): every open case with its stage, department, handler, deadline and notices;
with it, the stalled cases and the notification log (failed notifications, or one case's).

Scoped like every back-office listing (access.cases_visible_to). The citizen's name is masked on the
page and in its CSV and XLSX exports (casework.exports) unless a supervisor or manager asks for the
names (?unmask=1); every page or export then showing names is logged, one access record per case
shown (access.log_personal_data_access). The views are Wagtail generic views (casework.admin_lists), registered as one
viewset (LedgerViewSet, "ledger" namespace) from casework.wagtail_hooks.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton

from casework import access, exports, roles
from casework.admin_lists import (
    FOLDED_COLUMN,
    PRIORITY_COLUMN,
    BackOfficeIndexView,
    BackOfficeInspectView,
    case_link,
    column,
    folded_cell,
    local_time,
)
from casework.deadlines import WorkingCalendar, filter_by_sla, sla_state
from casework.models import (
    OPEN_STATUSES,
    Case,
    Department,
    OutboxMessage,
    PersonalDataAccess,
    SLAState,
    StageLimits,
    SupervisionNotice,
)
from notifications import replies
from reception import agreements

# Rows a back-office listing shows on one screen, as the case list does. More make the page slow
# (500 rows took over 200 ms at 5,000 cases) and nobody reads them: the filters narrow a listing,
# the pages go on, and the ledger's CSV and XLSX exports carry every row.
SCREEN_ROW_LIMIT = 50
STALLED_DAYS = 14

# Who may ask the ledger for citizens' names: those following cases across departments up to their
# end (supervision, management). Auditors check the handling, not the people; handlers and intake
# have the case page for the one citizen they deal with. Both the role and the request are needed:
# nobody sees the names by default.
UNMASK_ROLES = (roles.SUPERVISOR, roles.MANAGER)
UNMASK_PARAM = "unmask"


def may_unmask(user):
    return access.has_role(user, *UNMASK_ROLES)


def wants_names(request):
    """Names only for a permitted role that asked for them; anyone else's ?unmask=1 is ignored."""
    return request.GET.get(UNMASK_PARAM) == "1" and may_unmask(request.user)


# --- The ledger ----------------------------------------------------------------------------------


def _visible_departments(request):
    return access.departments_visible_to(request.user) if request else Department.objects.none()


class LedgerFilterSet(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Department"), queryset=_visible_departments
    )
    sla = django_filters.ChoiceFilter(
        label=gettext_lazy("Deadline"), choices=SLAState.choices, method="filter_sla"
    )

    class Meta:
        model = Case
        fields = []

    def filter_sla(self, queryset, name, value):
        return filter_by_sla(queryset, value)


def header():
    # Each label distinct in every language: "Due" and "Deadline" both read 期限 in Chinese.
    return [
        _("Reference"),
        _("Subject"),
        _("Received on"),
        _("Category"),
        _("Stage"),
        _("Department"),
        _("Handler"),
        _("Due date"),
        _("Timeliness"),
        _("Replied on"),
        _("Satisfaction"),
        _("Supervision notices"),
        _("Citizen"),
    ]


# Positions in header(): the subject, the dates (kept on one line), and the columns a phone folds
# into the row's details (all but reference, subject, stage and due date).
SUBJECT = 1
LEDGER_DATES = (2, 7, 9)
LEDGER_FOLDED = (2, 3, 5, 6, 8, 9, 10, 11, 12)


# Supervision notices are counted for the rows being shown or exported, a batch at a time: counting
# them for every open case in one grouped query made the first screen wait for all of them.
NOTICE_BATCH = 500


def _with_notice_counts(cases):
    """The cases with `notice_count` set, counted a batch at a time."""
    batch = []
    for case in cases:
        batch.append(case)
        if len(batch) == NOTICE_BATCH:
            yield from _counted(batch)
            batch = []
    yield from _counted(batch)


def _counted(batch):
    counts = dict(
        SupervisionNotice.objects.filter(case_id__in=[case.pk for case in batch])
        .values_list("case_id")
        .annotate(n=Count("pk"))
    )
    for case in batch:
        case.notice_count = counts.get(case.pk, 0)
        yield case


def rows(user, cases, *, unmask=False, logged_as=None):
    """The ledger's rows; with `unmask`, the names of the cases the user may see personal data of,
    each such case logged (`logged_as` says where) a batch at a time as the rows are made."""
    limits = StageLimits.load()
    calendar = WorkingCalendar(timezone.localdate())
    shown = []
    for case in _with_notice_counts(cases):
        state = sla_state(case, limits=limits, calendar=calendar)
        citizen = ""
        if unmask and access.can_see_personal_data(user, case):
            citizen = case.citizen_name
            shown.append(case)
            if len(shown) == NOTICE_BATCH:
                _log_names_shown(user, shown, logged_as)
                shown = []
        yield [
            case.reference,
            case.subject,
            _local_date(case.received_at),
            str(case.get_category_display()),
            str(case.get_status_display()),
            case.department.name if case.department else "",
            (case.handler.get_full_name() or case.handler.get_username()) if case.handler else "",
            case.due_date.isoformat() if case.due_date else "",
            str(state.label) if state else "",
            _local_date(case.replied_at),
            str(case.get_satisfaction_display()) if case.satisfaction else "",
            case.notice_count,
            citizen or access.mask_name(case.citizen_name),
        ]
    _log_names_shown(user, shown, logged_as)


def _log_names_shown(user, cases, what):
    """One access record per case whose citizen's name was shown, as access.log_personal_data_access
    writes them, in one insert."""
    now = timezone.now()
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(user=user, case=case, accessed_at=now, what=str(what)[:200]) for case in cases
    )


def _local_date(moment):
    return timezone.localtime(moment).date().isoformat() if moment else ""


class LedgerView(BackOfficeIndexView):
    """The open cases the user may see, filtered by department and deadline (bad input: no rows);
    ?format=csv or ?format=xlsx exports every row."""

    model = Case
    page_title = gettext_lazy("Ledger of open cases")
    header_icon = "list-ul"
    filterset_class = LedgerFilterSet
    default_ordering = ("due_date", "reference")
    paginate_by = SCREEN_ROW_LIMIT
    no_results_message = gettext_lazy("No open cases.")
    export_param = "format"
    export_formats = exports.FORMATS
    export_filename = "ledger"
    export_sheet_title = gettext_lazy("Ledger")

    @cached_property
    def unmask(self):
        return wants_names(self.request)

    def get(self, request, *args, **kwargs):
        # Names asked for by a permitted role that has not accepted the confidentiality agreement:
        # refused with the reason, on the screen and for an export alike, never silently masked.
        if self.unmask and not access.has_accepted_confidentiality(request.user):
            query = request.GET.copy()
            query.pop(UNMASK_PARAM, None)
            query.pop(self.export_param, None)
            back = f"{request.path}?{query.urlencode()}" if query else request.path
            return agreements.refuse(
                request,
                _(
                    "Citizens' names are shown only to staff who have accepted the current confidentiality agreement."
                ),
                back,
            )
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        visible = access.cases_visible_to(self.request.user).filter(status__in=OPEN_STATUSES)
        return visible.select_related("department", "handler")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, cases, is_paginated = super().paginate_queryset(queryset, page_size)
        cases = list(cases)
        page_rows = rows(self.request.user, cases, unmask=self.unmask, logged_as="ledger: citizen names")
        for case, row in zip(cases, page_rows, strict=True):
            case.ledger_row = row
        page.object_list = cases
        return paginator, page, cases, is_paginated

    @cached_property
    def header_buttons(self):
        """Show or hide the names: a link keeping the filters, offered only to the roles allowed."""
        if not may_unmask(self.request.user):
            return []
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        if self.unmask:
            query.pop(UNMASK_PARAM, None)
            label, icon = _("Hide citizens' names"), "hidden"
        else:
            query[UNMASK_PARAM] = "1"
            label, icon = _("Show citizens' names"), "view"
        return [HeaderButton(label, url=f"{self.request.path}?{query.urlencode()}", icon_name=icon)]

    def get_filter_hidden(self):
        return [(UNMASK_PARAM, "1")] if self.unmask else []

    def get_export_url(self, format):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        if not self.unmask:
            query.pop(UNMASK_PARAM, None)
        query[self.export_param] = format
        return f"{self.request.path}?{query.urlencode()}"

    def get_summary(self, context):
        summary = super().get_summary(context)
        if self.unmask:
            notice = _(
                "Citizens' names are shown; each case shown is recorded in the personal data access log."
            )
            return f"{summary} {notice}" if summary else notice
        return summary

    @cached_property
    def columns(self):
        titles = header()
        return [
            TitleColumn(
                "reference",
                label=titles[0],
                accessor="reference",
                get_url=lambda case: reverse("casework:case_detail", args=[case.pk]),
                classname=PRIORITY_COLUMN % "reference",
            ),
            column(
                "subject",
                titles[SUBJECT],
                lambda case: folded_cell(
                    case.ledger_row[SUBJECT],
                    [(titles[index], case.ledger_row[index]) for index in LEDGER_FOLDED],
                ),
                empty="",
                classname=PRIORITY_COLUMN % "subject",
            ),
            *(
                column(
                    f"cell{index}",
                    title,
                    lambda case, index=index: case.ledger_row[index],
                    empty="",
                    classname=" ".join(
                        [
                            (FOLDED_COLUMN if index in LEDGER_FOLDED else PRIORITY_COLUMN) % f"cell{index}",
                            *(["casework-date"] if index in LEDGER_DATES else []),
                        ]
                    ),
                )
                for index, title in enumerate(titles)
                if index > SUBJECT
            ),
        ]

    def get_export_header(self, queryset):
        return header()

    def get_export_rows(self, queryset):
        return rows(
            self.request.user,
            queryset,
            unmask=self.unmask,
            logged_as=f"ledger export ({self.export_format}): citizen names",
        )


# --- Stalled cases -------------------------------------------------------------------------------


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class StalledFilterSet(django_filters.FilterSet):
    days = IntegerFilter(
        label=gettext_lazy("No event for (days)"),
        method="filter_days",
        min_value=1,
        max_value=365,
        initial=STALLED_DAYS,
    )

    class Meta:
        model = Case
        fields = []

    def filter_days(self, queryset, name, value):
        return queryset  # applied by StalledView, with the default when no valid value is given


def _open_with_last_event(cases):
    return (
        cases.filter(status__in=OPEN_STATUSES)
        .annotate(last_event=Max("events__created_at"))
        .select_related("department", "handler")
        .order_by("last_event")
    )


def _no_event_for(cases, days, now=None):
    return cases.filter(last_event__lt=(now or timezone.now()) - timedelta(days=days))


def stalled_cases(user, days, now=None):
    """Open cases the user may see with nothing on their timeline for `days` days."""
    return _no_event_for(_open_with_last_event(access.cases_visible_to(user)), days, now)


class StalledView(BackOfficeIndexView):
    """Open cases with nothing on their timeline for N days (14 unless valid), for supervisors and
    managers."""

    model = Case
    roles_allowed = (roles.SUPERVISOR, roles.MANAGER)
    page_title = gettext_lazy("Stalled cases")
    header_icon = "warning"
    filterset_class = StalledFilterSet
    paginate_by = SCREEN_ROW_LIMIT
    no_results_message = gettext_lazy("No stalled cases.")

    def get_base_queryset(self):
        return _open_with_last_event(access.cases_visible_to(self.request.user))

    def order_queryset(self, queryset):
        return queryset  # by the last event, oldest first

    def filter_queryset(self, queryset):
        days = STALLED_DAYS
        if self.filters.is_bound and self.filters.is_valid():
            days = self.filters.form.cleaned_data.get("days") or STALLED_DAYS
        return _no_event_for(queryset, days)

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "reference",
                label=_("Reference"),
                accessor="reference",
                get_url=lambda case: reverse("casework:case_detail", args=[case.pk]),
            ),
            column("status", _("Stage"), "get_status_display"),
            column("department", _("Department")),
            column("handler", _("Handler"), lambda case: case.handler.get_username() if case.handler else ""),
            column("last_event", _("Last event"), lambda case: local_time(case.last_event)),
        ]


# --- Notifications -------------------------------------------------------------------------------


def recipient(message):
    return message.user.get_username() if message.user else message.get_recipient_kind_display()


def masked_address(message):
    return replies.masked_address(message)


def _visible_messages(user):
    return OutboxMessage.objects.filter(case__in=access.cases_visible_to(user)).select_related(
        "case", "user", "letter"
    )


def delivery(message):
    """How far the message went: sent (for a letter: handed to the post room), and posted."""
    sent = format_html("{} {}", message.get_status_display(), local_time(message.sent_at))
    letter = getattr(message, "letter", None)
    if letter is not None and letter.posted_at:
        return format_html("{} · {} {}", sent, letter.get_state_display(), local_time(letter.posted_at))
    if letter is not None:
        return format_html("{} · {}", sent, letter.get_state_display())
    return sent


class OutboxView(BackOfficeIndexView):
    """Messages of the cases the user may see: one case's notification log (a case out of reach
    is a 404), or every failure."""

    model = OutboxMessage
    header_icon = "mail"
    default_ordering = "-created_at"
    paginate_by = SCREEN_ROW_LIMIT
    inspect_url_name = "ledger:outbox_message"
    no_results_message = gettext_lazy("No notifications.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.case = None
        if kwargs.get("case_pk") is not None:
            self.case = get_object_or_404(access.cases_visible_to(request.user), pk=kwargs["case_pk"])

    def get_page_title(self):
        if self.case is not None:
            return _("Notifications of case %(reference)s") % {"reference": self.case.reference}
        return _("Failed notifications")

    def get_base_queryset(self):
        messages = _visible_messages(self.request.user)
        if self.case is not None:
            return messages.filter(case=self.case)
        return messages.filter(status=OutboxMessage.State.FAILED)

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "created_at",
                label=_("Queued"),
                accessor=lambda message: local_time(message.created_at),
                get_url=self.get_inspect_url,
            ),
            column("case", _("Case"), lambda message: case_link(message.case)),
            column("template", _("Message")),
            column("recipient", _("Recipient"), recipient),
            column("channel", _("Channel"), "get_channel_display"),
            column("status", _("Status"), delivery),
            column("attempts", _("Attempts")),
            column("last_error", _("Last error"), empty=""),
        ]


class OutboxMessageInspectView(BackOfficeInspectView):
    """One message of a case the user may see; the address masked, the message's data left out."""

    model = OutboxMessage
    index_url_name = "ledger:outbox_failed"

    def get_queryset(self):
        return _visible_messages(self.request.user)

    def get_inspect_fields(self, message):
        return [
            (_("Queued"), local_time(message.created_at)),
            (_("Case"), case_link(message.case)),
            (_("Message"), message.template),
            (_("Recipient"), recipient(message)),
            (_("Address"), masked_address(message)),
            (_("Channel"), message.get_channel_display()),
            (_("Status"), message.get_status_display()),
            (_("Attempts"), message.attempts),
            (_("Next attempt"), local_time(message.next_attempt_at)),
            (_("Sent"), delivery(message)),
            (_("Last error"), message.last_error),
        ]


# --- Registration --------------------------------------------------------------------------------


class LedgerViewSet(ViewSet):
    """/admin/ledger/: the ledger, stalled cases and the notification log ("ledger" namespace)."""

    name = "ledger"
    icon = "list-ul"

    def get_urlpatterns(self):
        return [
            path("", LedgerView.as_view(), name="ledger"),
            path("outbox/failed/", OutboxView.as_view(), name="outbox_failed"),
            path("outbox/case/<int:case_pk>/", OutboxView.as_view(), name="case_notifications"),
            path("outbox/<int:pk>/", OutboxMessageInspectView.as_view(), name="outbox_message"),
            path("stalled/", StalledView.as_view(), name="stalled"),
        ]
