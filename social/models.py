"""Social-media accounts the office runs, and the drafts their messages become until intake confirms
them as cases (docs/channels-social.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.fields import EncryptedTextField


class SocialAccount(models.Model):
    """One account of the office on a platform (a WeChat official account), with its webhook."""

    platform = models.CharField(_("platform"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("webhook slug"),
        max_length=50,
        help_text=_("The last part of the webhook address: /social/<platform>/<slug>/"),
    )
    # The platform's public id of the account (WeChat: the original id gh_…), the sender of replies.
    account_id = models.CharField(_("account id on the platform"), max_length=100, blank=True)
    token = EncryptedTextField(_("token"), blank=True)
    app_id = models.CharField(_("app id"), max_length=100, blank=True)
    app_secret = EncryptedTextField(_("app secret"), blank=True)
    language = models.CharField(
        _("language of replies"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "slug"], name="social_account_unique_slug")
        ]
        ordering = ["platform", "name"]
        verbose_name = _("social media account")
        verbose_name_plural = _("social media accounts")

    def __str__(self):
        return self.name


class SocialDraft(models.Model):
    """The messages one sender wrote within the draft window, waiting for intake to make a case."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Waiting for intake")
        CONFIRMED = "confirmed", _("Registered as a case")
        DISMISSED = "dismissed", _("Dismissed")

    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="drafts")
    number = models.CharField(_("draft number"), max_length=20, unique=True)
    # Drafts of one sender are found by a keyed hash; the id itself is kept only to reply.
    sender_hash = models.CharField(max_length=64, db_index=True, editable=False)
    sender_id = EncryptedTextField(_("sender"), blank=True)
    first_message_at = models.DateTimeField(_("first message"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="social_drafts"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    dismissal_reason = models.CharField(_("reason for dismissal"), max_length=500, blank=True)

    class Meta:
        ordering = ["first_message_at", "pk"]
        verbose_name = _("social media draft")
        verbose_name_plural = _("social media drafts")

    def __str__(self):
        return self.number

    def text(self):
        return "\n\n".join(message.text for message in self.messages.all() if message.text)


class SocialMessage(models.Model):
    """One message as the platform delivered it; its platform id makes a retried delivery a no-op."""

    draft = models.ForeignKey(SocialDraft, on_delete=models.CASCADE, related_name="messages")
    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="+")
    platform_message_id = models.CharField(max_length=64)
    text = EncryptedTextField(_("text"), blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "platform_message_id"], name="social_message_unique_platform_id"
            )
        ]
        ordering = ["sent_at", "pk"]

    def __str__(self):
        return f"{self.draft_id}:{self.platform_message_id}"
