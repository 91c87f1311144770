"""Analysis reports in the Wagtail admin: list, create, write, submit, freeze or return, view and
export (PDF, XLSX). The rules are reporting.analysis's; these views only call them."""

import logging
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem

from casework import exports
from casework.models import AnalysisReport, Department

from . import analysis
from .charts import bar_chart

logger = logging.getLogger(__name__)

MONTHS = [(str(n), str(n)) for n in range(1, 13)]
QUARTERS = [(str(n), f"Q{n}") for n in range(1, 5)]


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", "—"), *AnalysisReport.Kind.choices]
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"), required=False, choices=[("", "—"), *AnalysisReport.State.choices]
    )
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=9999)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [
            ("", "—"),
            ("office", gettext_lazy("Whole office")),
            *[(str(d.pk), d.name) for d in departments],
        ]

    def apply(self, reports):
        if not self.is_valid():
            return reports
        data = self.cleaned_data
        if data["kind"]:
            reports = reports.filter(kind=data["kind"])
        if data["state"]:
            reports = reports.filter(state=data["state"])
        if data["scope"] == "office":
            reports = reports.filter(department__isnull=True)
        elif data["scope"]:
            reports = reports.filter(department_id=data["scope"])
        if data["year"]:
            reports = reports.filter(year=data["year"])
        return reports


class CreateReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of report"), choices=AnalysisReport.Kind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=analysis.EARLIEST_YEAR, max_value=9999)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month (monthly report)"),
        choices=[("", "—"), *MONTHS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter (quarterly report)"),
        choices=[("", "—"), *QUARTERS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Scope"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("Whole office"),
    )

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = analysis.writable_departments(user)
        if not analysis.can_write(user, None):
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
        previous = today.replace(day=1) - timedelta(days=1)
        self.initial.setdefault("kind", AnalysisReport.Kind.MONTHLY)
        self.initial.setdefault("year", previous.year)
        self.initial.setdefault("month", str(previous.month))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == AnalysisReport.Kind.MONTHLY and not data.get("month"):
            self.add_error("month", _("Choose the month of a monthly report."))
        if kind == AnalysisReport.Kind.QUARTERLY and not data.get("quarter"):
            self.add_error("quarter", _("Choose the quarter of a quarterly report."))
        return data

    def number(self):
        data = self.cleaned_data
        return data["month"] if data["kind"] == AnalysisReport.Kind.MONTHLY else data["quarter"]


class ReportTextForm(forms.ModelForm):
    class Meta:
        model = AnalysisReport
        fields = ["causes", "proposals", "decisions"]
        labels = {
            "causes": gettext_lazy("Causes (analysis)"),
            "proposals": gettext_lazy("Improvement proposals"),
            "decisions": gettext_lazy("Decisions supported (decision references)"),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should change"), widget=forms.Textarea(attrs={"rows": 3})
    )


def _require_user(request):
    if not analysis.may_use(request.user):
        raise PermissionDenied


def _report(request, pk):
    _require_user(request)
    report = get_object_or_404(analysis.reports_visible_to(request.user), pk=pk)
    return report


def _may_create(user):
    return analysis.can_write(user, None) or analysis.writable_departments(user).exists()


@never_cache
def report_index(request):
    _require_user(request)
    reports = analysis.reports_visible_to(request.user)
    departments = Department.objects.filter(pk__in=reports.values("department")).order_by("name")
    form = ReportFilterForm(request.GET or None, departments=departments)
    reports = form.apply(reports) if form.is_bound else reports
    rows = [(report, analysis.period_label(report), analysis.scope_label(report)) for report in reports[:500]]
    return render(
        request,
        "reporting/analysis_index.html",
        {"form": form, "rows": rows, "may_create": _may_create(request.user)},
    )


@never_cache
def report_create(request):
    _require_user(request)
    today = timezone.localdate()
    if not _may_create(request.user):
        raise PermissionDenied
    form = CreateReportForm(request.POST or None, user=request.user, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            report = analysis.create_report(
                request.user,
                form.cleaned_data["kind"],
                form.cleaned_data["year"],
                form.number(),
                form.cleaned_data["department"],
                today=today,
            )
        except analysis.AnalysisReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The report was created with the figures of its period."))
            return redirect("analysis_reports:detail", pk=report.pk)
    return render(request, "reporting/analysis_create.html", {"form": form})


def _context(request, report):
    tables = analysis.figure_tables(report.figures)
    rows = {key: table_rows for key, _heading, _headers, table_rows in tables}
    # Pictures of a table's numbers, drawn above the table that gives them.
    charts = {key: bar_chart((row[0], row[-1]) for row in rows[key]) for key in ("category",) if key in rows}
    return {
        "report": report,
        "title": analysis.title(report),
        "period": analysis.period_label(report),
        "scope": analysis.scope_label(report),
        "tables": tables,
        "charts": charts,
        "may_write": analysis.can_write(request.user, report.department)
        and report.state == report.State.DRAFT,
        "may_review": analysis.may_review_now(request.user, report),
        "text_form": ReportTextForm(instance=report),
        "return_form": ReturnForm(),
    }


@never_cache
def report_detail(request, pk):
    report = _report(request, pk)
    return render(request, "reporting/analysis_detail.html", _context(request, report))


@require_POST
def report_action(request, pk, action):
    report = _report(request, pk)
    user = request.user
    try:
        if action == "text":
            form = ReportTextForm(request.POST, instance=report)
            if not form.is_valid():
                context = _context(request, report)
                context["text_form"] = form
                return render(request, "reporting/analysis_detail.html", context, status=400)
            analysis.update_text(user, report, **{name: form.cleaned_data[name] for name in form.Meta.fields})
            done = _("The text was saved.")
        elif action == "refresh":
            analysis.refresh_figures(user, report)
            done = _("The figures were computed again.")
        elif action == "submit":
            analysis.submit_for_review(user, report)
            done = _("The report was submitted for review.")
        elif action == "freeze":
            analysis.freeze(user, report)
            done = _("The report was reviewed and frozen.")
        elif action == "return":
            analysis.return_for_changes(user, report, request.POST.get("comment", ""))
            done = _("The report was returned for changes.")
        else:
            raise PermissionDenied
    except analysis.AnalysisReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("analysis_reports:detail", pk=report.pk)


def _filename(report):
    scope = report.department.code if report.department_id else "office"
    return f"analysis-{report.period_code}-{scope}"


def _sheet_rows(report):
    yield [_("Period"), report.period_start.isoformat(), report.period_end.isoformat()]
    yield [_("State"), report.get_state_display()]
    if report.frozen_at:
        reviewer = report.reviewed_by
        yield [
            _("Reviewed and frozen"),
            timezone.localtime(report.frozen_at).strftime("%Y-%m-%d %H:%M"),
            (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "",
        ]
    yield [_("Causes (analysis)"), report.causes]
    yield [_("Improvement proposals"), report.proposals]
    yield [_("Decisions supported (decision references)"), report.decisions]
    for _key, heading, headers, rows in analysis.figure_tables(report.figures, for_sheet=True):
        yield []
        yield [heading]
        yield headers
        yield from rows


@never_cache
def report_xlsx(request, pk):
    report = _report(request, pk)
    # The title is the first row; then the text, then each table of figures under its heading.
    return exports.spreadsheet_response(
        exports.XLSX,
        _filename(report),
        [analysis.title(report)],
        _sheet_rows(report),
        sheet_title=_("Analysis report"),
    )


def render_pdf(html, **options):
    """The PDF of an HTML page, or None when WeasyPrint (or the libraries it needs) cannot load."""
    try:
        # Imported here: the image's build stage and some machines have no Pango, and nothing else
        # needs it.
        import weasyprint

        return weasyprint.HTML(string=html).write_pdf(**options)
    except (ImportError, OSError):
        logger.exception("WeasyPrint cannot run: analysis reports cannot be made into PDF")
        return None


@never_cache
def report_pdf(request, pk):
    report = _report(request, pk)
    context = _context(request, report)
    html = render_to_string("reporting/analysis_pdf.html", context, request=request)
    pdf = render_pdf(html)
    if pdf is None:
        messages.error(
            request, _("The PDF cannot be made on this server at the moment; download the XLSX instead.")
        )
        return redirect("analysis_reports:detail", pk=report.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report)}.pdf"'
    return response


urlpatterns = [
    path("", report_index, name="index"),
    path("new/", report_create, name="create"),
    path("<int:pk>/", report_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", report_action, name="action"),
    path("<int:pk>/report.pdf", report_pdf, name="pdf"),
    path("<int:pk>/report.xlsx", report_xlsx, name="xlsx"),
]


class AnalysisReportMenuItem(MenuItem):
    def is_shown(self, request):
        return analysis.may_use(request.user)
