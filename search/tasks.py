"""Background jobs of the case search: thin wrappers over search.cases and search.elastic."""

from celery import shared_task

from . import cases


@shared_task(ignore_result=True)
def send_case_to_elasticsearch(case_id):
    cases.send_to_elasticsearch(case_id)


@shared_task(ignore_result=True)
def catch_up_case_index():
    """Send Elasticsearch the cases it missed while down (also worth scheduling, e.g. every 5 minutes)."""
    if not cases.elasticsearch_enabled():
        return 0
    from . import elastic

    return elastic.catch_up()
