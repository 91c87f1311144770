from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """The erasure of personal data at the end of its retention period, and its ledger."""

    name = "retention"
    verbose_name = _("Retention")
