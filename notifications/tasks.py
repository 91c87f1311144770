"""Delivering the outbox: one task per unit of work that queued messages, and the periodic sweep.

Delivery is safe to run twice: a message's status and its dedupe key make a repeated run send nothing
new. The task names are those the beat schedules of running deployments already hold.
"""

from celery import shared_task

from appeals.tasks import send
from casework.models import Event, OutboxMessage

from . import outbox

# Messages one periodic sweep sends at most, so that a backlog left by a broker outage is worked off
# over a few runs instead of one run that outlasts its schedule; the rest waits for the next sweep.
OUTBOX_SWEEP_BATCH = 500


@shared_task(name="casework.tasks.deliver_outbox")
def deliver_outbox(message_ids=None):
    """Send the queued messages (or everything due when no ids are given)."""
    if isinstance(message_ids, int):
        # One id: what releases before units of work sent, possibly still waiting in the broker.
        message_ids = [message_ids]
    return outbox.deliver_due(message_ids=message_ids)


def outbox_consumer(events):
    """The command layer's events become outbox rows now, and one delivery task after the commit."""
    queued = outbox.consume(events)
    if queued:
        return lambda: send(deliver_outbox, queued)
    return None


@shared_task(name="casework.tasks.sweep_outbox")
def sweep_outbox():
    """The periodic catch-up: messages queued while the broker was down, and retries now due."""
    return outbox.deliver_due(limit=OUTBOX_SWEEP_BATCH)


@shared_task(name="casework.tasks.notify_citizen")
def notify_citizen(event_id):
    """Make sure a public event's message is in the outbox and deliver it; True if it was sent now."""
    event = Event.objects.select_related("case").filter(pk=event_id, is_public=True).first()
    if event is None:
        return False
    outbox.queue_for_event(event)
    message = OutboxMessage.objects.filter(dedupe_key=f"event:{event.pk}").first()
    return bool(message) and outbox.deliver_due(message_id=message.pk) == 1
