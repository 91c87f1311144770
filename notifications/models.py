"""Letters waiting for the post room: a reply that goes back by post (measures §四(一)4: the reply
goes the way the case came)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.fields import EncryptedTextField
from casework.models import OutboxMessage


class Letter(models.Model):
    """One outbox message to print and post. The outbox counts the message as sent once it is
    here; the post room prints it (the PDF is made on demand, never stored) and marks it posted."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be printed")
        PRINTED = "printed", _("Printed, not yet posted")
        POSTED = "posted", _("Posted")

    message = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="letter")
    # Copied from the case when the letter is queued: the envelope says what the case said then.
    recipient_name = EncryptedTextField(_("recipient"), blank=True)
    postal_address = EncryptedTextField(_("postal address"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("printed by"),
    )
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("posted by"),
    )

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self):
        return f"letter {self.message_id} {self.state}"
