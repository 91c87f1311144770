"""Staff assessment in the Wagtail admin: the indicators (managers edit them), the scorecards (list
with filters, create, page with the indicator table, manual scores, freeze, rewards and penalties)
and their CSV/XLSX exports. The rules are reception.assessment's; these views only call them."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework import exports
from casework.forms import date_field
from casework.models import Department

from . import assessment
from .models import Indicator, RewardOrPenalty, Scorecard, SubjectKind

MONTHS = [(str(n), str(n)) for n in range(1, 13)]
QUARTERS = [(str(n), f"Q{n}") for n in range(1, 5)]


def _staff_label(user):
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _staff_label(obj)


# --- Forms ----------------------------------------------------------------------------------------


class ScorecardFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"), required=False, choices=[("", "—"), *Scorecard.Period.choices]
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=9999)
    subject_kind = forms.ChoiceField(
        label=gettext_lazy("Assessed"), required=False, choices=[("", "—"), *SubjectKind.choices]
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"), required=False, choices=[("", "—"), *Scorecard.State.choices]
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), required=False, queryset=Department.objects.none()
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else Department.objects.none()
        )

    def apply(self, cards):
        if not self.is_valid():
            return cards
        data = self.cleaned_data
        for name in ("period", "year", "subject_kind", "state", "department"):
            if data[name]:
                cards = cards.filter(**{name: data[name]})
        return cards


class CreateScorecardForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=Scorecard.Period.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=assessment.EARLIEST_YEAR, max_value=9999)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month (monthly scorecard)"),
        choices=[("", "—"), *MONTHS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter (quarterly scorecard)"),
        choices=[("", "—"), *QUARTERS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    subject_kind = forms.ChoiceField(label=gettext_lazy("Assessed"), choices=SubjectKind.choices)
    officer = StaffChoiceField(
        label=gettext_lazy("Reception officer"), required=False, queryset=assessment.officers()
    )
    handler = StaffChoiceField(label=gettext_lazy("Handler"), required=False, queryset=assessment.handlers())
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), required=False, queryset=Department.objects.filter(is_active=True)
    )
    everyone = forms.BooleanField(
        label=gettext_lazy("Every reception officer, handler or department of this kind"),
        required=False,
        help_text=gettext_lazy("Creates the scorecards of the period still missing; leave the name empty."),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = assessment.officers().order_by(
            "last_name", "first_name", "username"
        )
        self.fields["handler"].queryset = assessment.handlers().order_by(
            "last_name", "first_name", "username"
        )
        previous = today.replace(day=1) - timedelta(days=1)
        self.initial.setdefault("period", Scorecard.Period.MONTH)
        self.initial.setdefault("year", previous.year)
        self.initial.setdefault("month", str(previous.month))

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if period == Scorecard.Period.MONTH and not data.get("month"):
            self.add_error("month", _("Choose the month of a monthly scorecard."))
        if period == Scorecard.Period.QUARTER and not data.get("quarter"):
            self.add_error("quarter", _("Choose the quarter of a quarterly scorecard."))
        field = {
            SubjectKind.OFFICER: "officer",
            SubjectKind.HANDLER: "handler",
            SubjectKind.DEPARTMENT: "department",
        }.get(data.get("subject_kind"))
        if field and not data.get(field) and not data.get("everyone"):
            self.add_error(field, _("Choose whom the scorecard assesses."))
        return data

    def number(self):
        data = self.cleaned_data
        if data["period"] == Scorecard.Period.MONTH:
            return data["month"]
        if data["period"] == Scorecard.Period.QUARTER:
            return data["quarter"]
        return 1

    def subject(self):
        data = self.cleaned_data
        kind = data["subject_kind"]
        user = data["officer"] if kind == SubjectKind.OFFICER else data["handler"]
        return kind, (None if kind == SubjectKind.DEPARTMENT else user), data["department"]


class ScoreForm(forms.Form):
    score = forms.DecimalField(
        label=gettext_lazy("Score (0–100)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    comment = forms.CharField(
        label=gettext_lazy("What the score is based on"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FreezeForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Review comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RewardOrPenalty.Kind.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    decided_by = forms.CharField(label=gettext_lazy("Decided by"), max_length=200)
    decided_on = date_field(gettext_lazy("Date of the decision"))


class IndicatorForm(forms.ModelForm):
    bands_text = forms.CharField(
        label=gettext_lazy("Score bands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One band a line: the figure to reach, then the score it earns, e.g. “95 100”. "
            "The best band reached counts; none reached scores 0. Only for computed indicators."
        ),
    )
    source = forms.ChoiceField(label=gettext_lazy("Computed source"), required=False)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "subject_kind",
            "weight",
            "method",
            "source",
            "higher_is_better",
            "standard",
            "is_active",
            "order",
        ]
        widgets = {"standard": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(code, str(source.label)) for code, source in assessment.SOURCES.items()]
        current = self.instance.source
        if current and current not in assessment.SOURCES:
            # A source named before it exists (training completion): kept, scored by hand meanwhile.
            choices.append((current, _("%(code)s (not available yet: scored by hand)") % {"code": current}))
        self.fields["source"].choices = choices
        self.fields["bands_text"].initial = assessment.bands_text(self.instance.bands)

    def clean_bands_text(self):
        try:
            return assessment.parse_bands(self.cleaned_data["bands_text"])
        except assessment.AssessmentError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        if data.get("method") == Indicator.Method.COMPUTED:
            if not data.get("source"):
                self.add_error("source", _("A computed indicator names the source of its figure."))
            if not data.get("bands_text") and "bands_text" not in self.errors:
                self.add_error("bands_text", _("A computed indicator needs at least one score band."))
        return data

    def save(self, commit=True):
        self.instance.bands = self.cleaned_data["bands_text"]
        return super().save(commit)


# --- Views ----------------------------------------------------------------------------------------


def _require_user(request):
    if not assessment.may_use(request.user):
        raise PermissionDenied


def _require_writer(request):
    if not assessment.can_write(request.user):
        raise PermissionDenied


def _card(request, pk):
    _require_user(request)
    return get_object_or_404(assessment.scorecards_visible_to(request.user), pk=pk)


def _visible_departments(cards):
    return Department.objects.filter(pk__in=cards.values("department")).order_by("name")


@never_cache
def scorecard_index(request):
    _require_user(request)
    cards = assessment.scorecards_visible_to(request.user)
    form = ScorecardFilterForm(request.GET or None, departments=_visible_departments(cards))
    cards = form.apply(cards) if form.is_bound else cards
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        return exports.spreadsheet_response(
            fmt,
            "scorecards",
            [
                _("Period"),
                _("From"),
                _("To"),
                _("Assessed"),
                _("Name"),
                _("Department"),
                _("State"),
                _("Weighted total"),
            ],
            (
                [
                    card.period_code,
                    card.period_start.isoformat(),
                    card.period_end.isoformat(),
                    card.get_subject_kind_display(),
                    card.subject_name,
                    card.department.name if card.department_id else "",
                    card.get_state_display(),
                    "" if card.total is None else float(card.total),
                ]
                for card in cards.iterator()
            ),
            sheet_title=_("Scorecards"),
        )
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "reception/assessment_index.html",
        {
            "form": form,
            "cards": [(card, assessment.period_label(card)) for card in cards[:500]],
            "may_write": assessment.can_write(request.user),
            "query": query.urlencode(),
        },
    )


@never_cache
def scorecard_create(request):
    _require_writer(request)
    today = timezone.localdate()
    form = CreateScorecardForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        kind, user, department = form.subject()
        try:
            if form.cleaned_data["everyone"]:
                created = assessment.create_for_everyone(
                    request.user,
                    form.cleaned_data["period"],
                    form.cleaned_data["year"],
                    form.number(),
                    kind,
                    today=today,
                )
                messages.success(
                    request,
                    ngettext("%(n)s scorecard was created.", "%(n)s scorecards were created.", len(created))
                    % {"n": len(created)},
                )
                return redirect(f"{reverse('staff_assessment:index')}?subject_kind={kind}&state=draft")
            card = assessment.create_scorecard(
                request.user,
                form.cleaned_data["period"],
                form.cleaned_data["year"],
                form.number(),
                kind,
                subject_user=user,
                department=department,
                today=today,
            )
        except assessment.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The scorecard was created with the scores computed from the case data.")
            )
            return redirect("staff_assessment:detail", pk=card.pk)
    return render(
        request, "reception/assessment_create.html", {"form": form}, status=400 if form.errors else 200
    )


def _rows(card):
    lines = list(card.lines.all())
    return [
        {
            "line": line,
            "raw": assessment.format_raw(line),
            "weighted": assessment.weighted(line, lines),
        }
        for line in lines
    ]


def _context(request, card, **forms_):
    may_write = assessment.can_write(request.user) and card.state == Scorecard.State.DRAFT
    rows = _rows(card)
    for row in rows:
        line = row["line"]
        if may_write and line.method == Indicator.Method.MANUAL:
            row["form"] = forms_.get("score_forms", {}).get(line.pk) or ScoreForm(
                initial={"score": line.score, "comment": line.comment}, prefix=f"line{line.pk}"
            )
    return {
        "card": card,
        "title": _("Scorecard: %(name)s, %(period)s")
        % {"name": card.subject_name, "period": assessment.period_label(card)},
        "period": assessment.period_label(card),
        "rows": rows,
        "weights": sum((row["line"].weight for row in rows), Decimal(0)),
        "may_write": may_write,
        "may_freeze": assessment.may_freeze_now(request.user, card),
        "may_decide": assessment.can_write(request.user) and card.is_frozen,
        "freeze_form": forms_.get("freeze_form") or FreezeForm(),
        "decision_form": forms_.get("decision_form")
        or DecisionForm(initial={"decided_on": timezone.localdate()}),
        "decisions": card.decisions.all(),
    }


@never_cache
def scorecard_detail(request, pk):
    card = _card(request, pk)
    return render(request, "reception/assessment_detail.html", _context(request, card))


@require_POST
def scorecard_action(request, pk, action):
    card = _card(request, pk)
    _require_writer(request)
    user = request.user
    try:
        if action == "refresh":
            assessment.refresh(user, card)
            done = _("The scores were computed again.")
        elif action == "freeze":
            form = FreezeForm(request.POST)
            form.is_valid()
            assessment.freeze(user, card, form.cleaned_data.get("comment", ""))
            done = _("The scorecard was reviewed and frozen.")
        elif action == "decision":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("The reward or penalty was not recorded: see the form below."))
                return render(
                    request,
                    "reception/assessment_detail.html",
                    _context(request, card, decision_form=form),
                    status=400,
                )
            assessment.record_decision(user, card, **form.cleaned_data)
            done = _("The reward or penalty was recorded.")
        else:
            raise PermissionDenied
    except assessment.AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("staff_assessment:detail", pk=card.pk)


@require_POST
def scorecard_score(request, pk, line):
    """A manager's score for one manual line, with what it is based on."""
    card = _card(request, pk)
    _require_writer(request)
    form = ScoreForm(request.POST, prefix=f"line{line}")
    if not form.is_valid():
        messages.error(request, _("The score was not saved: see the form below."))
        context = _context(request, card, score_forms={line: form})
        return render(request, "reception/assessment_detail.html", context, status=400)
    try:
        assessment.enter_score(
            request.user, card, line, form.cleaned_data["score"], form.cleaned_data["comment"]
        )
    except assessment.AssessmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The score was saved."))
    return redirect("staff_assessment:detail", pk=card.pk)


