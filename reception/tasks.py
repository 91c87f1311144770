from celery import shared_task

from . import inspections


@shared_task
def external_supervision_round():
    """Daily: questionnaires to the citizens of cases closed N days ago, reminders of overdue
    inspection findings."""
    return {
        "questionnaires": inspections.send_questionnaires(),
        "finding_reminders": inspections.remind_overdue_findings(),
    }
