"""The ledger of replies: each message that went (or is going) to the citizen of a case, by which
channel, when it was queued, sent or posted, and how delivery went. Read-only; the address masked,
the error text redacted, the message's text never shown (it is in the case's timeline)."""

from django.utils import translation

from casework import access
from casework.models import OutboxMessage

from . import outbox
from .letters import masked_address as masked_postal_address


def masked_address(message):
    """The address a message went to, masked the way its channel's addresses are."""
    if message.channel == OutboxMessage.Channel.SMS:
        return access.mask_phone(message.address)
    if message.channel == OutboxMessage.Channel.EMAIL:
        return access.mask_email(message.address)
    if message.channel == OutboxMessage.Channel.LETTER:
        return masked_postal_address(message.address)
    # A partner system's or a social platform's own id of the citizen: nothing to tell staff by.
    return ""


def _subject(message, language):
    """The message's subject in the reader's language (the citizen got it in theirs)."""
    original = message.language
    message.language = language
    try:
        subject, _body = outbox.render(message)
    except ValueError:
        subject = message.template
    finally:
        message.language = original
    return subject


def reply_ledger(case, language=None):
    """One row per message to the citizen of the case, oldest first."""
    language = language or translation.get_language()
    messages = (
        OutboxMessage.objects.filter(case=case, recipient_kind=OutboxMessage.Recipient.CITIZEN)
        .select_related("letter")
        .order_by("created_at", "pk")
    )
    rows = []
    for message in messages:
        letter = getattr(message, "letter", None)
        rows.append(
            {
                "message": message,
                "subject": _subject(message, language),
                "channel": message.get_channel_display(),
                "address": masked_address(message),
                "queued_at": message.created_at,
                "sent_at": message.sent_at,
                "state": letter.get_state_display() if letter else message.get_status_display(),
                "posted_at": letter.posted_at if letter else None,
                "attempts": message.attempts,
                "last_error": outbox.redact(message.last_error),
            }
        )
    return rows
