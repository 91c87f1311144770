from wagtail.signals import page_published, page_unpublished

from . import pages


# The entries live in the same database as the pages, so indexing inside the publishing transaction
# keeps them in step: a rolled-back publish rolls back its entry too. (Cases are indexed from the
# command layer's domain events: search/tasks.py.)
def _page_changed(sender, instance, **kwargs):
    pages.index_page(instance.pk)


def connect():
    page_published.connect(_page_changed, dispatch_uid="case_search.page_published")
    page_unpublished.connect(_page_changed, dispatch_uid="case_search.page_unpublished")
