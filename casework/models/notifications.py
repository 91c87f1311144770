"""The outbox of messages (notifications.outbox) and the supervision notices."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField
from .cases import Case
from .organisation import Department

# --- Notifications and supervision ------------------------------------------------------------


class OutboxMessage(models.Model):
    """A message to send, written in the same transaction as the change that causes it.

    Delivery reads this table, not the broker: a broker or mail-server outage only delays a message.
    The dedupe key makes queueing the same message twice a no-op.
    """

    class Recipient(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        STAFF = "staff", _("Staff")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        # Reply by the channel the case came in (measures §四(一)4): a partner system's callback,
        # the social platform's customer-service message, a printed letter for the post room.
        API = "api", _("Partner system")
        SOCIAL = "social", _("Social media")
        LETTER = "letter", _("Printed letter")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient_kind = models.CharField(_("recipient"), max_length=10, choices=Recipient.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = EncryptedTextField(_("address"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    template = models.CharField(_("message"), max_length=40)
    context = models.JSONField(default=dict, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self):
        return f"{self.template} {self.recipient_kind} {self.status}"


class SupervisionNotice(models.Model):
    """督辦通知: a stage of a case missed its deadline (the supervision round) or a supervisor issued
    one by hand. The responsible department answers with its progress and expected completion date
    by `respond_by`; a notice still unanswered then climbs the escalation ladder (measures §五(二))."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_notices")
    stage = models.CharField(_("stage"), max_length=80)
    level = models.PositiveSmallIntegerField(_("level"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    # None: the supervision round issued it.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    respond_by = models.DateField(_("response required by"), null=True, blank=True)
    response = models.TextField(_("progress reported"), blank=True)
    expected_completion = models.DateField(_("expected completion"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_late = models.BooleanField(_("answered late"), default=False)
    # How many rungs the unanswered notice has climbed past its own.
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    escalated_at = models.DateTimeField(_("last escalated"), null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        constraints = [
            # The round issues one notice per stage and level; supervisors may issue any number.
            models.UniqueConstraint(
                fields=["case", "stage", "level"],
                condition=models.Q(issued_by__isnull=True),
                name="one_notice_per_stage_level",
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.stage} {self.level}"

    @property
    def is_answered(self):
        return self.answered_at is not None

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return not self.is_answered and self.respond_by is not None and self.respond_by < today

    def state_label(self, today=None):
        """Where the notice stands, as the notice list's filters name it."""
        if self.is_answered:
            return _("Answered late") if self.answered_late else _("Answered")
        if not self.case.is_open:
            return _("Case closed unanswered")
        if self.is_overdue(today):
            return _("Overdue (no answer by the date)")
        return _("Waiting for an answer")
