"""A citizen's account (beside Django's user row, which allauth manages) and its links to cases.

Both are personal data. The phone number is encrypted, with a keyed hash to find an account by it.
Which cases an account holds is encrypted too: a link names its case only inside ciphertext, with a
keyed hash of the case to find the links of a case (to erase them with it), so a copy of the
database alone does not tell who filed what.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import crypto
from casework.fields import EncryptedTextField


def case_hash(case_id):
    return crypto.lookup_hash(str(case_id), "account-case")


class CitizenAccount(models.Model):
    """The citizen behind a user row; a user without one is staff and never signs in as a citizen."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen_account",
        verbose_name=_("user"),
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")

    def __str__(self):
        return f"citizen account {self.pk}"

    def save(self, *args, **kwargs):
        self.phone_hash = crypto.lookup_hash(self.phone, "phone")
        if kwargs.get("update_fields") is not None and "phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "phone_hash"}
        super().save(*args, **kwargs)


class CaseLink(models.Model):
    class How(models.TextChoices):
        FILED = "filed", _("Filed while signed in")
        CLAIMED = "claimed", _("Added with its reference and access code")

    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="case_links")
    # The case's id, encrypted: readable only with the personal-data keys.
    case_ref = EncryptedTextField()
    case_hash = models.CharField(max_length=64, db_index=True, editable=False)
    how = models.CharField(max_length=10, choices=How.choices)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case in a citizen account")
        verbose_name_plural = _("cases in citizen accounts")
        constraints = [
            models.UniqueConstraint(fields=["account", "case_hash"], name="one_link_per_account_case")
        ]

    def __str__(self):
        return f"case link {self.pk}"

    @property
    def case_id(self):
        return int(self.case_ref)
