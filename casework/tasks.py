"""Background jobs of the casework: the supervision round and the hourly housekeeping.

Tasks are safe to run twice: the unique supervision notices and the messages' dedupe keys make a
repeated round record and send nothing new.
"""

from celery import shared_task

from . import housekeeping as housekeeping_service
from . import supervision


@shared_task
def supervise():
    """The daily supervision round (reminders, notices, escalation)."""
    return supervision.run()


@shared_task
def housekeeping():
    """Hourly: expired sessions and captchas, old online-submission receipts, orphaned uploads."""
    return housekeeping_service.run()
