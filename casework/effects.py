"""Side effects of the command layer: domain events, consumed once per unit of work.

A command records what happened as domain events: a case changed, the citizen is told of a public
step, a member of staff gets a message. When the outermost unit of work ends, still inside its
transaction, each consumer receives the whole batch once and writes its outbox rows: notifications
queue their messages, the case search rewrites each changed case's entry once and marks it as
waiting for Elasticsearch. Those rows commit or roll back with the change itself. After the commit
each consumer's follow-up (one task: deliver these messages, send these documents) goes to the
broker; if the broker is down the rows wait for the periodic sweep, so nothing is lost.

Consumers subscribe in their app's ready(); this module imports none of them.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

CASE_CHANGED = "case.changed"
CITIZEN_INFORMED = "citizen.informed"  # data: event (the public timeline entry's id)
STAFF_NOTIFIED = "staff.notified"  # data: template, user, key, context
MESSAGE_QUEUED = "message.queued"  # data: message (an outbox row's id)
ACCESS_CODE_ISSUED = "access_code.issued"  # data: code (encrypted), key (once per issue)


@dataclass(frozen=True, eq=False)
class DomainEvent:
    name: str
    case_id: int | None
    data: dict = field(default_factory=dict)


_consumers = {}
_local = threading.local()


def subscribe(name, consumer):
    """consumer(events) runs inside the transaction; it may return a callable to run after the commit."""
    _consumers[name] = consumer


def _pending():
    return getattr(_local, "pending", None)


@contextmanager
def unit_of_work():
    """Collect the domain events of everything inside; publish them once, before the commit."""
    if _pending() is not None:
        yield  # nested: the outermost unit publishes
        return
    _local.pending = []
    try:
        with transaction.atomic():
            yield
            _publish()
    finally:
        _local.pending = None


def emit(name, case_id=None, **data):
    if _pending() is None:
        with unit_of_work():
            _pending().append(DomainEvent(name, case_id, data))
        return
    _pending().append(DomainEvent(name, case_id, data))


def _publish():
    follow_ups = []
    # Consumers may emit too (a message they queued): those events make one more round.
    while _local.pending:
        events, _local.pending = _local.pending, []
        for consumer in list(_consumers.values()):
            follow_up = consumer(events)
            if follow_up:
                follow_ups.append(follow_up)
    for follow_up in follow_ups:
        transaction.on_commit(follow_up)


def case_ids(events, *names):
    """The distinct cases of the events (of the given names), in order."""
    return list(dict.fromkeys(e.case_id for e in events if e.case_id and (not names or e.name in names)))
