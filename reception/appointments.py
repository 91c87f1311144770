"""Appointments for the reception room (預約接待): the rules.

Slots come from the reception page's weekly hours and dated exceptions (holidays, closures, special
hours) and the office's holiday calendar; each holds AppointmentSettings.capacity visitors (a
reception day with a topic may hold another number). Booking and moving lock the slot's row, so
the last place goes to one citizen only. Messages go through the outbox; views and tasks call these
functions and never change a booking themselves.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework import access, crypto, roles
from casework.models import CalendarDay, normalise_access_code
from portal import hours

from .models.appointments import (
    Appointment,
    AppointmentSettings,
    ReceptionDay,
    Slot,
    new_booking_code,
    new_booking_reference,
)

DESK_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR)
READ_ROLES = DESK_ROLES + (roles.MANAGER, roles.AUDITOR)
SETTINGS_ROLES = (roles.SUPERVISOR,)


class BookingRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SlotInfo:
    date: object
    starts: object
    ends: object
    capacity: int
    taken: int
    day: object = None  # the ReceptionDay with a topic, if any

    @property
    def free(self):
        return max(0, self.capacity - self.taken)

    @property
    def key(self):
        """How a form names the slot: 2026-12-03T09:30."""
        return f"{self.date.isoformat()}T{self.starts:%H:%M}"


def parse_key(key):
    """(date, time) from a slot key, or None."""
    try:
        moment = datetime.strptime(str(key), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return moment.date(), moment.time()


# --- The schedule --------------------------------------------------------------------------------


def reception_page():
    from portal.models import ReceptionPage

    return ReceptionPage.hours_source()


def opening_periods(day, page=None):
    """The day's (opens, closes) periods: the page's dated exception if it has one, else closed on a
    holiday of the office calendar, else the weekly hours."""
    page = page if page is not None else reception_page()
    if page is None:
        return []
    exceptions = list(page.dated_exceptions())
    if CalendarDay.objects.filter(date=day, kind=CalendarDay.Kind.HOLIDAY).exists():
        exceptions.append(hours.Exception_(day, closed=True))
    return hours.periods_on(day, page.weekly_periods(), exceptions)


def cut(day, periods, minutes):
    """The slots of a day's periods: whole slots only, a short remainder is left out."""
    length = timedelta(minutes=minutes)
    slots = []
    for opens, closes in periods:
        start = datetime.combine(day, opens)
        while start + length <= datetime.combine(day, closes):
            slots.append((start.time(), (start + length).time()))
            start += length
    return slots


def capacity_on(day, config=None, reception_day=None):
    config = config or AppointmentSettings.load()
    if reception_day is not None and reception_day.capacity:
        return reception_day.capacity
    return config.capacity


def slots_on(day, now=None, page=None, config=None):
    """The day's slots with their places; those already begun are left out."""
    now = timezone.localtime(now)
    config = config or AppointmentSettings.load()
    reception_day = ReceptionDay.objects.filter(date=day).first()
    capacity = capacity_on(day, config, reception_day)
    taken = dict(
        Slot.objects.filter(date=day)
        .annotate(taken=Count("appointments", filter=Q(appointments__status__in=Appointment.HOLDING)))
        .values_list("starts", "taken")
    )
    return [
        SlotInfo(day, starts, ends, capacity, taken.get(starts, 0), reception_day)
        for starts, ends in cut(day, opening_periods(day, page), config.slot_minutes)
        if datetime.combine(day, starts, tzinfo=now.tzinfo) > now
    ]


def bookable_days(now=None):
    """[(date, [SlotInfo])] from today to the horizon, days without any slot left out."""
    now = timezone.localtime(now)
    config = AppointmentSettings.load()
    page = reception_page()
    days = []
    for offset in range(config.horizon_days + 1):
        day = now.date() + timedelta(days=offset)
        slots = slots_on(day, now, page, config)
        if slots:
            days.append((day, slots))
    return days


def published_days(now=None):
    """Reception days with a topic from today on, as the portal shows them."""
    today = timezone.localdate(now)
    return ReceptionDay.objects.filter(published=True, date__gte=today)


