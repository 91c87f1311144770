"""What the mailbox remembers: each message it handled (so that none is filed twice), the messages
waiting for intake, and how its last poll went."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.fields import EncryptedTextField
from casework.models import Case


class ProcessedMessage(models.Model):
    """One message handled, keyed by a keyed hash of its mailbox and Message-ID (or, without one, of
    its bytes). Written in the transaction that files its case or queues it for review, so a
    message seen again (a re-poll after a crash, a second worker) files nothing."""

    class Outcome(models.TextChoices):
        FILED = "filed", _("Filed as a case")
        BOUNCE = "bounce", _("Ignored: delivery report")
        AUTO_REPLY = "auto_reply", _("Ignored: automatic reply")
        REVIEW = "review", _("Waiting for review")

    key = models.CharField(max_length=64, unique=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    processed_at = models.DateTimeField(_("processed"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-processed_at"]
        verbose_name = _("processed e-mail")
        verbose_name_plural = _("processed e-mails")

    def __str__(self):
        return f"{self.get_outcome_display()} {self.processed_at:%Y-%m-%d %H:%M}"


class ReviewItem(models.Model):
    """A message the mailbox could not turn into a case, kept whole (encrypted: it is the citizen's
    own words and address) until intake files it by hand or dismisses it."""

    class Reason(models.TextChoices):
        UNREADABLE = "unreadable", _("The message cannot be read")
        NO_TEXT = "no_text", _("The message has no text")
        TOO_LARGE = "too_large", _("The message is too large")
        REFUSED = "refused", _("The case could not be filed")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        FILED = "filed", _("Filed as a case")
        DISMISSED = "dismissed", _("Dismissed")

    raw_message = EncryptedTextField(_("message"), help_text=_("The message as received, base64."))
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sender = EncryptedTextField(_("sender"), blank=True)
    subject = EncryptedTextField(_("subject"), blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    # What went wrong, without the message's personal data (outbox.redact).
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    dismissal_reason = models.TextField(_("reason for dismissal"), blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("e-mail to review")
        verbose_name_plural = _("e-mails to review")

    def __str__(self):
        return f"{self.get_reason_display()} {self.received_at:%Y-%m-%d %H:%M}"


class MailboxState(models.Model):
    """How the mailbox's polls went: shown in the review queue so that an outage is noticed."""

    mailbox = models.CharField(max_length=300, unique=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # The error's class and message, addresses and numbers taken out (outbox.describe_error).
    last_error = models.CharField(max_length=1000, blank=True)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")

    def __str__(self):
        return self.mailbox
