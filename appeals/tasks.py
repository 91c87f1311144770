import logging

from celery import shared_task
from django.db import connection, transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from wagtail.models import Locale

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached (kombu wraps most of these, but not all
# code paths do). celery.exceptions.OperationalError is kombu's class. Anything else, such as a
# task argument that cannot be serialised, is a bug and must not be hidden.
BROKER_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)


@shared_task
def ping():
    """Round trip through the broker: proves a worker is up and reads the same database."""
    return {"pong": True, "database": connection.vendor, "locales": Locale.objects.count()}


def send(task, *args):
    """Send `task` to the broker now (after a commit: the follow-ups of a unit of work).

    The database row a task works from is the source of truth, so a broker that is down only delays
    the work (a periodic sweep picks it up); it must never turn the user's request into an error.
    """
    if task.app.conf.task_always_eager:
        # No broker is involved (tests, development): an exception is the task's own, and
        # swallowing it would let a broken task pass every test.
        task.apply(args=args, throw=True)
        return
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.warning("could not enqueue %s; a periodic sweep will retry", task.name, exc_info=True)


def enqueue_on_commit(task, *args):
    """Send `task` once the current transaction commits (work asked for outside a command)."""
    transaction.on_commit(lambda: send(task, *args))
