from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from casework.wagtail_hooks import RoleMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_partner_urls():
    return admin_views.admin_urls()


@hooks.register("register_admin_menu_item")
def register_partner_menu_item():
    return RoleMenuItem(
        _("Partner systems"), "partner_api_admin:index", admin_views.MANAGERS, icon_name="link", order=850
    )
