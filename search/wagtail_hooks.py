from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from casework import access

from . import admin_views


@hooks.register("register_admin_urls")
def register_case_search_url():
    return [path("case-search/", admin_views.case_search, name="case_search")]


class CaseSearchMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_casework_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_case_search_menu_item():
    return CaseSearchMenuItem(_("Search cases"), reverse("case_search"), icon_name="search", order=160)
