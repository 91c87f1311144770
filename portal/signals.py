from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache


def purge_page_cache(**kwargs):
    cache.purge()


def connect():
    from wagtail.models import Page

    from casework.models import StageLimits

    from .models import PortalSettings

    page_published.connect(purge_page_cache, dispatch_uid="portal-purge-published")
    page_unpublished.connect(purge_page_cache, dispatch_uid="portal-purge-unpublished")
    post_page_move.connect(purge_page_cache, dispatch_uid="portal-purge-moved")
    post_delete.connect(purge_page_cache, sender=Page, dispatch_uid="portal-purge-deleted")
    post_save.connect(purge_page_cache, sender=PortalSettings, dispatch_uid="portal-purge-settings")
    # Pages show the stage limits in their text (portal/placeholders.py).
    post_save.connect(purge_page_cache, sender=StageLimits, dispatch_uid="portal-purge-stage-limits")