def _slot_for(day, starts, now):
    """The SlotInfo for a requested slot, or BookingRefused with what is wrong with it."""
    now = timezone.localtime(now)
    config = AppointmentSettings.load()
    if day < now.date():
        raise BookingRefused(_("This date has passed. Choose another time."))
    if day > now.date() + timedelta(days=config.horizon_days):
        raise BookingRefused(
            _("Appointments can be booked up to %(days)d days ahead. Choose an earlier date.")
            % {"days": config.horizon_days}
        )
    if not opening_periods(day):
        raise BookingRefused(
            _("The reception room is closed on %(date)s (a holiday or closure). Choose another day.")
            % {"date": date_format(day, "DATE_FORMAT")}
        )
    for slot in slots_on(day, now, config=config):
        if slot.starts == starts:
            return slot
    raise BookingRefused(_("This time is not open for appointments any more. Choose another time."))


def _lock_slot(info):
    """The slot's row, locked until the transaction ends (created on first booking)."""
    try:
        with transaction.atomic():
            Slot.objects.get_or_create(date=info.date, starts=info.starts, defaults={"ends": info.ends})
    except IntegrityError:
        pass  # another booking created it at the same moment; lock that one
    slot = Slot.objects.select_for_update().get(date=info.date, starts=info.starts)
    taken = slot.appointments.filter(status__in=Appointment.HOLDING).count()
    if taken >= info.capacity:
        raise BookingRefused(_("This time has just been fully booked. Choose another time."))
    return slot


# --- The citizen's side --------------------------------------------------------------------------


def book(*, slot_key, name, phone="", email="", topic="", language="", now=None):
    """Book one place: (appointment, secret code). The code is shown once and sent with the
    confirmation; with the reference it lets the citizen cancel or move the booking."""
    when = parse_key(slot_key)
    if when is None:
        raise BookingRefused(_("Choose a time from the list."))
    info = _slot_for(*when, now)
    code = new_booking_code()
    with transaction.atomic():
        slot = _lock_slot(info)
        appointment = Appointment.objects.create(
            reference=_free_reference(),
            code_hash=crypto.hash_access_code(code),
            slot=slot,
            name=name.strip(),
            phone=phone.strip(),
            email=email.strip(),
            topic=topic.strip(),
            language=language or translation.get_language() or "",
        )
        _queue(
            appointment,
            "appointment_booked",
            f"appointment_booked:{appointment.pk}",
            code=crypto.encrypt(code),
        )
    return appointment, code


def _free_reference():
    for _attempt in range(10):
        reference = new_booking_reference()
        if not Appointment.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("no free booking reference")


def find(reference, code):
    """The booking with this reference and code, or None (any mismatch looks the same)."""
    reference = (reference or "").strip().upper()
    appointment = Appointment.objects.select_related("slot").filter(reference=reference).first()
    if appointment is None:
        crypto.hash_access_code("x" * 8)  # as long as a real check, so timing does not tell
        return None
    matches, _rehash = crypto.check_access_code(normalise_access_code(code), appointment.code_hash)
    return appointment if matches else None


def slot_start(appointment):
    return timezone.make_aware(datetime.combine(appointment.slot.date, appointment.slot.starts))


def slot_end(appointment):
    return timezone.make_aware(datetime.combine(appointment.slot.date, appointment.slot.ends))


def changeable(appointment, now=None):
    return appointment.status == Appointment.Status.BOOKED and slot_start(appointment) > timezone.localtime(
        now
    )


def _locked(appointment):
    return Appointment.objects.select_for_update().select_related("slot").get(pk=appointment.pk)


def cancel(appointment, now=None):
    """The citizen cancels: the place is offered again."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if not changeable(appointment, now):
            raise BookingRefused(_("This booking can no longer be cancelled."))
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["status", "cancelled_at"])
        _queue(appointment, "appointment_cancelled", f"appointment_cancelled:{appointment.pk}")
    return appointment


def move(appointment, slot_key, now=None):
    """The citizen moves the booking to another slot with a free place; the reference stays."""
    when = parse_key(slot_key)
    if when is None:
        raise BookingRefused(_("Choose a time from the list."))
    info = _slot_for(*when, now)
    with transaction.atomic():
        appointment = _locked(appointment)
        if not changeable(appointment, now):
            raise BookingRefused(_("This booking can no longer be moved."))
        if (appointment.slot.date, appointment.slot.starts) == when:
            raise BookingRefused(_("Your booking is already at this time. Choose another time."))
        appointment.slot = _lock_slot(info)
        appointment.moves += 1
        appointment.save(update_fields=["slot", "moves"])
        _queue(appointment, "appointment_moved", f"appointment_moved:{appointment.pk}:{appointment.moves}")
    return appointment


# --- At the desk ---------------------------------------------------------------------------------


def day_list(day):
    """The day's bookings in slot order, cancelled ones last."""
    return (
        Appointment.objects.filter(slot__date=day)
        .select_related("slot", "visit", "handled_by")
        .order_by("slot__starts", "created_at")
    )


