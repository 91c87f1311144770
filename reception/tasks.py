"""Background jobs of the reception office, thin wrappers over its services. Safe to run twice: the
dedupe keys of the messages make a repeated run queue nothing new."""

from celery import shared_task

from . import appointments, inspections, training


@shared_task
def training_reminders():
    """Daily: remind staff whose training is missing, expired or about to expire."""
    return training.send_reminders()


@shared_task
def external_supervision_round():
    """Daily: questionnaires to the citizens of cases closed N days ago, reminders of overdue
    inspection findings."""
    return {
        "questionnaires": inspections.send_questionnaires(),
        "finding_reminders": inspections.remind_overdue_findings(),
    }


@shared_task(name="reception.tasks.send_appointment_reminders")
def send_appointment_reminders():
    """The day-before reminders; safe to run any number of times a day."""
    return appointments.send_reminders()
