"""The deletion ledger in the Wagtail admin."""

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_views as retention_admin


@hooks.register("register_admin_urls")
def register_deletion_ledger_urls():
    return [
        path(
            "retention/deletions/",
            retention_admin.DeletionLedgerView.as_view(),
            name="casework_deletion_ledger",
        ),
        path(
            "retention/deletions/<int:pk>/",
            retention_admin.DeletionRecordInspectView.as_view(),
            name="casework_deletion_record",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_deletion_ledger_menu_item():
    return retention_admin.LedgerMenuItem(
        _("Personal data deletions"),
        reverse_lazy("casework_deletion_ledger"),
        icon_name="bin",
        order=900,
    )
