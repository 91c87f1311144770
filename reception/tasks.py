"""Background jobs of the reception office. Safe to run twice: the reminders' dedupe keys make a
repeated run queue nothing new."""

from celery import shared_task

from . import training


@shared_task
def training_reminders():
    """Daily: remind staff whose training is missing, expired or about to expire."""
    return training.send_reminders()
