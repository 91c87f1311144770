import logging

from celery import shared_task
from django.db import connection, transaction
from wagtail.models import Locale

logger = logging.getLogger(__name__)


@shared_task
def ping():
    """Round trip through the broker: proves a worker is up and reads the same database."""
    return {"pong": True, "database": connection.vendor, "locales": Locale.objects.count()}


def enqueue_on_commit(task, *args):
    """Send `task` to the broker once the current transaction commits.

    The database row a task works from is the source of truth, so a broker that is down only delays
    the work (a periodic sweep picks it up); it must never turn the user's request into an error.
    """

    def send():
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - any broker or eager-task failure: the row is safe
            logger.warning(
                "could not enqueue %s%r; a periodic sweep will retry", task.name, args, exc_info=True
            )

    transaction.on_commit(send)
