from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Statistics, the assessment of departments and handlers, and the ledger."""

    name = "reporting"
    verbose_name = _("Reporting")
