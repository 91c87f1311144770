"""The messages to a citizen about their booking (confirmation, move, cancellation, reminder), as the
outbox renders them: reception.apps registers render_message for the "appointment_" templates."""

from django.utils.translation import gettext as _

from casework import crypto

from .appointments import describe_slot
from .models.appointments import Appointment
from .public import AppointmentPage


def manage_url(language):
    """The booking page's "manage your booking" address, absolute ("" without a page)."""
    pages = AppointmentPage.objects.live().select_related("locale")
    page = pages.filter(locale__language_code__iexact=language).first() or pages.first()
    url = page.get_full_url() if page is not None else ""
    return f"{url}manage/" if url else ""


def render_message(message):
    """(subject, lines) of an appointment message, in the active language."""
    ctx = message.context
    appointment = Appointment.objects.select_related("slot").filter(pk=ctx.get("appointment")).first()
    if appointment is None:
        return _("Your appointment"), []
    params = {"reference": appointment.reference, "when": describe_slot(appointment.slot)}
    url = manage_url(message.language)
    manage = (
        _("To cancel or move it, open %(url)s with the reference and your code.") % {"url": url}
        if url
        else _("To cancel or move it, use the booking page of the portal with the reference and your code.")
    )
    template = message.template
    if template == "appointment_booked":
        subject = _("Your appointment %(reference)s at the reception room") % params
        lines = [
            _("You have booked a visit to the reception room on %(when)s.") % params,
            _("Booking reference: %(reference)s. Your code: %(code)s.")
            % {"reference": appointment.reference, "code": crypto.decrypt(ctx.get("code", ""))},
            manage,
        ]
    elif template == "appointment_moved":
        subject = _("Your appointment %(reference)s was moved") % params
        lines = [_("Your visit to the reception room is now on %(when)s.") % params, manage]
    elif template == "appointment_cancelled":
        subject = _("Your appointment %(reference)s was cancelled") % params
        lines = [_("Your visit to the reception room on %(when)s is cancelled.") % params]
    elif template == "appointment_reminder":
        subject = _("Reminder: your appointment %(reference)s tomorrow") % params
        lines = [
            _("We expect you at the reception room on %(when)s. Please bring your identity document.")
            % params,
            manage,
        ]
    else:
        raise ValueError(f"unknown message template {template!r}")
    return subject, lines
