"""Training in the back office: plans, sessions, the attendance and scores of a session, each
person's training record (their own on "My training"), the yearly report (CSV/XLSX). The rules are
reception.training's; these views only call them."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework import exports

from . import training
from .models import TrainingAttendance, TrainingPlan, TrainingSession


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = ["year", "title", "notes"]


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "content", "mode", "lecturer", "date", "hours", "evaluation", "pass_mark"]
        widgets = {"date": DateInput()}

    def clean_hours(self):
        value = self.cleaned_data["hours"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("Enter the hours as a number above zero."))
        return value


def _forbid_unless(allowed):
    if not allowed:
        raise PermissionDenied


@never_cache
def plan_index(request):
    _forbid_unless(training.may_read_all(request.user))
    return render(
        request,
        "reception/training_plans.html",
        {
            "plans": TrainingPlan.objects.prefetch_related("sessions"),
            "may_edit": training.may_edit(request.user),
        },
    )


@never_cache
def plan_edit(request, pk=None):
    _forbid_unless(training.may_edit(request.user))
    plan = get_object_or_404(TrainingPlan, pk=pk) if pk else TrainingPlan()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        training.save_plan(request.user, form.instance)
        messages.success(request, _("Training plan saved."))
        return redirect("reception_training:plan", form.instance.pk)
    return render(request, "reception/training_form.html", {"form": form, "title": _("Training plan")})


@never_cache
def plan_detail(request, pk):
    _forbid_unless(training.may_read_all(request.user))
    plan = get_object_or_404(TrainingPlan, pk=pk)
    return render(
        request,
        "reception/training_plan.html",
        {"plan": plan, "sessions": plan.sessions.all(), "may_edit": training.may_edit(request.user)},
    )


@never_cache
def session_edit(request, plan_pk, pk=None):
    _forbid_unless(training.may_edit(request.user))
    plan = get_object_or_404(TrainingPlan, pk=plan_pk)
    session = get_object_or_404(TrainingSession, pk=pk, plan=plan) if pk else TrainingSession(plan=plan)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        if form.instance.date.year != plan.year:
            form.add_error(
                "date", _("The session must fall in the plan's year (%(year)s).") % {"year": plan.year}
            )
        else:
            training.save_session(request.user, form.instance)
            messages.success(request, _("Training session saved."))
            return redirect("reception_training:session", form.instance.pk)
    return render(request, "reception/training_form.html", {"form": form, "title": _("Training session")})


class AttendanceForm(forms.Form):
    """A row per staff member: attended, and the exam score or the questionnaire result."""

    def __init__(self, *args, session, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.staff = list(staff)
        existing = {a.user_id: a for a in session.attendances.all()}
        self.rows = []
        for user in self.staff:
            current = existing.get(user.pk)
            name = user.get_full_name() or user.get_username()
            self.fields[f"attended_{user.pk}"] = forms.BooleanField(
                label=_("%(name)s attended") % {"name": name}, required=False, initial=current is not None
            )
            if session.evaluation == TrainingSession.Evaluation.EXAM:
                self.fields[f"score_{user.pk}"] = forms.DecimalField(
                    label=_("Exam score of %(name)s") % {"name": name},
                    required=False,
                    min_value=0,
                    max_value=100,
                    decimal_places=1,
                    initial=current.score if current else None,
                )
            else:
                self.fields[f"result_{user.pk}"] = forms.ChoiceField(
                    label=_("Questionnaire result of %(name)s") % {"name": name},
                    required=False,
                    choices=[("", "—"), *TrainingAttendance.Result.choices],
                    initial=current.result if current else "",
                )
            self.rows.append((user, current))

    def row_fields(self):
        for user, current in self.rows:
            yield (
                user,
                current,
                self[f"attended_{user.pk}"],
                self[f"score_{user.pk}"] if f"score_{user.pk}" in self.fields else self[f"result_{user.pk}"],
            )

    def clean(self):
        data = super().clean()
        for user in self.staff:
            attended = data.get(f"attended_{user.pk}")
            score_key = f"score_{user.pk}"
            if not attended and data.get(score_key) is not None:
                self.add_error(score_key, _("A score needs the attendee ticked as attended."))
        return data

    def attendance_rows(self):
        data = self.cleaned_data
        return [
            training.AttendanceRow(
                user=user,
                attended=bool(data.get(f"attended_{user.pk}")),
                score=data.get(f"score_{user.pk}"),
                result=data.get(f"result_{user.pk}", ""),
            )
            for user in self.staff
        ]


@never_cache
def session_detail(request, pk):
    _forbid_unless(training.may_read_all(request.user))
    session = get_object_or_404(TrainingSession.objects.select_related("plan"), pk=pk)
    may_edit = training.may_edit(request.user)
    form = None
    if may_edit:
        form = AttendanceForm(request.POST or None, session=session, staff=training.attendable_staff())
        if request.method == "POST":
            if form.is_valid():
                training.record_attendance(request.user, session, form.attendance_rows())
                messages.success(request, _("Attendance and evaluation saved."))
                return redirect("reception_training:session", session.pk)
            messages.error(request, _("The attendance could not be saved. Check the marked fields."))
    attendances = session.attendances.select_related("user").order_by("user__last_name", "user__username")
    return render(
        request,
        "reception/training_session.html",
        {"session": session, "form": form, "attendances": attendances, "may_edit": may_edit},
    )


def _record_context(person):
    state = training.training_state(person)
    return {
        "person": person,
        "attendances": training.record(person),
        "valid_until": training.valid_until(person),
        "state": state,
        "state_label": training.state_label(state),
        "validity_months": training.validity_months(),
    }


@never_cache
def people(request):
    _forbid_unless(training.may_read_all(request.user))
    rows = []
    for person in training.attendable_staff():
        state = training.training_state(person)
        rows.append((person, training.valid_until(person), training.state_label(state), state))
    return render(request, "reception/training_people.html", {"rows": rows})


@never_cache
def person_record(request, user_pk):
    person = get_object_or_404(get_user_model(), pk=user_pk)
    _forbid_unless(training.may_read_record(request.user, person))
    return render(request, "reception/training_record.html", {**_record_context(person), "own": False})


@never_cache
def my_record(request):
    return render(request, "reception/training_record.html", {**_record_context(request.user), "own": True})


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=9999)


@never_cache
def report(request, fmt):
    _forbid_unless(training.may_read_all(request.user))
    if fmt not in exports.FORMATS:
        raise PermissionDenied
    form = YearForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a year between 2000 and 9999 for the training report."))
        return redirect("reception_training:index")
    year = form.cleaned_data["year"]
    return exports.spreadsheet_response(
        fmt,
        f"training-{year}",
        training.report_header(),
        training.report_rows(year),
        sheet_title=_("Training %(year)s") % {"year": year},
    )


urlpatterns = [
    path("", plan_index, name="index"),
    path("plans/new/", plan_edit, name="plan_new"),
    path("plans/<int:pk>/", plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("plans/<int:plan_pk>/sessions/new/", session_edit, name="session_new"),
    path("plans/<int:plan_pk>/sessions/<int:pk>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:pk>/", session_detail, name="session"),
    path("people/", people, name="people"),
    path("people/<int:user_pk>/", person_record, name="person"),
    path("mine/", my_record, name="mine"),
    path("report.<slug:fmt>", report, name="report"),
]


@hooks.register("register_admin_urls")
def register_training_urls():
    return [
        path(
            "reception/training/",
            include((urlpatterns, "reception_training"), namespace="reception_training"),
        )
    ]


class TrainingMenuItem(MenuItem):
    def is_shown(self, request):
        return training.may_read_all(request.user)


class MyTrainingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_authenticated


@hooks.register("register_reception_menu_item")
def register_training_menu():
    return TrainingMenuItem(
        gettext_lazy("Training"), reverse_lazy("reception_training:index"), icon_name="doc-full", order=300
    )


@hooks.register("register_reception_menu_item")
def register_my_training_menu():
    return MyTrainingMenuItem(
        gettext_lazy("My training"), reverse_lazy("reception_training:mine"), icon_name="user", order=310
    )


def person_url(user):
    return reverse("reception_training:person", args=[user.pk])
