"""Partner systems that file cases through the open API, their keys and what they filed.

A key is shown once when it is made and stored only as its prefix (to find the row) and the SHA-256
of the whole key: a stolen database does not let anyone file as a partner. Keys are 256 random
bits, so a fast hash is enough; nothing here can be guessed from a dictionary.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.fields import EncryptedTextField
from casework.models import Case, Channel

KEY_PREFIX_LENGTH = 8


def key_hash(raw_key):
    return hashlib.sha256(raw_key.encode()).hexdigest()


def split_key(raw_key):
    """(prefix, raw_key) of a key as partners send it: "<prefix>.<secret>"; prefix "" if malformed."""
    prefix, dot, secret = (raw_key or "").strip().partition(".")
    if not dot or len(prefix) != KEY_PREFIX_LENGTH or not secret:
        return "", raw_key
    return prefix, raw_key.strip()


class Partner(models.Model):
    # A partner files as a partner system; the hotline's own 12345 system would be a second choice
    # here, once the command layer lets hotline cases be filed without staff.
    CHANNELS = [(Channel.API, Channel.API.label)]

    name = models.CharField(_("name"), max_length=200, unique=True)
    channel = models.CharField(_("files cases as"), max_length=10, choices=CHANNELS, default=Channel.API)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=60,
        help_text=_("Requests above this number in one minute are refused with 429 until the next minute."),
    )
    callback_url = models.URLField(
        _("callback URL"),
        blank=True,
        help_text=_(
            "Replies and status changes are sent here as signed JSON. Without one, the partner follows "
            "its cases by asking, and the citizen is told by e-mail or SMS if they gave an address."
        ),
    )
    callback_secret = EncryptedTextField(_("callback signing secret"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")

    def __str__(self):
        return self.name


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, partner__is_active=True)


class ApiKey(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    label = models.CharField(_("label"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=KEY_PREFIX_LENGTH, unique=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.partner} {self.prefix}…"

    @classmethod
    def issue(cls, partner, *, label="", created_by=None, raw_key=None):
        """A new key for the partner: (ApiKey, raw key). The raw key is never stored."""
        if raw_key is None:
            raw_key = f"{secrets.token_hex(KEY_PREFIX_LENGTH // 2)}.{secrets.token_urlsafe(32)}"
        prefix, raw_key = split_key(raw_key)
        if not prefix:
            raise ValueError("an API key is '<8-character prefix>.<secret>'")
        key = cls.objects.create(
            partner=partner, label=label, prefix=prefix, hash=key_hash(raw_key), created_by=created_by
        )
        return key, raw_key

    def matches(self, raw_key):
        return hmac.compare_digest(self.hash, key_hash(raw_key))

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class PartnerCase(models.Model):
    """Which partner filed a case: a partner reads only its own cases and is answered by callback."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="cases")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="partner_filing")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("case filed by a partner")
        verbose_name_plural = _("cases filed by partners")

    def __str__(self):
        return f"{self.partner} {self.case_id}"


class PartnerSubmission(models.Model):
    """One POST with an Idempotency-Key: the unique index is what makes a retry, or two copies of
    the same request at once, file one case. The first response is kept (encrypted: it carries the
    access code) and replayed to a retry with the same body."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    body_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    response = EncryptedTextField(blank=True)
    status_code = models.PositiveSmallIntegerField(default=201)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "key_hash"], name="partner_submission_once_per_key")
        ]
        verbose_name = _("partner submission")
        verbose_name_plural = _("partner submissions")

    def __str__(self):
        return f"{self.partner} {self.created_at:%Y-%m-%d %H:%M}"
