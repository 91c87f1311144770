"""Background jobs of the case search, and its consumer of the command layer's domain events."""

from celery import shared_task

from appeals.tasks import enqueue_on_commit, send
from casework import effects

from . import cases


def index_consumer(events):
    """Each changed case's database entry, once per unit of work and in its transaction; with
    Elasticsearch, the entries stay marked as waiting until one task sends their documents."""
    changed = effects.case_ids(events, effects.CASE_CHANGED)
    if not changed:
        return None
    for case_id in changed:
        cases.update_entry(case_id)
    if cases.elasticsearch_enabled():
        return lambda: send(send_cases_to_elasticsearch, changed)
    return None


@shared_task(ignore_result=True)
def send_cases_to_elasticsearch(case_ids):
    for case_id in case_ids:
        cases.send_to_elasticsearch(case_id)


@shared_task(ignore_result=True)
def catch_up_case_index():
    """Send Elasticsearch the cases it missed while down (also worth scheduling, e.g. every 5 minutes)."""
    if not cases.elasticsearch_enabled():
        return 0
    return cases.catch_up()


def catch_up_soon():
    """After a search Elasticsearch answered: if cases are waiting for it, send them in the background."""
    if cases.pending_for_elasticsearch():
        enqueue_on_commit(catch_up_case_index)
