"""The back office's place in the Wagtail admin: case screens and lists, the casework menu, and the
casework snippets. Every admin URL of the casework is registered here, through Wagtail's hooks (the
ledger and statistics in reporting, the deletion ledger in retention)."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import access, home, roles, urls
from .models import CalendarDay, Department, DepartmentMembership, ReplyTemplate
from .time_limit_admin import StageLimitChangeViewSet, StageLimitRuleViewSet


@hooks.register("register_admin_urls")
def register_casework_urls():
    return [path("cases/", include((urls.urlpatterns, "casework"), namespace="casework"))]


class CaseworkHomePanel(Component):
    """The counts of what waits for the user (casework.home), each linking to its list."""

    name = "casework_home"
    order = 10
    template_name = "casework/home_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        return {"counts": home.counts_for(self.request.user)}


@hooks.register("construct_homepage_panels")
def add_casework_home_panel(request, panels):
    if access.is_casework_staff(request.user):
        panels.insert(0, CaseworkHomePanel(request))


@hooks.register("construct_homepage_summary_items")
def leave_out_page_summary(request, items):
    # Page, image and document counts (and the page search beside them, see
    # templates/wagtailadmin/home.html) are for those who edit the site; casework staff get their
    # case counts instead.
    if access.is_casework_staff(request.user) and not user_has_any_page_permission(request.user):
        items.clear()


class RoleMenuItem(MenuItem):
    def __init__(self, label, url_name, roles_allowed, **kwargs):
        self.roles_allowed = roles_allowed
        super().__init__(label, reverse_lazy(url_name), **kwargs)

    def is_shown(self, request):
        return access.has_role(request.user, *self.roles_allowed)


class CaseworkSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return access.is_casework_staff(request.user)


casework_menu = Menu(
    items=[
        RoleMenuItem(
            _("Cases"),
            "casework:case_index",
            access.CASEWORK_ROLES,
            icon_name="folder-open-inverse",
            order=100,
        ),
        RoleMenuItem(
            _("Register a case"),
            "casework:case_register",
            (roles.INTAKE_OFFICER, roles.SUPERVISOR),
            icon_name="plus",
            order=200,
        ),
        RoleMenuItem(
            _("Walk-in visits"),
            "casework:visit_index",
            (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER, roles.AUDITOR),
            icon_name="group",
            order=300,
        ),
        RoleMenuItem(
            _("Tracking ledger"),
            "ledger:ledger",
            access.CASEWORK_ROLES,
            icon_name="list-ul",
            order=310,
        ),
        RoleMenuItem(
            _("Rectification ledger"),
            "rectification:ledger",
            access.CASEWORK_ROLES,
            icon_name="tick",
            order=315,
        ),
        RoleMenuItem(
            _("Stalled cases"),
            "ledger:stalled",
            (roles.SUPERVISOR, roles.MANAGER),
            icon_name="time",
            order=320,
        ),
        RoleMenuItem(
            _("Supervision notices"),
            "casework:supervision_notices",
            access.CASEWORK_ROLES,
            icon_name="warning",
            order=325,
        ),
        RoleMenuItem(
            _("Failed notifications"),
            "ledger:outbox_failed",
            access.CASEWORK_ROLES,
            icon_name="warning",
            order=330,
        ),
        RoleMenuItem(
            _("Personal data access log"),
            "casework:access_log",
            (roles.AUDITOR, roles.SUPERVISOR, roles.ADMINISTRATOR),
            icon_name="view",
            order=400,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_casework_menu():
    return CaseworkSubmenu(_("Casework"), casework_menu, icon_name="folder-open-inverse", order=150)


class DepartmentViewSet(ModelViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name", "code", "parent", "is_active"]
    search_fields = ["name", "code"]
    form_fields = ["name", "code", "parent", "is_active"]


class DepartmentMembershipViewSet(ModelViewSet):
    model = DepartmentMembership
    icon = "user"
    menu_label = _("Department staff")
    list_display = ["user", "department", "role"]
    list_filter = ["department", "role"]
    form_fields = ["user", "department", "role"]


class CalendarDayViewSet(ModelViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("Holiday calendar")
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    form_fields = ["date", "kind", "name"]


class CaseworkSetupGroup(ViewSetGroup):
    menu_label = _("Casework setup")
    menu_icon = "cogs"
    menu_order = 850
    items = (
        DepartmentViewSet("departments"),
        DepartmentMembershipViewSet("department_staff"),
        CalendarDayViewSet("calendar"),
        StageLimitRuleViewSet("time_limits"),
        StageLimitChangeViewSet("time_limit_changes"),
    )


@hooks.register("register_admin_viewset")
def register_casework_setup():
    return CaseworkSetupGroup()


class ReplyTemplateViewSet(SnippetViewSet):
    model = ReplyTemplate
    icon = "doc-full"
    menu_label = _("Reply templates")
    list_display = ["title", "category"]
    list_filter = ["category"]


@hooks.register("register_admin_viewset")
def register_reply_templates():
    return ReplyTemplateViewSet()
