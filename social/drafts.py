"""What the office does with a social-media message: a text joins its sender's open draft (or opens
one), and intake confirms a draft as a case or dismisses it. Replies to the citizen go back on the
platform while it allows (SocialConfig registers the route, transport and messages with the outbox).
"""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework import crypto, effects, workflow
from casework.models import Case, Channel, OutboxMessage
from notifications import outbox
from portal.links import tracking_url

from .models import SocialAccount, SocialDraft, SocialMessage
from .platforms import adapter_for

log = logging.getLogger(__name__)

# Longer texts are cut: the platforms themselves stop at about 2,000 characters a message.
MAX_MESSAGE_CHARACTERS = 5000


class DraftClosed(Exception):
    """The draft was confirmed or dismissed meanwhile (by another officer)."""


def draft_window():
    return timedelta(minutes=settings.SOCIAL_DRAFT_WINDOW_MINUTES)


def sender_hash(account, sender):
    return crypto.lookup_hash(sender, f"social-{account.pk}")


# --- Receiving ---------------------------------------------------------------------------------


def receive(account, message):
    """The passive reply's text for one incoming message ("" for none); a text is kept in a draft."""
    with translation.override(account.language or settings.LANGUAGE_CODE):
        if message.kind == "text" and message.text:
            draft = keep(account, message)
            return _(
                "Thank you, we have received your message as draft %(number)s. An officer will register "
                "it as a case and send you its reference and access code here. What you send in the next "
                "%(minutes)d minutes is added to the same draft."
            ) % {"number": draft.number, "minutes": settings.SOCIAL_DRAFT_WINDOW_MINUTES}
        if message.kind == "event" and message.event == "subscribe":
            return _(
                "Welcome to %(name)s. Write your appeal, suggestion or question to us as a text message: "
                "an officer registers it as a case and sends you its reference and access code here."
            ) % {"name": account.name}
        if message.kind == "event" and message.event == "unsubscribe":
            return ""
        return _(
            "Sorry, we can only take text messages here. Please describe your matter in words; "
            "photos and documents can be sent with the appeal form on our website."
        )


def keep(account, message, now=None):
    """The draft the message joins: the sender's open draft whose last message is within the window,
    else a new one. A message the platform delivers again (same message id) is kept once."""
    now = now or timezone.now()
    hashed = sender_hash(account, message.sender)
    message_id = message.message_id or f"{message.sent_at}:{hashed[:16]}"
    with transaction.atomic():
        # One sender's messages arrive one after the other; the lock keeps two of them (or a retry)
        # from opening two drafts at once.
        SocialAccount.objects.select_for_update().filter(pk=account.pk).first()
        known = SocialMessage.objects.filter(account=account, platform_message_id=message_id).first()
        if known is not None:
            return known.draft
        draft = (
            SocialDraft.objects.filter(
                account=account,
                sender_hash=hashed,
                state=SocialDraft.State.DRAFT,
                last_message_at__gte=now - draft_window(),
            )
            .order_by("-last_message_at")
            .first()
        )
        if draft is None:
            draft = _open_draft(account, hashed, message.sender, now)
        else:
            draft.last_message_at = now
            draft.save(update_fields=["last_message_at"])
        SocialMessage.objects.create(
            draft=draft,
            account=account,
            platform_message_id=message_id,
            text=message.text[:MAX_MESSAGE_CHARACTERS],
            sent_at=datetime.fromtimestamp(message.sent_at, tz=UTC) if message.sent_at else now,
            received_at=now,
        )
    log.info("Social message for account %s kept in draft %s", account.pk, draft.number)
    return draft


def _open_draft(account, hashed, sender, now):
    adapter = adapter_for(account.platform)
    prefix = f"{adapter.draft_prefix if adapter else 'S'}-{timezone.localtime(now):%Y%m%d}-"
    taken = SocialDraft.objects.filter(number__startswith=prefix).count()
    for serial in range(taken + 1, taken + 20):
        try:
            with transaction.atomic():
                return SocialDraft.objects.create(
                    account=account,
                    number=f"{prefix}{serial:04d}",
                    sender_hash=hashed,
                    sender_id=sender,
                    first_message_at=now,
                    last_message_at=now,
                )
        except IntegrityError:
            continue  # another account's draft took the number meanwhile
    raise RuntimeError("no free draft number")


# --- Intake ------------------------------------------------------------------------------------


def open_drafts():
    return SocialDraft.objects.filter(state=SocialDraft.State.DRAFT).select_related("account")


