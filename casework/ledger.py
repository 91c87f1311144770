"""The ledger (臺賬): every open case with its stage, department, handler, deadline and notices.

Scoped like every back-office listing (access.cases_visible_to), with the citizen's name masked
unless the user may see the case's personal data; exported as CSV or XLSX.

Every spreadsheet the back office hands out goes through spreadsheet_safe / xlsx_row here, after
masking: a masked value can start a formula too ("=2+5" masks to "=**5").
"""

import csv
import io
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from wagtail.admin.auth import require_admin_access

from . import access, roles
from .deadlines import WorkingCalendar, filter_by_sla, sla_state
from .models import OPEN_STATUSES, Department, OutboxMessage, SLAState, StageLimits

# Rows a back-office listing shows on screen. More would make the page slow and nobody reads them:
# the filters narrow a listing, and the ledger's CSV and XLSX exports carry every row.
SCREEN_ROW_LIMIT = 500


class LedgerFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none(), required=False
    )
    sla = forms.ChoiceField(
        label=gettext_lazy("Deadline"), choices=[("", "---------"), *SLAState.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = access.departments_visible_to(user)


def open_cases(user, data=None):
    """The open cases the user may see, filtered by the ledger's form (bad input: no rows)."""
    cases = access.cases_visible_to(user).filter(status__in=OPEN_STATUSES)
    form = LedgerFilterForm(data or None, user=user)
    if form.is_bound:
        if not form.is_valid():
            return form, cases.none()
        if form.cleaned_data["department"]:
            cases = cases.filter(department=form.cleaned_data["department"])
        if form.cleaned_data["sla"]:
            cases = filter_by_sla(cases, form.cleaned_data["sla"])
    cases = (
        cases.select_related("department", "handler")
        .annotate(notice_count=Count("supervision_notices"))
        .order_by("due_date", "reference")
    )
    return form, cases


def header():
    return [
        _("Reference"),
        _("Subject"),
        _("Stage"),
        _("Department"),
        _("Handler"),
        _("Due"),
        _("Deadline"),
        _("Supervision notices"),
        _("Citizen"),
    ]


def rows(user, cases):
    limits = StageLimits.load()
    calendar = WorkingCalendar(timezone.localdate())
    for case in cases:
        state = sla_state(case, limits=limits, calendar=calendar)
        citizen = case.citizen_name if access.can_see_personal_data(user, case) else ""
        yield [
            case.reference,
            case.subject,
            str(case.get_status_display()),
            case.department.name if case.department else "",
            (case.handler.get_full_name() or case.handler.get_username()) if case.handler else "",
            case.due_date.isoformat() if case.due_date else "",
            str(state.label) if state else "",
            case.notice_count,
            citizen or access.mask_name(case.citizen_name),
        ]


# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection);
# tab and carriage return because some programs skip them before looking for the others.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The value as a cell a spreadsheet shows as text: text that could start a formula gets a '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row):
    return [spreadsheet_safe(value) for value in row]


def xlsx_row(sheet, row):
    """Cells for sheet.append: text is typed as a string, which openpyxl never writes as a formula."""
    cells = []
    for value in safe_row(row):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def as_csv(user, cases):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ledger.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(safe_row(header()))
    writer.writerows(safe_row(row) for row in rows(user, cases))
    return response


def as_xlsx(user, cases):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Ledger"))
    sheet.append(xlsx_row(sheet, header()))
    for row in rows(user, cases):
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="ledger.xlsx"'
    return response


@never_cache
@require_admin_access
def ledger(request):
    if not access.is_casework_staff(request.user):
        raise PermissionDenied
    form, cases = open_cases(request.user, request.GET.copy() if request.GET else None)
    export = request.GET.get("format")
    if export == "csv":
        return as_csv(request.user, cases)
    if export == "xlsx":
        return as_xlsx(request.user, cases)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "casework/ledger.html",
        {
            "form": form,
            "header": header(),
            "rows": list(rows(request.user, cases[:SCREEN_ROW_LIMIT])),
            "query": query.urlencode(),
        },
    )


def _require_casework(user):
    if not access.is_casework_staff(user):
        raise PermissionDenied


@never_cache
@require_admin_access
def outbox(request, case_pk=None):
    """Messages of the cases the user may see: one case's notification log, or every failure."""
    _require_casework(request.user)
    messages = OutboxMessage.objects.filter(case__in=access.cases_visible_to(request.user))
    case = None
    if case_pk is not None:
        case = get_object_or_404(access.cases_visible_to(request.user), pk=case_pk)
        messages = messages.filter(case=case)
        title = _("Notifications of case %(reference)s") % {"reference": case.reference}
    else:
        messages = messages.filter(status=OutboxMessage.State.FAILED)
        title = _("Failed notifications")
    messages = messages.select_related("case", "user").order_by("-created_at")[:SCREEN_ROW_LIMIT]
    return render(
        request, "casework/outbox.html", {"title": title, "outbox_messages": messages, "case": case}
    )


class StalledForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("No event for (days)"), min_value=1, max_value=365, initial=14
    )


@never_cache
@require_admin_access
def stalled(request):
    """Open cases with nothing on their timeline for N days, for supervisors and managers."""
    if not access.has_role(request.user, roles.SUPERVISOR, roles.MANAGER):
        raise PermissionDenied
    form = StalledForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else 14
    cases = stalled_cases(request.user, days)
    return render(
        request, "casework/stalled.html", {"form": form, "cases": cases[:SCREEN_ROW_LIMIT], "days": days}
    )


def stalled_cases(user, days, now=None):
    since = (now or timezone.now()) - timedelta(days=days)
    return (
        access.cases_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .annotate(last_event=Max("events__created_at"))
        .filter(last_event__lt=since)
        .select_related("department", "handler")
        .order_by("last_event")
    )


urlpatterns = [
    path("", ledger, name="ledger"),
    path("outbox/failed/", outbox, name="outbox_failed"),
    path("outbox/case/<int:case_pk>/", outbox, name="case_notifications"),
    path("stalled/", stalled, name="stalled"),
]
