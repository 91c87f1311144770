"""The back office's "Reception office" menu; each topic's admin module adds its items to it through
the register_reception_menu_item hook and is imported here so Wagtail sees its hooks."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import (  # noqa: F401 (imported for their hooks)
    admin_agreements,
    admin_appointments,
    admin_assessment,
    admin_inspections,
    admin_registers,
    admin_roster,
    admin_training,
)

reception_menu = Menu(register_hook_name="register_reception_menu_item")


@hooks.register("register_admin_menu_item")
def register_reception_menu():
    return SubmenuMenuItem(
        _("Reception office"), reception_menu, icon_name="group", name="reception", order=250
    )
