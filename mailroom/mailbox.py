"""The complaint mailbox: each new message in the IMAP folder becomes a case with channel e-mail.

poll() reads the folder's unseen messages by UID without marking them (BODY.PEEK), and for each
one, in one transaction, records it as processed (unique by a keyed hash of the mailbox and its
Message-ID) and files its case, or records why it was ignored, or puts it in the review queue.
Only after that commit is the message flagged \\Seen (or moved to MAILBOX_PROCESSED_FOLDER): a crash
in between leaves it unseen, the next poll finds it already processed and only flags it. Two
workers polling at once both reach the unique index; the second files nothing.
"""

import base64
import hashlib
import imaplib
import json
import logging
import ssl
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework import crypto, effects, workflow
from casework.attachments import attach_stored, uploads_kept_only_on_commit
from casework.models import Category, Channel, OutboxMessage
from casework.workflow import TransitionNotAllowed
from notifications import outbox
from portal.appeals import MAX_FILES, MAX_TOTAL_SIZE, AttachmentsField

from . import parsing
from .models import MailboxState, ProcessedMessage, ReviewItem

log = logging.getLogger(__name__)

ACKNOWLEDGEMENT = "mailroom_acknowledgement"


def mailbox_name():
    """The mailbox's name in the processed-message keys and its state row (no citizen's data)."""
    return (
        f"{settings.MAILBOX_IMAP_USER}@{settings.MAILBOX_IMAP_HOST}:{settings.MAILBOX_IMAP_PORT}"
        f"/{settings.MAILBOX_FOLDER}"
    )


def message_key(mailbox, message_id, raw):
    """A keyed hash: Message-IDs often name the sender's host or address, so they are not stored."""
    identity = message_id.strip() or "sha256:" + hashlib.sha256(raw).hexdigest()
    return crypto.lookup_hash(f"{mailbox}\n{identity}", "message")


# --- Polling -----------------------------------------------------------------------------------

# What an unreachable server, a refused login or a dropped connection raise (imapclient's errors
# are imaplib's).
OUTAGES = (OSError, imaplib.IMAP4.error, imaplib.IMAP4.abort)


def connect():
    from imapclient import IMAPClient

    use_ssl = settings.MAILBOX_IMAP_SSL and not settings.MAILBOX_IMAP_STARTTLS
    client = IMAPClient(
        settings.MAILBOX_IMAP_HOST,
        port=settings.MAILBOX_IMAP_PORT,
        ssl=use_ssl,
        ssl_context=ssl.create_default_context() if use_ssl else None,
        timeout=settings.MAILBOX_IMAP_TIMEOUT,
    )
    try:
        if settings.MAILBOX_IMAP_STARTTLS:
            client.starttls(ssl.create_default_context())
        client.login(settings.MAILBOX_IMAP_USER, settings.MAILBOX_IMAP_PASSWORD)
    except BaseException:
        client.shutdown()
        raise
    return client


def poll():
    """Handle the folder's unseen messages (at most MAILBOX_BATCH_SIZE); returns the outcomes
    counted, or None when the mailbox is off or could not be reached (logged, retried next poll)."""
    if not settings.MAILBOX_IMAP_HOST:
        return None
    name = mailbox_name()
    outcomes = Counter()
    try:
        client = connect()
        client.normalise_times = False  # INTERNALDATE with the server's offset, not naive local time
        try:
            client.select_folder(settings.MAILBOX_FOLDER)
            uids = sorted(client.search(["UNSEEN"]))[: settings.MAILBOX_BATCH_SIZE]
            for uid in uids:
                fetched = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE"]).get(uid)
                if not fetched or b"BODY[]" not in fetched:
                    continue  # expunged since the search
                arrived = _arrival(fetched.get(b"INTERNALDATE"))
                outcomes[take_in_safely(fetched[b"BODY[]"], mailbox=name, received_at=arrived)] += 1
                # Only now, with the case or the review row committed, is the message let go of.
                _done_with(client, uid)
        finally:
            _close(client)
    except OUTAGES as error:
        _record_outage(name, error)
        return None
    MailboxState.objects.update_or_create(mailbox=name, defaults={"last_success_at": timezone.now()})
    return dict(outcomes)


def _arrival(internal_date):
    """When the server received the message: the case's clock starts then, not when it was read
    (a mailbox outage does not eat into the office's time limits). Never in the future."""
    now = timezone.now()
    if internal_date is None or timezone.is_naive(internal_date):
        return now
    return min(internal_date, now)


def take_in_safely(raw, *, mailbox, received_at=None):
    """take_in, and a message it fails on for an unforeseen reason goes to the review queue rather
    than blocking every later poll. The database or the connection failing stops the poll instead."""
    try:
        return take_in(raw, mailbox=mailbox, received_at=received_at)
    except (DatabaseError, *OUTAGES):
        raise
    except Exception as error:  # noqa: BLE001 - one message must not stop the mailbox
        # The class only: the error's text may quote the message.
        log.error("An e-mail could not be taken in (%s); it goes to the review queue", type(error).__name__)
        message_id, _sender, _subject = parsing.message_headers(raw)
        key = message_key(mailbox, message_id, raw)
        return to_review(key, raw, ReviewItem.Reason.UNREADABLE, type(error).__name__, received_at)