def confirm(draft, actor, *, category, subject, content, language=None):
    """Register the draft as a case, filed by the intake officer; the citizen is sent the reference
    and access code on the platform. Returns (case, access code, the message queued or None)."""
    with effects.unit_of_work():
        draft = _lock_open(draft)
        case, code = workflow.register_case(
            actor=actor,
            channel=Channel.SOCIAL,
            reply_channel=Channel.SOCIAL,
            category=category,
            subject=subject,
            content=content,
            language=language or draft.account.language,
            received_at=draft.first_message_at,
            acknowledged=True,
        )
        _close(draft, actor, SocialDraft.State.CONFIRMED, case=case)
        channel, address = outbox.citizen_contact(case)
        message = outbox.queue(
            "social_registered",
            dedupe_key=f"social_registered:{case.pk}",
            case=case,
            address=address,
            channel=channel,
            language=case.language,
            code=crypto.encrypt(code),
            draft=draft.number,
        )
    return case, code, message


def dismiss(draft, actor, reason):
    """Close a draft that is no appeal (spam, a test); its texts are erased, the reason kept."""
    with transaction.atomic():
        draft = _lock_open(draft)
        _close(draft, actor, SocialDraft.State.DISMISSED, reason=reason.strip()[:500])
    return draft


def _lock_open(draft):
    draft = SocialDraft.objects.select_for_update().select_related("account").get(pk=draft.pk)
    if draft.state != SocialDraft.State.DRAFT:
        raise DraftClosed(draft.number)
    return draft


def _close(draft, actor, state, case=None, reason=""):
    draft.state = state
    draft.case = case
    draft.handled_by = actor
    draft.handled_at = timezone.now()
    draft.dismissal_reason = reason
    draft.save(update_fields=["state", "case", "handled_by", "handled_at", "dismissal_reason"])
    # The case holds what was written now (or nothing was worth keeping): no second copy stays here.
    # The sender's id stays, to reply while the platform allows.
    draft.messages.update(text="")


# --- Replies -----------------------------------------------------------------------------------


def reply_route(case):
    """(social channel, "<account>:<sender>") while the platform lets the account write to the
    citizen (WeChat: 48 hours after their last message); else None, and the outbox uses the
    citizen's e-mail or phone if they gave one."""
    draft = case.social_drafts.select_related("account").first()
    if draft is None or not draft.account.active:
        return None
    adapter = adapter_for(draft.account.platform)
    if adapter is None:
        return None
    # The citizen's latest message to the account, in any draft, opens the window again.
    latest = (
        SocialDraft.objects.filter(account=draft.account, sender_hash=draft.sender_hash)
        .order_by("-last_message_at")
        .first()
    )
    if not latest.sender_id or timezone.now() - latest.last_message_at > adapter.reply_window:
        return None
    return OutboxMessage.Channel.SOCIAL, f"{draft.account.pk}:{latest.sender_id}"


def forget_senders(now=None):
    """Erase the platform ids of handled drafts once the platform no longer lets the office write to
    them: they served only to reply. The keyed hash stays, so a later message still finds its
    sender's drafts. Returns how many were erased."""
    now = now or timezone.now()
    erased = 0
    for platform in SocialAccount.objects.values_list("platform", flat=True).distinct():
        adapter = adapter_for(platform)
        window = adapter.reply_window if adapter else timedelta(0)
        erased += (
            SocialDraft.objects.filter(account__platform=platform, last_message_at__lt=now - window)
            .exclude(state=SocialDraft.State.DRAFT)
            .exclude(sender_id="")
            .update(sender_id="")
        )
    return erased


def send(message, subject, body):
    """The outbox's transport for the social channel: the platform's customer-service message."""
    account_pk, _sep, recipient = message.address.partition(":")
    account = SocialAccount.objects.filter(pk=int(account_pk) if account_pk.isdigit() else 0).first()
    if account is None or not account.active or not recipient:
        raise outbox.PermanentFailure("the social media account is gone or switched off")
    adapter = adapter_for(account.platform)
    if adapter is None:
        raise outbox.PermanentFailure(f"no adapter for the {account.platform} platform")
    adapter.send_customer_service_message(account, recipient, f"{subject}\n\n{body}")


def render_message(message):
    """(subject, lines) of the social channel's own messages, in the active language."""
    case = message.case or Case()
    ctx = message.context
    if message.template != "social_registered":
        raise ValueError(f"unknown message template {message.template!r}")
    url = tracking_url(case.reference, message.language) if case.reference else ""
    subject = _("Your message %(draft)s is registered as case %(reference)s") % {
        "draft": ctx.get("draft", ""),
        "reference": case.reference,
    }
    lines = [
        _("Case reference: %(reference)s. Access code: %(code)s.")
        % {"reference": case.reference, "code": crypto.decrypt(ctx.get("code", ""))},
        _("Keep the code to yourself: with the reference it opens your case."),
        _("Follow your case with its reference and your access code at %(url)s") % {"url": url}
        if url
        else _("You can follow your case on the portal with its reference and access code."),
    ]
    return subject, lines
