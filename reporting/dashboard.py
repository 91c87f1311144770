"""The statistics dashboard and the assessment (考核) in the Wagtail admin.

Both are scoped by role: department staff see their departments only, the roles that see every
case see every department. Figures come from reporting.statistics and reporting.assessment.
"""

import calendar

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from wagtail.admin.menu import MenuItem

from casework import access, exports, roles
from casework.forms import DATE_LIMITS
from casework.models import Category, Channel, Department, Outcome, Status

from . import assessment, statistics, topics
from .charts import bar_chart, line_chart

ASSESSMENT_ALL_ROLES = (roles.MANAGER, roles.SUPERVISOR, roles.AUDITOR)
MAX_PERIOD_DAYS = 366 * 5


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DATE_LIMITS,
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=DATE_LIMITS,
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none(), required=False
    )
    grain = forms.ChoiceField(
        label=gettext_lazy("Group by"),
        required=False,
        choices=[
            ("day", gettext_lazy("Day")),
            ("week", gettext_lazy("Week")),
            ("month", gettext_lazy("Month")),
        ],
    )

    def __init__(self, *args, departments=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        # The office's today (TIME_ZONE), unless a caller gives another: "this month" is the office's.
        self.today = today or timezone.localdate()
        # The boxes show the period the page shows, not empty date pickers beside this month's figures.
        first, last = this_month(self.today)
        self.initial.setdefault("start", first)
        self.initial.setdefault("end", last)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        # The period as period() will complete it: one end alone must not make it unbounded either.
        if start and not end and "end" not in self.errors:
            end = max(this_month(self.today)[1], start)
        if end and not start and "start" not in self.errors:
            start = min(self.today.replace(day=1), end)
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if start and end and (end - start).days > MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most five years."))
        return data

    def period(self):
        """(start, end, department or None, grain): this month, its first to its last day, unless
        valid values were given; a value that is not valid (a date that is not one, a department
        out of reach) is left out."""
        today = self.today
        start, end = this_month(today)
        department, grain = None, ""
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
            if not self.non_field_errors():
                end = data.get("end") or end
                start = data.get("start") or min(start, end)
            department = data.get("department")
            grain = data.get("grain") or ""
        grain = grain or ("day" if (end - start).days <= 62 else "month")
        return start, end, department, grain


def this_month(today):
    """The first and the last day of today's month."""
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


def period_label(start, end):
    """The period in words, as a reader says it: "1–31 December 2026", "2026年12月1日至31日".

    The pieces are date formats (Django's, as for the date filter) translated per language, since
    the languages drop different parts of the second date: the month and year it shares with the
    first in English, the year and month in Chinese.
    """
    # Translators: a date format (Django's date filter); a period of one day.
    whole = pgettext("date format: one day", "j F Y")
    if start == end:
        return date_format(start, whole)
    if (start.year, start.month) == (end.year, end.month):
        first = pgettext("date format: first day of a period within one month", "j")
        last = pgettext("date format: last day of a period within one month", "j F Y")
        joint = pgettext("between the first and last day of a period within one month", "–")
    elif start.year == end.year:
        first = pgettext("date format: first day of a period within one year", "j F")
        last = pgettext("date format: last day of a period within one year", "j F Y")
        joint = pgettext("between the first and last day of a longer period", " – ")
    else:
        first = last = whole
        joint = pgettext("between the first and last day of a longer period", " – ")
    return f"{date_format(start, first)}{joint}{date_format(end, last)}"


def scope(user, department=None):
    """The departments whose figures the user may see (None: everything, unrouted cases included)."""
    if access.sees_all_cases(user):
        return None if department is None else [department]
    own = list(access.departments_visible_to(user))
    if department is not None:
        return [department] if department in own else []
    return own


def _percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"


@never_cache
def dashboard(request):
    if not access.is_casework_staff(request.user):
        raise PermissionDenied
    statistics.request_refresh()
    visible = access.departments_visible_to(request.user)
    form = PeriodForm(request.GET or None, departments=visible)
    start, end, department, grain = form.period()
    departments = scope(request.user, department)
    figures = statistics.dashboard_figures(start, end, departments, grain)
    names = dict(Department.objects.values_list("pk", "name"))

    def rows(counts, labels):
        return [(str(labels.get(key, key)), value) for key, value in counts.items()]

    tables = [
        ("category", _("Cases by category"), rows(figures["by_category"], dict(Category.choices))),
        ("channel", _("Cases by channel"), rows(figures["by_channel"], dict(Channel.choices))),
        ("status", _("Cases by status"), rows(figures["by_status"], dict(Status.choices))),
        (
            "department",
            _("Cases by department"),
            [(names.get(pk, _("Not routed yet")), n) for pk, n in figures["by_department"].items()],
        ),
        (
            "co_handling",
            _("Cases co-handled by department (besides those it leads)"),
            sorted(
                (names.get(pk, ""), row["co_handled"])
                for pk, row in figures["co_handling"].items()
                if row["co_handled"]
            ),
        ),
        (
            "adoption",
            _("Suggestions by adoption decision"),
            [(str(label), figures["adoption"][measure]) for measure, label in ADOPTION_LABELS.items()],
        ),
        (
            "topics",
            _("Hot topics (cases mentioning the term)"),
            [(topics.in_reader_script(term), n) for term, n in figures["hot_topics"]],
        ),
    ]
    tables = [(key, title, items, bar_chart(items)) for key, title, items in tables]
    trend = [(str(period)[:10], received, replied) for period, received, replied in figures["trend"]]
    context = {
        "form": form,
        "start": start,
        "end": end,
        "period": period_label(start, end),
        "figures": figures,
        "tables": tables,
        "trend": trend,
        "trend_chart": line_chart(
            [(p, (received, replied)) for p, received, replied in trend],
            (pgettext("number of cases", "Received"), pgettext("number of cases", "Replied")),
        ),
        "on_time": [
            (label, done, on_time, _percent(rate)) for _n, label, done, on_time, rate in figures["on_time"]
        ],
        "on_time_chart": bar_chart(
            (str(label), round(rate * 100, 1) if rate is not None else None)
            for _n, label, _d, _o, rate in figures["on_time"]
        ),
        "rates": [
            (_("Satisfied or basically satisfied"), _percent(figures["satisfaction"]["rate"])),
            (_("Reopened after the reply"), _percent(figures["reopen_rate"])),
            (_("Re-routed"), _percent(figures["reroute_rate"])),
            (_("Suggestions adopted in whole or in part"), _percent(figures["adoption"]["rate"])),
        ],
        "adoption_by_period": [
            (str(period)[:10], *counts) for period, *counts in figures["adoption_by_period"]
        ],
        "handling": figures["handling_time"],
    }
    context.update(questionnaire_context(start, end, departments))
    return render(request, "reporting/dashboard.html", context)


def questionnaire_context(start, end, departments):
    """The satisfaction questionnaires sent in the period (reception measures §六(二)): how many were
    sent and answered, and each question's answers and average rating (1 to 5)."""
    from reception.inspections import questionnaire_results

    results = questionnaire_results(start, end, departments)
    return {
        "questionnaire": results,
        "questionnaire_chart": bar_chart((label, average) for label, _count, average in results["questions"]),
    }


ADOPTION_LABELS = {
    "adopted": Outcome.Adoption.ADOPTED.label,
    "partly_adopted": Outcome.Adoption.PARTLY.label,
    "not_adopted": Outcome.Adoption.NOT_ADOPTED.label,
}


def period_errors(form):
    """The form's complaints about its dates (or None): an export of another period than asked is
    worse than none."""
    if not form.is_bound or form.is_valid():
        return None
    errors = [str(error) for name in ("start", "end", "__all__") for error in form.errors.get(name, [])]
    return errors or None


# --- Assessment ----------------------------------------------------------------------------------


def assessment_departments(user):
    if access.has_role(user, *ASSESSMENT_ALL_ROLES):
        return Department.objects.all()
    if access.has_role(user, roles.REVIEWER):
        return Department.objects.filter(pk__in=access.department_ids(user, "reviewer"))
    raise PermissionDenied


def _assessment(request, form=None):
    allowed = assessment_departments(request.user)
    if form is None:
        form = PeriodForm(request.GET or None, departments=allowed)
    start, end, department, _grain = form.period()
    departments = [department] if department is not None else allowed
    by_department, by_handler = assessment.assess(start, end, departments)
    return form, start, end, by_department, by_handler


def _formatted(rows):
    return [
        (name, [assessment.format_value(key, values[key]) for key, _label in assessment.INDICATORS])
        for name, values in rows
    ]


@never_cache
def assessment_view(request):
    form, start, end, by_department, by_handler = _assessment(request)
    query = request.GET.urlencode()
    return render(
        request,
        "reporting/assessment.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "headers": [label for _key, label in assessment.INDICATORS],
            "departments": _formatted(by_department),
            "handlers": _formatted(by_handler),
            "query": query,
        },
    )