def _done_with(client, uid):
    from imapclient import SEEN

    folder = settings.MAILBOX_PROCESSED_FOLDER
    if not folder:
        client.add_flags([uid], [SEEN])
        return
    if not client.folder_exists(folder):
        client.create_folder(folder)
    client.add_flags([uid], [SEEN])
    if client.has_capability("MOVE"):
        client.move([uid], folder)
    else:
        client.copy([uid], folder)
        client.delete_messages([uid])
        client.uid_expunge([uid])


def _close(client):
    try:
        client.logout()
    except OUTAGES:
        client.shutdown()


def _record_outage(name, error):
    # The error's text may name the account or an address: describe_error takes addresses out, and
    # nothing of any message is in it.
    description = outbox.describe_error(error)
    log.warning("The complaint mailbox could not be read: %s", description)
    MailboxState.objects.update_or_create(
        mailbox=name, defaults={"last_error_at": timezone.now(), "last_error": description}
    )


# --- One message -------------------------------------------------------------------------------


def take_in(raw, *, mailbox, received_at=None):
    """File one message, ignore it or queue it for review; returns what happened: "filed",
    "bounce", "auto_reply", "review" or "duplicate" (handled before)."""
    try:
        parsed = parsing.parse(raw)
    except parsing.Unreadable as problem:
        message_id, _sender, _subject = parsing.message_headers(raw)
        key = message_key(mailbox, message_id, raw)
        return to_review(key, raw, problem.reason, problem.detail, received_at)
    key = message_key(mailbox, parsed.message_id, raw)
    if already_processed(key):
        return "duplicate"
    if parsed.machine:
        try:
            with transaction.atomic():
                ProcessedMessage.objects.create(key=key, outcome=parsed.machine)
        except IntegrityError:
            return "duplicate"
        return parsed.machine
    with translation.override(parsed.language):
        accepted, refused = check_attachments(parsed.attachments)
    try:
        with uploads_kept_only_on_commit(accepted) as uploads:
            with effects.unit_of_work():
                # First, so that a second worker with the same message waits here and then fails.
                processed = ProcessedMessage.objects.create(key=key, outcome=ProcessedMessage.Outcome.FILED)
                case, code = workflow.register_case(
                    actor=None,
                    channel=Channel.EMAIL,
                    category=default_category(),
                    subject=parsed.subject,
                    content=parsed.text,
                    language=parsed.language,
                    reply_channel=Channel.EMAIL,
                    acknowledged=True,
                    received_at=received_at,
                    citizen_name=parsed.sender_name[:100],
                    citizen_email=parsed.sender_email[:254],
                )
                processed.case = case
                processed.save(update_fields=["case"])
                for upload in uploads:
                    attach_stored(case, upload, None)
                acknowledge(case, code, refused)
    except IntegrityError:
        if ProcessedMessage.objects.filter(key=key).exists():
            return "duplicate"
        raise
    except (TransitionNotAllowed, ValidationError) as error:
        detail = " ".join(getattr(error, "messages", None) or [str(error)])
        return to_review(key, raw, ReviewItem.Reason.REFUSED, detail, received_at)
    return "filed"


def already_processed(key):
    # Only a shortcut: the unique key in the filing transaction is what keeps a message to one case.
    return ProcessedMessage.objects.filter(key=key).exists()


def default_category():
    configured = settings.MAILBOX_DEFAULT_CATEGORY
    return configured if configured in Category.values else Category.OTHER


def check_attachments(attachments):
    """(files to attach, refusals): each file checked exactly as the web form checks it; a refused
    one is left out and named, with why, in the citizen's language."""
    field = AttachmentsField()
    accepted, refused, total = [], [], 0
    for attachment in attachments:
        upload = SimpleUploadedFile(attachment.name, attachment.data)
        problem = None
        if len(accepted) >= MAX_FILES:
            problem = _("You can attach at most %(count)d files.") % {"count": MAX_FILES}
        elif total + upload.size > MAX_TOTAL_SIZE:
            problem = _("The files together are larger than 20 MB.")
        if problem:
            refused.append(_("%(name)s: %(problem)s") % {"name": attachment.name, "problem": problem})
            continue
        try:
            cleaned = field.clean([upload])
        except ValidationError as error:
            refused.append(" ".join(error.messages))
            continue
        accepted.extend(cleaned)
        total += upload.size
    return accepted, refused


def acknowledge(case, code, refused=()):
    """The reference and access code to the sender, in their language; the code and the refused
    files' names travel encrypted, like the address."""
    if not case.citizen_email:
        return None
    return outbox.queue(
        ACKNOWLEDGEMENT,
        dedupe_key=f"{ACKNOWLEDGEMENT}:{case.pk}",
        case=case,
        address=case.citizen_email,
        channel=OutboxMessage.Channel.EMAIL,
        language=case.language,
        code=crypto.encrypt(code),
        refused=crypto.encrypt(json.dumps(list(refused), ensure_ascii=False)) if refused else "",
    )


def to_review(key, raw, reason, detail="", received_at=None):
    """The message, whole and encrypted, in the review queue (once: "duplicate" if it is there)."""
    _message_id, sender, subject = parsing.message_headers(raw)
    try:
        with transaction.atomic():
            ProcessedMessage.objects.create(key=key, outcome=ProcessedMessage.Outcome.REVIEW)
            ReviewItem.objects.create(
                raw_message=base64.b64encode(raw).decode("ascii"),
                size=len(raw),
                sender=sender,
                subject=subject[:500],
                reason=reason,
                detail=outbox.redact(str(detail))[:500],
                received_at=received_at or timezone.now(),
            )
    except IntegrityError:
        return "duplicate"
    log.info("An e-mail went to the review queue (%s)", reason)
    return "review"
