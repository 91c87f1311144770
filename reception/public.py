"""The public booking page (no account): choose a day, then a time with free places, leave a name
and a contact; then, with the booking reference and code, cancel or move the booking.

Works without scripts: the day is chosen with a plain link (?date=…), the time with radios. The
rules are reception.appointments'; these views only collect and check what the citizen typed.
Nothing here is cached: the pages show free places and personal data.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from portal import ratelimit
from portal.appeals import PHONE_RE, no_store
from portal.captcha import PortalCaptchaField, unchecked, wants_new_picture
from portal.ratelimit import rate_limited

from . import appointments
from .appointments import BookingRefused
from .models.appointments import Appointment

RECEIPT_KEY = "appointment_receipt"
MANAGED_KEY = "appointment_managed"


def slot_label(slot):
    places = ngettext("%(count)d place free", "%(count)d places free", slot.free) % {"count": slot.free}
    return f"{slot.starts:%H:%M}–{slot.ends:%H:%M} ({places})"


def slot_choices(slots):
    return [(slot.key, slot_label(slot)) for slot in slots if slot.free]


class SlotForm(forms.Form):
    # The radios offer the chosen day's times with free places; what is sent is checked by the
    # booking rules, which say why a time cannot be had (full meanwhile, closed, past).
    slot = forms.CharField(
        label=_("Time"), widget=forms.RadioSelect, error_messages={"required": _("Choose a time.")}
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].widget.choices = slot_choices(slots)

    def clean_slot(self):
        key = self.cleaned_data["slot"]
        if appointments.parse_key(key) is None:
            raise ValidationError(_("Choose a time from the list."))
        return key


class BookingForm(SlotForm):
    name = forms.CharField(
        label=_("Your name"), max_length=100, error_messages={"required": _("Give your name.")}
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    topic = forms.CharField(
        label=_("What would you like to talk about?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words, so that the right person can receive you."),
        error_messages={"required": _("Say in a few words what you would like to talk about.")},
    )
    captcha = PortalCaptchaField()
    # Invisible to people; bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(_("Enter a phone number with digits only (spaces, + and - are allowed)."))
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not {"phone", "email"} & set(self.errors):
            self.add_error("phone", _("Give a phone number or an e-mail address for the confirmation."))
        return data


class ManageForm(forms.Form):
    reference = forms.CharField(label=_("Booking reference"), max_length=20)
    code = forms.CharField(label=_("Code"), max_length=20)


def chosen_day(request, days):
    """The day picked with ?date= among the days with slots, else None."""
    try:
        wanted = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None, None
    for day, slots in days:
        if day == wanted:
            return day, slots
    return wanted, None


def _day_context(request, page, days):
    day, slots = chosen_day(request, days)
    closed_day = day if day is not None and slots is None else None
    return {
        "days": [{"date": d, "free": sum(s.free for s in ss), "topic": ss[0].day} for d, ss in days],
        "day": day if slots is not None else None,
        "slots": slots or [],
        "closed_day": closed_day,
        "topic_days": appointments.published_days(),
    }


def booking_view(request, page):
    if request.method == "POST" and ratelimit.over_limit(
        request, "appointment", "APPEAL_SUBMISSIONS_PER_HOUR"
    ):
        return ratelimit.too_many(request, 3600)
    days = appointments.bookable_days()
    if request.method == "POST":
        wanted = appointments.parse_key(request.POST.get("slot", ""))
        request.GET = request.GET.copy()
        if wanted:
            request.GET["date"] = wanted[0].isoformat()
    context = _day_context(request, page, days)
    slots = context["slots"]
    if wants_new_picture(request):
        form = unchecked(BookingForm(request.POST, slots=slots))
    elif request.method == "POST":
        form = BookingForm(request.POST, slots=slots)
        if form.is_valid():
            ratelimit.count_accepted(request, "appointment")
            data = form.cleaned_data
            if data["website"]:
                request.session[RECEIPT_KEY] = {"discarded": True}
                return redirect(page.url + "booked/")
            try:
                appointment, code = appointments.book(
                    slot_key=data["slot"],
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    topic=data["topic"],
                    language=translation.get_language(),
                )
            except BookingRefused as refused:
                form.add_error("slot", refused.message)
            else:
                request.session[RECEIPT_KEY] = {
                    "reference": appointment.reference,
                    "code": code,
                    "when": _when(appointment),
                    "email": bool(appointment.email),
                }
                return redirect(page.url + "booked/")
    else:
        form = BookingForm(slots=slots)
    context.update({"page": page, "self": page, "form": form})
    return no_store(render(request, "reception/booking_page.html", context))


def _when(appointment):
    return appointments.describe_slot(appointment.slot)


def booked_view(request, page):
    receipt = request.session.pop(RECEIPT_KEY, None)
    return no_store(
        render(request, "reception/booking_receipt.html", {"page": page, "self": page, "receipt": receipt})
    )


@rate_limited("appointment-manage", "TRACKING_ATTEMPTS_PER_HOUR")
def _lookup(request, page):
    form = ManageForm(request.POST)
    if form.is_valid():
        appointment = appointments.find(form.cleaned_data["reference"], form.cleaned_data["code"])
        if appointment is not None:
            request.session[MANAGED_KEY] = appointment.pk
            return redirect(page.url + "manage/")
        form.add_error(None, _("No booking matches this reference and code. Check both and try again."))
    return _render_manage(request, page, None, lookup_form=form)


def _managed(request):
    pk = request.session.get(MANAGED_KEY)
    if not pk:
        return None
    return Appointment.objects.select_related("slot").filter(pk=pk).first()


def manage_view(request, page):
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "lookup":
        return _lookup(request, page)
    appointment = _managed(request)
    if action == "forget":
        request.session.pop(MANAGED_KEY, None)
        return redirect(page.url + "manage/")
    if appointment is None:
        return _render_manage(request, page, None)
    if action == "cancel":
        try:
            appointments.cancel(appointment)
        except BookingRefused as refused:
            return _render_manage(request, page, appointment, error=refused.message)
        request.session["appointment_notice"] = "cancelled"
        return redirect(page.url + "manage/")
    if action == "move":
        wanted = appointments.parse_key(request.POST.get("slot", ""))
        request.GET = request.GET.copy()
        if wanted:
            request.GET["date"] = wanted[0].isoformat()
        days = appointments.bookable_days()
        _day, slots = chosen_day(request, days)
        form = SlotForm(request.POST, slots=slots or [])
        if form.is_valid():
            try:
                appointments.move(appointment, form.cleaned_data["slot"])
            except BookingRefused as refused:
                form.add_error("slot", refused.message)
            else:
                request.session["appointment_notice"] = "moved"
                return redirect(page.url + "manage/")
        return _render_manage(request, page, appointment, move_form=form, days=days)
    return _render_manage(request, page, appointment)


def _render_manage(request, page, appointment, lookup_form=None, move_form=None, error="", days=None):
    context = {"page": page, "self": page, "appointment": appointment, "error": error}
    context["notice"] = request.session.pop("appointment_notice", None)
    if appointment is None:
        context["lookup_form"] = lookup_form or ManageForm()
    else:
        context["when"] = _when(appointment)
        context["changeable"] = appointments.changeable(appointment)
        if context["changeable"]:
            days = days if days is not None else appointments.bookable_days()
            context.update(_day_context(request, page, days))
            context["move_form"] = move_form or SlotForm(slots=context["slots"])
    return no_store(render(request, "reception/booking_manage.html", context))


class AppointmentPage(RoutablePageMixin, Page):
    """Booking a visit to the reception room (no account): choose a time with free places, leave a
    name and a contact, get a booking reference and a code to cancel or move it. The answers never
    pass through the page cache; the rules are in reception.appointments."""

    intro = models.TextField(blank=True, verbose_name=_("introduction"))
    privacy_notice = RichTextField(blank=True, verbose_name=_("privacy notice"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("privacy_notice")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("appointment booking page")

    @path("")
    def booking_route(self, request):
        return booking_view(request, self)

    @path("booked/", name="booked")
    def booked_route(self, request):
        return booked_view(request, self)

    @path("manage/", name="manage")
    def manage_route(self, request):
        return manage_view(request, self)
