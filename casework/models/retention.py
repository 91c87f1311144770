"""The ledger of erased personal data (retention.services)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import AppendOnly, Case

# --- Retention (retention.services) ------------------------------------------------------------


class DeletionRecord(AppendOnly):
    """One erasure of personal data under the retention period: which case, when, which fields, which run.

    It never holds the erased values, only the names of what was erased, so auditors can prove the
    erasure without keeping what it erased.
    """

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="deletion_records"
    )
    reference = models.CharField(_("case reference"), max_length=30, blank=True, db_index=True)
    visit_id = models.PositiveIntegerField(_("walk-in visit"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased"), default=timezone.now, db_index=True)
    fields = models.JSONField(_("what was erased"), default=list)
    run_id = models.UUIDField(_("run"), db_index=True)
    retention_days = models.PositiveIntegerField(_("retention period (days)"))

    class Meta:
        ordering = ["-erased_at", "-pk"]
        verbose_name = _("personal data deletion")
        verbose_name_plural = _("personal data deletions")

    def __str__(self):
        return f"{self.reference or self.visit_id} {self.erased_at:%Y-%m-%d %H:%M}"
