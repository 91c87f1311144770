"""The desk's appointments in the back office: today's bookings (or another day's), check-in, which
opens the visit register prefilled, and no-shows; supervisors set the slots' length and places and
keep the reception days with a topic. Intake officers and supervisors act; managers and auditors read.
Every change goes through reception.appointments."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks

from casework import access
from casework.wagtail_hooks import RoleMenuItem

from . import agreements, appointments
from .appointments import DESK_ROLES, READ_ROLES, SETTINGS_ROLES, BookingRefused
from .models import Appointment, AppointmentSettings, ReceptionDay


def _require(user, roles_allowed):
    if not access.has_role(user, *roles_allowed):
        raise PermissionDenied


def _day(request):
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def desk(request):
    _require(request.user, READ_ROLES)
    # Bookings carry visitors' names and contacts: the same gate as every other showing of them.
    if not access.has_accepted_confidentiality(request.user):
        return agreements.refuse(
            request, _("Accept the current confidentiality agreement before reading visitors' bookings.")
        )
    day = _day(request)
    rows = list(appointments.day_list(day))
    if rows:
        access.log_personal_data_access(request.user, None, f"appointments of {day.isoformat()}")
    now = timezone.localtime()
    for row in rows:
        row.can_no_show = row.status == Appointment.Status.BOOKED and appointments.slot_end(row) <= now
        row.can_check_in = row.status == Appointment.Status.BOOKED and day == now.date()
    return render(
        request,
        "reception/appointments_desk.html",
        {
            "day": day,
            "rows": rows,
            "counts": appointments.no_show_counts(day),
            "active": sum(1 for r in rows if r.status != Appointment.Status.CANCELLED),
            "can_act": access.has_role(request.user, *DESK_ROLES),
            "can_set_up": access.has_role(request.user, *SETTINGS_ROLES),
            "previous_day": day.fromordinal(day.toordinal() - 1),
            "next_day": day.fromordinal(day.toordinal() + 1),
        },
    )


def _back(appointment):
    return redirect(f"{reverse('reception_appointments:desk')}?date={appointment.slot.date.isoformat()}")


@require_POST
def check_in(request, pk):
    _require(request.user, DESK_ROLES)
    appointment = get_object_or_404(Appointment.objects.select_related("slot"), pk=pk)
    try:
        appointment = appointments.check_in(appointment, request.user)
    except BookingRefused as refused:
        messages.error(request, refused.message)
        return _back(appointment)
    if appointment.visit_id:
        return _back(appointment)
    return redirect(f"{reverse('casework:visit_create')}?appointment={appointment.pk}")


@require_POST
def no_show(request, pk):
    _require(request.user, DESK_ROLES)
    appointment = get_object_or_404(Appointment.objects.select_related("slot"), pk=pk)
    try:
        appointments.record_no_show(appointment, request.user)
    except BookingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Recorded as a no-show: %(reference)s.") % {"reference": appointment.reference}
        )
    return _back(appointment)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AppointmentSettings
        fields = ["slot_minutes", "capacity", "horizon_days"]


class ReceptionDayForm(forms.ModelForm):
    class Meta:
        model = ReceptionDay
        fields = [
            "date",
            "topic_zh_hant",
            "topic_zh_hans",
            "topic_en",
            "receiver",
            "leadership",
            "capacity",
            "published",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def set_up(request):
    """The slots' length and places, and the reception days with a topic (supervisors)."""
    _require(request.user, SETTINGS_ROLES)
    config = AppointmentSettings.load()
    form = SettingsForm(request.POST or None, instance=config, prefix="settings")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The appointment settings have been saved."))
        return redirect("reception_appointments:settings")
    days = ReceptionDay.objects.filter(date__gte=timezone.localdate() - timedelta(days=30))
    return render(request, "reception/appointment_settings.html", {"form": form, "days": days})


def reception_day(request, pk=None):
    _require(request.user, SETTINGS_ROLES)
    instance = get_object_or_404(ReceptionDay, pk=pk) if pk else None
    form = ReceptionDayForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if "delete" in request.POST and instance is not None:
            instance.delete()
            messages.success(request, _("The reception day has been deleted."))
            return redirect("reception_appointments:settings")
        if form.is_valid():
            form.save()
            messages.success(request, _("The reception day has been saved."))
            return redirect("reception_appointments:settings")
    return render(request, "reception/reception_day_form.html", {"form": form, "instance": instance})


urlpatterns = [
    path("", desk, name="desk"),
    path("<int:pk>/check-in/", check_in, name="check_in"),
    path("<int:pk>/no-show/", no_show, name="no_show"),
    path("settings/", set_up, name="settings"),
    path("days/new/", reception_day, name="day_create"),
    path("days/<int:pk>/", reception_day, name="day_edit"),
]


@hooks.register("register_admin_urls")
def register_appointment_urls():
    from django.urls import include

    # A namespace of its own: the other reception screens register theirs beside it.
    return [
        path(
            "reception/appointments/",
            include((urlpatterns, "reception_appointments"), namespace="reception_appointments"),
        )
    ]


@hooks.register("register_reception_menu_item")
def appointments_menu_item():
    return RoleMenuItem(
        gettext_lazy("Appointments"), "reception_appointments:desk", READ_ROLES, icon_name="date", order=100
    )


@hooks.register("register_reception_menu_item")
def appointment_settings_menu_item():
    return RoleMenuItem(
        gettext_lazy("Appointment settings"),
        "reception_appointments:settings",
        SETTINGS_ROLES,
        icon_name="cog",
        order=110,
    )
