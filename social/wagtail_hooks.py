"""The social-media drafts in intake's menu, and the accounts among the administrators' settings."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from casework import access

from . import urls
from .admin_views import INTAKE_ROLES
from .forms import SocialAccountForm
from .models import SocialAccount


@hooks.register("register_admin_urls")
def register_social_urls():
    return [path("social/", include((urls.admin_urlpatterns, "social"), namespace="social"))]


class DraftsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.has_role(request.user, *INTAKE_ROLES)


@hooks.register("register_admin_menu_item")
def register_drafts_menu_item():
    return DraftsMenuItem(
        _("Social media drafts"), reverse_lazy("social:draft_index"), icon_name="comment", order=160
    )


class SocialAccountViewSet(ModelViewSet):
    model = SocialAccount
    icon = "comment"
    menu_label = _("Social media accounts")
    add_to_settings_menu = True
    list_display = ["name", "platform", "slug", "active"]
    list_filter = ["platform", "active"]
    edit_handler = ObjectList(
        [FieldPanel(name) for name in SocialAccountForm.Meta.fields], base_form_class=SocialAccountForm
    )


@hooks.register("register_admin_viewset")
def register_social_accounts():
    return SocialAccountViewSet("social_accounts")