def no_show_counts(day):
    """No-shows on the day and in the 30 days up to it."""
    rows = Appointment.objects.filter(status=Appointment.Status.NO_SHOW)
    return {
        "day": rows.filter(slot__date=day).count(),
        "thirty_days": rows.filter(slot__date__range=(day - timedelta(days=29), day)).count(),
    }


def _require_desk(actor):
    if not access.has_role(actor, *DESK_ROLES):
        raise BookingRefused(_("Only intake officers and supervisors receive visitors at the desk."))


def check_in(appointment, actor, now=None):
    """The visitor has arrived: the booking is checked in (once) and the visit register comes next."""
    _require_desk(actor)
    now = timezone.localtime(now)
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status == Appointment.Status.CHECKED_IN:
            return appointment
        if appointment.status != Appointment.Status.BOOKED:
            raise BookingRefused(_("Only a booked appointment can be checked in."))
        if appointment.slot.date != now.date():
            raise BookingRefused(_("Visitors are checked in on the day of their appointment."))
        appointment.status = Appointment.Status.CHECKED_IN
        appointment.checked_in_at = now
        appointment.handled_by = actor
        appointment.save(update_fields=["status", "checked_in_at", "handled_by"])
    return appointment


def record_no_show(appointment, actor, now=None):
    """The visitor did not come: recorded once the slot is over."""
    _require_desk(actor)
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status != Appointment.Status.BOOKED:
            raise BookingRefused(_("Only a booked appointment can be recorded as a no-show."))
        if slot_end(appointment) > timezone.localtime(now):
            raise BookingRefused(_("A no-show can be recorded only after the slot has ended."))
        appointment.status = Appointment.Status.NO_SHOW
        appointment.handled_by = actor
        appointment.save(update_fields=["status", "handled_by"])
    return appointment


def visit_initial(appointment):
    """What the visit register is prefilled with for a checked-in booking."""
    return {
        "visitor_count": 1,
        "visitor_names": appointment.name,
        "citizen_phone": appointment.phone,
        "citizen_email": appointment.email,
        "reason": appointment.topic,
    }


def checked_in_for_visit(pk):
    """The checked-in booking whose visit is still to be registered, or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Appointment.objects.select_related("slot")
        .filter(pk=pk, status=Appointment.Status.CHECKED_IN, visit__isnull=True)
        .first()
    )


def link_visit(appointment, visit):
    Appointment.objects.filter(pk=appointment.pk, visit__isnull=True).update(visit=visit)


# --- Messages ------------------------------------------------------------------------------------


def _queue(appointment, template, dedupe_key, **context):
    from notifications import outbox

    if appointment.email:
        channel, address = "email", appointment.email
    else:
        channel, address = "sms", appointment.phone
    return outbox.queue(
        template,
        dedupe_key=dedupe_key,
        address=address,
        channel=channel,
        language=appointment.language,
        appointment=appointment.pk,
        **context,
    )


def send_reminders(now=None):
    """A reminder the day before to every booking of tomorrow; running again sends none twice (the
    outbox's dedupe key is the booking and its date). Returns how many were queued."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    queued = 0
    due = Appointment.objects.filter(slot__date=tomorrow, status=Appointment.Status.BOOKED).select_related(
        "slot"
    )
    for appointment in due:
        key = f"appointment_reminder:{appointment.pk}:{tomorrow.isoformat()}"
        if _queue(appointment, "appointment_reminder", key) is not None:
            queued += 1
    return queued


def describe_slot(slot):
    """ "3 December 2026, 09:30–10:00" in the active language."""
    return _("%(date)s, %(start)s–%(end)s") % {
        "date": date_format(slot.date, "DATE_FORMAT"),
        "start": f"{slot.starts:%H:%M}",
        "end": f"{slot.ends:%H:%M}",
    }
