"""The deletion ledger in the admin (Reports menu): what the retention run erased, for auditors.

Registered from CaseworkConfig.ready(); the ledger can only be read here, never changed.
"""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import access, roles
from .models import Case, DeletionRecord, Visit

LEDGER_ROLES = (roles.AUDITOR, roles.SUPERVISOR, roles.ADMINISTRATOR)


def _label(name):
    """A field name in the record as the admin calls it ("visit 3: contacts" → "visit 3: contact details")."""
    prefix, _sep, field = name.rpartition(": ")
    model = Visit if prefix.startswith("visit") else Case
    try:
        label = str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        label = field
    return f"{prefix}: {label}" if prefix else label


@never_cache
def deletion_ledger(request):
    if not access.has_role(request.user, *LEDGER_ROLES):
        raise PermissionDenied
    page = Paginator(DeletionRecord.objects.all(), 100).get_page(request.GET.get("p"))
    rows = [(record, [_label(name) for name in record.fields]) for record in page]
    return render(request, "casework/deletion_ledger.html", {"page": page, "rows": rows})


class LedgerMenuItem(MenuItem):
    def is_shown(self, request):
        return access.has_role(request.user, *LEDGER_ROLES)


def register():
    @hooks.register("register_admin_urls")
    def register_deletion_ledger_url():
        return [path("retention/deletions/", deletion_ledger, name="casework_deletion_ledger")]

    @hooks.register("register_reports_menu_item")
    def register_deletion_ledger_menu_item():
        return LedgerMenuItem(
            _("Personal data deletions"),
            reverse_lazy("casework_deletion_ledger"),
            icon_name="bin",
            order=900,
        )
