"""The duty roster's week view in the back office: managers and supervisors add and remove
entries (reception.roster refuses staff without valid training, with the reason); intake officers
and auditors read it."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import roster, training
from .admin_training import DateInput
from .models import DutyShift


class DutyForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    shift = forms.ChoiceField(label=gettext_lazy("Shift"), choices=DutyShift.Shift.choices)
    user = forms.ModelChoiceField(label=gettext_lazy("Staff member"), queryset=None)
    leadership = forms.BooleanField(label=gettext_lazy("Leadership reception"), required=False)
    title = forms.CharField(label=gettext_lazy("Leader's title"), required=False, max_length=100)
    published = forms.BooleanField(
        label=gettext_lazy("Publish this leadership reception day on the portal"), required=False
    )
    name_public = forms.BooleanField(
        label=gettext_lazy("Show the leader's name and title on the portal"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = training.trained_staff()
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


def _monday(request):
    raw = request.GET.get("week", "")
    try:
        day = date.fromisoformat(raw) if raw else training.today()
        if not 2000 <= day.year <= 9998:  # the week's neighbours must stay within the calendar
            raise ValueError(raw)
    except ValueError:
        messages.error(request, _("That is not a date; showing this week."))
        day = training.today()
    return roster.week_start(day)


@never_cache
def week_view(request):
    if not roster.may_read(request.user):
        raise PermissionDenied
    start = _monday(request)
    may_edit = roster.may_edit(request.user)
    form = None
    if may_edit:
        form = DutyForm(request.POST or None, initial={"date": start})
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    roster.assign(
                        request.user,
                        day=data["date"],
                        shift=data["shift"],
                        user=data["user"],
                        leadership=data["leadership"],
                        title=data["title"],
                        published=data["published"],
                        name_public=data["name_public"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Added to the duty roster."))
                    week = roster.week_start(data["date"]).isoformat()
                    return redirect(f"{reverse('reception_roster:week')}?week={week}")
            messages.error(request, _("The entry could not be added. See the reason below."))
    return render(
        request,
        "reception/roster_week.html",
        {
            "rows": roster.week(start),
            "start": start,
            "end": start + timedelta(days=6),
            "previous": (start - timedelta(days=7)).isoformat(),
            "next": (start + timedelta(days=7)).isoformat(),
            "form": form,
            "may_edit": may_edit,
        },
    )


@require_POST
def remove_entry(request, pk):
    entry = get_object_or_404(DutyShift, pk=pk)
    roster.remove(request.user, entry)
    messages.success(request, _("Removed from the duty roster."))
    return redirect(f"{reverse('reception_roster:week')}?week={roster.week_start(entry.date).isoformat()}")


urlpatterns = [
    path("", week_view, name="week"),
    path("<int:pk>/remove/", remove_entry, name="remove"),
]


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path("reception/roster/", include((urlpatterns, "reception_roster"), namespace="reception_roster"))
    ]


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return roster.may_read(request.user)


@hooks.register("register_reception_menu_item")
def register_roster_menu():
    return RosterMenuItem(
        gettext_lazy("Duty roster"), reverse_lazy("reception_roster:week"), icon_name="date", order=200
    )