def _card_sheet(card):
    lines = list(card.lines.all())
    yield [_("Period"), card.period_start.isoformat(), card.period_end.isoformat()]
    yield [_("Assessed"), card.get_subject_kind_display(), card.subject_name]
    yield [_("State"), card.get_state_display()]
    if card.frozen_at:
        yield [
            _("Reviewed and frozen"),
            timezone.localtime(card.frozen_at).strftime("%Y-%m-%d %H:%M"),
            _staff_label(card.frozen_by) if card.frozen_by else "",
        ]
    yield []
    yield [
        _("Indicator"),
        _("How the score is obtained"),
        _("Raw figure"),
        _("Score"),
        _("Weight"),
        _("Weighted"),
        _("Comment"),
    ]
    for line in lines:
        weighted = assessment.weighted(line, lines)
        yield [
            line.name,
            line.get_method_display(),
            assessment.format_raw(line) if line.raw is not None else "",
            "" if line.score is None else float(line.score),
            float(line.weight),
            "" if weighted is None else float(weighted),
            line.comment,
        ]
    yield [_("Weighted total"), "", "", "" if card.total is None else float(card.total)]
    decisions = list(card.decisions.all())
    if decisions:
        yield []
        yield [_("Rewards and penalties")]
        yield [_("Kind"), _("Reason"), _("Decided by"), _("Date of the decision")]
        for decision in decisions:
            yield [
                decision.get_kind_display(),
                decision.reason,
                decision.decided_by,
                decision.decided_on.isoformat(),
            ]


