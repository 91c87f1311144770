"""The review queue: messages the mailbox could not file, filed by an intake officer by hand or
dismissed with a reason. Nothing here shows personal data; the admin views gate and log that."""

import base64
from email import message_from_bytes, policy

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework import access, effects, roles, workflow
from casework.attachments import attach_stored, uploads_kept_only_on_commit
from casework.models import Channel
from casework.workflow import TransitionNotAllowed, erasure

from . import mailbox, parsing
from .models import ReviewItem

REVIEWERS = (roles.INTAKE_OFFICER, roles.SUPERVISOR)


def raw_bytes(item):
    return base64.b64decode(item.raw_message or "")


def readable(item):
    """What can be read of the message, to show it and prefill its case: sender, subject, text
    (undecodable bytes replaced), attachments' names and sizes."""
    raw = raw_bytes(item)
    _message_id, sender_email, subject = parsing.message_headers(raw)
    shown = {
        "sender_name": "",
        "sender_email": sender_email,
        "subject": subject,
        "text": "",
        "attachments": [],
    }
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception:  # noqa: BLE001 - the raw text below is all there is
        shown["text"] = raw.decode("utf-8", errors="replace")
        return shown
    shown["sender_name"], shown["sender_email"] = parsing.sender_of(message)
    part = message.get_body(preferencelist=("plain", "html"))
    if part is not None:
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:
            text = payload.decode("utf-8", errors="replace")
        if part.get_content_subtype() == "html":
            text = parsing.html_to_text(text)
        shown["text"] = text.strip()
    for attachment in parsing.attachments_of(message):
        shown["attachments"].append({"name": attachment.name, "size": len(attachment.data)})
    return shown


def _waiting(item):
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.state != ReviewItem.State.WAITING:
        raise TransitionNotAllowed(_("This e-mail has already been dealt with."))
    return item


def _require_reviewer(actor):
    if not access.has_role(actor, *REVIEWERS):
        raise TransitionNotAllowed(_("Only intake officers and supervisors deal with the mailbox's e-mails."))


def message_attachments(item):
    try:
        message = message_from_bytes(raw_bytes(item), policy=policy.default)
        return list(parsing.attachments_of(message))
    except Exception:  # noqa: BLE001 - an unreadable message has no attachments to offer
        return []


def file_by_hand(item, actor, **case_fields):
    """The message as a case registered by `actor` (channel e-mail), with its attachments checked
    as the web form checks them; returns (case, access code). The citizen gets the reference and
    code by e-mail as if the mailbox had filed it."""
    _require_reviewer(actor)
    with translation.override(case_fields.get("language")):
        accepted, refused = mailbox.check_attachments(message_attachments(item))
    with uploads_kept_only_on_commit(accepted) as uploads, effects.unit_of_work():
        item = _waiting(item)
        case, code = workflow.register_case(
            actor=actor, channel=Channel.EMAIL, reply_channel=Channel.EMAIL, acknowledged=True, **case_fields
        )
        for upload in uploads:
            attach_stored(case, upload, actor)
        mailbox.acknowledge(case, code, refused)
        item.state = ReviewItem.State.FILED
        item.case = case
        item.resolved_by = actor
        item.resolved_at = timezone.now()
        item.save(update_fields=["state", "case", "resolved_by", "resolved_at"])
    return case, code


def dismiss(item, actor, reason):
    _require_reviewer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionNotAllowed(_("Say why the e-mail is dismissed."))
    with transaction.atomic():
        item = _waiting(item)
        item.state = ReviewItem.State.DISMISSED
        item.dismissal_reason = reason
        item.resolved_by = actor
        item.resolved_at = timezone.now()
        item.save(update_fields=["state", "dismissal_reason", "resolved_by", "resolved_at"])
    return item


# --- Retention -----------------------------------------------------------------------------------


# What an e-mail holds of its sender. A dismissed one is kept for the retention period (a dismissal
# can be looked back on), then erased like a walk-in visit that opened no case.
MESSAGE_FIELDS = ["raw_message", "sender", "subject"]


def _holding_message():
    """Review items that still keep the message, its sender or its subject."""
    return ReviewItem.objects.exclude(**{name: "" for name in MESSAGE_FIELDS})


def cases_with_messages():
    """Ids of the cases filed from a reviewed e-mail whose message, sender or subject is still kept."""
    return set(_holding_message().filter(case__isnull=False).values_list("case_id", flat=True))


def erase_messages_of_case(case):
    """Part of the case's erasure: the e-mail it was filed from goes with its other personal data."""
    items = ReviewItem.objects.filter(case=case)
    erased = sum(1 for item in items if erasure.blank_fields(item, MESSAGE_FIELDS))
    return [f"mailbox messages ({erased})"] if erased else []


def dismissed_messages_due(cutoff):
    """E-mails dismissed before the cutoff that still hold the message, its sender or subject."""
    return _holding_message().filter(state=ReviewItem.State.DISMISSED, resolved_at__lt=cutoff)


def erase_dismissed_message(item):
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    return erasure.blank_fields(item, MESSAGE_FIELDS)
