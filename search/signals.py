from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from . import pages


# The entries live in the same database as the pages, so indexing inside the publishing transaction
# keeps them in step: a rolled-back publish rolls back its entry too.
def _page_changed(sender, instance, **kwargs):
    pages.index_page(instance.pk)


# A case's database entry changes in the same transaction as the case, like the page entries, so
# it is never ahead of or behind the case. Elasticsearch lives outside the transaction: its document
# is sent by a task after the commit, and until then the entry is marked as waiting for it.
def _case_changed(sender, instance, **kwargs):
    _index(instance.pk)


def _part_changed(sender, instance, **kwargs):
    if instance.case_id:
        _index(instance.case_id)


def _index(case_id):
    from appeals.tasks import enqueue_on_commit
    from casework.signals import defer_case_change

    if defer_case_change(case_id):
        return

    from . import cases
    from .tasks import send_case_to_elasticsearch

    cases.update_entry(case_id)
    if cases.elasticsearch_enabled():
        enqueue_on_commit(send_case_to_elasticsearch, case_id)


def _batch_ended(sender, case_ids, **kwargs):
    for case_id in case_ids:
        _index(case_id)


def connect():
    from casework.models import Case, Event, Outcome, Visit
    from casework.signals import cases_changed

    cases_changed.connect(_batch_ended, dispatch_uid="case_search.cases_changed")
    page_published.connect(_page_changed, dispatch_uid="case_search.page_published")
    page_unpublished.connect(_page_changed, dispatch_uid="case_search.page_unpublished")
    post_save.connect(_case_changed, sender=Case, dispatch_uid="case_search.case_saved")
    post_delete.connect(_case_changed, sender=Case, dispatch_uid="case_search.case_deleted")
    for model in (Event, Outcome, Visit):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"case_search.{model.__name__}_saved")