def _export_header():
    return [_("Level"), _("Name"), *[str(label) for _key, label in assessment.INDICATORS]]


def _export_rows(by_department, by_handler):
    for level, rows in ((_("Department"), by_department), (_("Handler"), by_handler)):
        for name, values in rows:
            yield [
                level,
                name,
                *[
                    round(values[key], 4) if isinstance(values[key], float) else values[key]
                    for key, _label in assessment.INDICATORS
                ],
            ]


@never_cache
def assessment_export(request, fmt):
    form = PeriodForm(request.GET or None, departments=assessment_departments(request.user))
    errors = period_errors(form)
    if errors:
        return HttpResponse(
            _("The period cannot be exported: %(reasons)s") % {"reasons": " ".join(errors)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    _form, start, end, by_department, by_handler = _assessment(request, form)
    return exports.spreadsheet_response(
        exports.XLSX if fmt == exports.XLSX else exports.CSV,
        f"assessment-{start:%Y%m%d}-{end:%Y%m%d}",
        _export_header(),
        _export_rows(by_department, by_handler),
        sheet_title=_("Assessment"),
    )


# --- Admin wiring: the URLs and menu items are registered from casework.wagtail_hooks -------------

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("assessment/", assessment_view, name="assessment"),
    path("assessment/export.<str:fmt>", assessment_export, name="assessment_export"),
]


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_casework_staff(request.user)


class AssessmentMenuItem(MenuItem):
    def is_shown(self, request):
        return access.has_role(request.user, *ASSESSMENT_ALL_ROLES, roles.REVIEWER)
