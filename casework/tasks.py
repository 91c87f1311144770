"""Background jobs of the casework: delivering the outbox and supervising deadlines.

Tasks only read the database and are safe to run twice: the outbox's status and dedupe keys, and the
unique supervision notices, make a repeated run send and record nothing new.
"""

from celery import shared_task

from appeals.tasks import send

from . import housekeeping as housekeeping_service
from . import notifications, retention, supervision
from .models import Event, OutboxMessage

# Messages one periodic sweep sends at most, so that a backlog left by a broker outage is worked off
# over a few runs instead of one run that outlasts its schedule; the rest waits for the next sweep.
OUTBOX_SWEEP_BATCH = 500


@shared_task
def deliver_outbox(message_ids=None):
    """Send the queued messages (or everything due when no ids are given)."""
    return notifications.deliver_due(message_ids=message_ids)


def outbox_consumer(events):
    """The command layer's events become outbox rows now, and one delivery task after the commit."""
    queued = notifications.consume(events)
    if queued:
        return lambda: send(deliver_outbox, queued)
    return None


@shared_task
def sweep_outbox():
    """The periodic catch-up: messages queued while the broker was down, and retries now due."""
    return notifications.deliver_due(limit=OUTBOX_SWEEP_BATCH)


@shared_task
def supervise():
    """The daily supervision round (reminders, notices, escalation)."""
    return supervision.run()


@shared_task
def notify_citizen(event_id):
    """Make sure a public event's message is in the outbox and deliver it; True if it was sent now."""
    event = Event.objects.select_related("case").filter(pk=event_id, is_public=True).first()
    if event is None:
        return False
    notifications.queue_for_event(event)
    message = OutboxMessage.objects.filter(dedupe_key=f"event:{event.pk}").first()
    return bool(message) and notifications.deliver_due(message_id=message.pk) == 1


@shared_task
def erase_expired_personal_data():
    """The daily retention run: personal data of cases closed longer than the retention period."""
    return retention.run()


# The statistics roll-up tasks live with their service; importing them here registers them with the
# worker, which only autodiscovers each app's tasks module.
from .statistics import recompute_statistics_day, refresh_statistics  # noqa: E402,F401


@shared_task
def housekeeping():
    """Hourly: expired sessions and captchas, old online-submission receipts, orphaned uploads."""
    return housekeeping_service.run()
