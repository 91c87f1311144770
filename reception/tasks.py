"""Periodic work of the reception office (thin wrappers over the services)."""

from celery import shared_task

from . import appointments


@shared_task(name="reception.tasks.send_appointment_reminders")
def send_appointment_reminders():
    """The day-before reminders; safe to run any number of times a day."""
    return appointments.send_reminders()
