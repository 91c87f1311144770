"""Confidentiality agreements (measures 001 §七(二)2): the versioned text staff accept before any
citizen's personal data is shown to them, and who accepted which version when.

A version is published when it is saved and never edited afterwards: what someone accepted stays
readable as they read it. The rules (which version is current, who has accepted it) are in
reception.agreements.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ConfidentialityAgreement(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    text_zh_hant = models.TextField(_("text (Traditional Chinese)"))
    text_zh_hans = models.TextField(_("text (Simplified Chinese)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    effective_on = models.DateField(_("effective from"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")

    def __str__(self):
        return _("Confidentiality agreement, version %(version)s") % {"version": self.version}

    def text(self, language=None):
        """The text in the reader's language, the Traditional Chinese original when not translated."""
        language = (language or get_language() or "").lower()
        if language.startswith("en") and self.text_en:
            return self.text_en
        if language in ("zh-hans", "zh-cn", "zh-sg") and self.text_zh_hans:
            return self.text_zh_hans
        return self.text_zh_hant


class AgreementAcceptance(models.Model):
    """One staff member's acceptance of one version (no IP address: docs/security.md)."""

    agreement = models.ForeignKey(
        ConfidentialityAgreement, on_delete=models.PROTECT, related_name="acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "user"], name="one_acceptance_per_version_and_user")
        ]
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")

    def __str__(self):
        return f"{self.user_id} · {self.agreement_id}"
