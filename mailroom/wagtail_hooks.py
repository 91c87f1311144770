"""The review queue's place in the back office: its URLs and a menu item for intake and supervisors."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from casework.wagtail_hooks import RoleMenuItem

from . import admin_views, review


@hooks.register("register_admin_urls")
def register_mailroom_urls():
    return [path("mailbox/", include((admin_views.urlpatterns, "mailroom"), namespace="mailroom"))]


@hooks.register("register_admin_menu_item")
def register_mailroom_menu_item():
    return RoleMenuItem(
        _("Mailbox review"), "mailroom:review_index", review.REVIEWERS, icon_name="mail", order=160
    )