@never_cache
def scorecard_export(request, pk, fmt):
    card = _card(request, pk)
    if fmt not in exports.FORMATS:
        raise Http404
    return exports.spreadsheet_response(
        fmt,
        f"scorecard-{card.period_code}-{card.subject_kind}-{card.pk}",
        [_("Scorecard"), card.subject_name, assessment.period_label(card)],
        _card_sheet(card),
        sheet_title=_("Scorecard"),
    )


@never_cache
def indicator_index(request):
    _require_user(request)
    indicators = Indicator.objects.all()
    groups = []
    sums = assessment.weights_by_kind()
    for kind, label in SubjectKind.choices:
        rows = [
            (indicator, assessment.source_of(indicator) is not None)
            for indicator in indicators
            if indicator.subject_kind == kind
        ]
        groups.append({"kind": kind, "label": label, "rows": rows, "weights": sums[kind]})
    return render(
        request,
        "reception/indicator_index.html",
        {"groups": groups, "may_write": assessment.can_write(request.user)},
    )


@never_cache
def indicator_edit(request, pk=None):
    _require_writer(request)
    indicator = get_object_or_404(Indicator, pk=pk) if pk else Indicator()
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The indicator was saved; draft scorecards use it when their scores are computed again."),
        )
        return redirect("staff_assessment:indicators")
    return render(
        request,
        "reception/indicator_edit.html",
        {"form": form, "indicator": indicator},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("", scorecard_index, name="index"),
    path("new/", scorecard_create, name="create"),
    path("<int:pk>/", scorecard_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", scorecard_action, name="action"),
    path("<int:pk>/lines/<int:line>/score/", scorecard_score, name="score"),
    path("<int:pk>/scorecard.<slug:fmt>", scorecard_export, name="export"),
    path("indicators/", indicator_index, name="indicators"),
    path("indicators/new/", indicator_edit, name="indicator_add"),
    path("indicators/<int:pk>/", indicator_edit, name="indicator_edit"),
]


@hooks.register("register_admin_urls")
def register_assessment_urls():
    return [
        path(
            "reception/assessment/",
            include((urlpatterns, "staff_assessment"), namespace="staff_assessment"),
        )
    ]


class AssessmentMenuItem(MenuItem):
    def is_shown(self, request):
        return assessment.may_use(request.user)


@hooks.register("register_reception_menu_item")
def register_scorecard_menu():
    return AssessmentMenuItem(
        gettext_lazy("Scorecards"), reverse_lazy("staff_assessment:index"), icon_name="list-ol", order=500
    )


@hooks.register("register_reception_menu_item")
def register_indicator_menu():
    return AssessmentMenuItem(
        gettext_lazy("Assessment indicators"),
        reverse_lazy("staff_assessment:indicators"),
        icon_name="cog",
        order=510,
    )
