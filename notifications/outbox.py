"""Messages to citizens and staff, through the outbox (docs/domain.md "Tracking and supervision").

consume() turns the command layer's domain events (a public step, a message for staff) into
outbox rows, in the command's transaction. queue() writes one OutboxMessage and announces it; once
the transaction commits one task delivers what the unit of work queued. If the broker is down the request still succeeds: the row waits and the periodic sweep
sends it later. deliver_due() claims due rows, sends each once, and retries failures with
exponential back-off until MAX_ATTEMPTS.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework import citizen_vocabulary, crypto, effects
from casework.models import Case, Event, OutboxMessage
from portal.links import tracking_url

from . import sms
from .failures import PermanentFailure
from .sms import LoggingSMSBackend  # noqa: F401 - the setting's former default path still works

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# A row left in "sending" this long by a worker that died is handed out again.
SENDING_LEASE = timedelta(minutes=10)


def backoff(attempts):
    """Delay before the next try: 1, 2, 4, 8… minutes, never past the broker's visibility timeout."""
    seconds = 60 * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.CELERY_VISIBILITY_TIMEOUT))


# --- Queueing ----------------------------------------------------------------------------------


def queue(template, *, dedupe_key, case=None, user=None, address="", channel="email", language="", **context):
    """Write one message to the outbox, once per dedupe key; deliver it after the commit."""
    if user is not None and not address:
        address = user.email
    if not address:
        return None
    values = {
        "recipient_kind": OutboxMessage.Recipient.STAFF if user else OutboxMessage.Recipient.CITIZEN,
        "user": user,
        "address": address,
        "channel": channel,
        "language": language or settings.LANGUAGE_CODE,
        "template": template,
        "context": context,
        "case": case,
    }
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(dedupe_key=dedupe_key, **values)
    except IntegrityError:
        return None
    effects.emit(effects.MESSAGE_QUEUED, case.pk if case else None, message=message.pk)
    return message


# Apps that bring cases in by their own channel (partner API, social platforms) answer the same way:
# case channel -> route(case) -> (outbox channel, address) or None to fall back to e-mail/SMS.
# Registered from the app's ready(), so this module imports none of them.
# `kinds`: the case events a route carries (None: all); a route that costs the office or the
# citizen something per message (a posted letter) carries only the steps worth it, and the others go
# by e-mail or SMS where the citizen gave one, else the portal shows them.
REPLY_ROUTES = {}


def register_reply_route(case_channel, route, kinds=None):
    REPLY_ROUTES[case_channel] = (route, frozenset(kinds) if kinds is not None else None)


def citizen_contact(case, event_kind=None):
    """(channel, address) the citizen is told through: the way the case came in where its app
    registered a route, else e-mail, else SMS to their phone unless the office sends no SMS."""
    route, kinds = REPLY_ROUTES.get(case.reply_channel) or REPLY_ROUTES.get(case.channel) or (None, None)
    carries = kinds is None or event_kind is None or event_kind in kinds
    contact = route(case) if route and carries else None
    if contact:
        return contact
    if case.citizen_email:
        return OutboxMessage.Channel.EMAIL, case.citizen_email
    if sms.sms_disabled():
        # No address: queue() writes nothing, and the citizen follows the case on the portal.
        return OutboxMessage.Channel.EMAIL, ""
    return OutboxMessage.Channel.SMS, case.citizen_phone


def queue_for_event(event):
    """The citizen's message for a public event of their case; staff-only kinds are never sent."""
    if not citizen_vocabulary.is_for_citizen(event):
        return None
    if (event.data or {}).get("acknowledged"):
        # The channel that filed the case answered it itself, with the reference and access code.
        return None
    case = event.case
    channel, address = citizen_contact(case, event.kind)
    return queue(
        "case_event",
        dedupe_key=f"event:{event.pk}",
        case=case,
        address=address,
        channel=channel,
        language=case.language,
        event=event.pk,
    )


def queue_access_code(case, encrypted_code, key):
    """A new access code to the e-mail or phone on the case (None when it has neither).

    The code stays encrypted in the message, like the address it goes to.
    """
    channel, address = citizen_contact(case)
    return queue(
        "access_code",
        dedupe_key=f"access_code:{case.pk}:{key}",
        case=case,
        address=address,
        channel=channel,
        language=case.language,
        code=encrypted_code,
    )


def staff_language(user):
    """The language the member of staff chose for the admin, else the site's."""
    profile = getattr(user, "wagtail_userprofile", None)
    return (profile and profile.preferred_language) or settings.LANGUAGE_CODE


def queue_for_staff(template, user, case, key, **context):
    """A message to a member of staff, in their language."""
    if user is None:
        return None
    return queue(
        template,
        dedupe_key=f"{template}:{key}:{user.pk}",
        case=case,
        user=user,
        language=staff_language(user),
        **context,
    )


def consume(events):
    """The messages the events call for; returns the ids of the messages queued in this batch."""
    for event in events:
        if event.name == effects.CITIZEN_INFORMED:
            public = Event.objects.select_related("case").filter(pk=event.data["event"]).first()
            if public is not None:
                queue_for_event(public)
        elif event.name == effects.STAFF_NOTIFIED:
            data = event.data
            user = get_user_model().objects.filter(pk=data["user"]).first()
            case = Case.objects.filter(pk=event.case_id).first()
            queue_for_staff(data["template"], user, case, data["key"], **data["context"])
        elif event.name == effects.ACCESS_CODE_ISSUED:
            case = Case.objects.filter(pk=event.case_id).first()
            if case is not None:
                queue_access_code(case, event.data["code"], event.data["key"])
    return [event.data["message"] for event in events if event.name == effects.MESSAGE_QUEUED]


# --- Rendering ---------------------------------------------------------------------------------

# Apps around the cases (the reception office's bookings) render their own messages: prefix ->
# render(message) -> (subject, lines), registered from the app's ready() so this module does not
# import them.
RENDERERS = {}


def register_renderer(prefix, render_message):
    RENDERERS[prefix] = render_message


def _renderer_for(template):
    return next((fn for prefix, fn in RENDERERS.items() if template.startswith(prefix)), None)


def render(message):
    """Subject and body in the recipient's language."""
    case = message.case or Case()
    ctx = message.context
    with translation.override(message.language or settings.LANGUAGE_CODE):
        params = {"reference": case.reference, "subject": case.subject}
        if message.template == "case_event":
            event = Event.objects.filter(pk=ctx.get("event")).first()
            params["what"] = (
                citizen_vocabulary.label(event.kind) if event else citizen_vocabulary.GENERIC_LABEL
            )
            subject = _("Your case %(reference)s: %(what)s") % params
            lines = [
                citizen_vocabulary.text(event) if event else "",
                _("Case %(reference)s, status: %(status)s.")
                % {"reference": case.reference, "status": case.get_status_display()},
                _follow_line(case, message.language),
            ]
            if event and event.kind == Event.Kind.REPLIED:
                # The reply asks for the citizen's satisfaction (measures §四: follow-up 回訪; see
                # docs/domain.md "Follow-up and endings").
                subject = _("Reply to your case %(reference)s: please tell us if you are satisfied") % params
                lines.append(
                    _(
                        "Please tell us whether you are satisfied, basically satisfied or dissatisfied with "
                        "this reply: open your case on the portal with its reference and access code and "
                        "rate the reply. If you are dissatisfied you can ask for the case to be handled again."
                    )
                )
        elif message.template == "access_code":
            subject = _("Your new access code for case %(reference)s") % params
            lines = [
                _("Your new access code is %(code)s. The code you had before no longer works.")
                % {"code": crypto.decrypt(ctx.get("code", ""))},
                _("Keep it to yourself: with the reference it opens your case."),
                _follow_line(case, message.language),
            ]
        elif message.template == "withdrawn":
            subject = _("Case %(reference)s was withdrawn by the citizen") % params
            lines = [_("Reason: %(reason)s") % {"reason": ctx.get("reason", "")}, case.subject]
        elif message.template == "assigned":
            subject = _("Case %(reference)s was assigned to you") % params
            lines = [case.subject]
        elif message.template == "returned":
            subject = _("The draft reply on case %(reference)s was returned to you") % params
            lines = [_("Comments: %(comments)s") % {"comments": ctx.get("comments", "")}, case.subject]
        elif message.template == "due_soon":
            params["due"] = ctx.get("due", "")
            subject = _("Case %(reference)s is due on %(due)s") % params
            lines = [case.subject]
        elif message.template == "supervision":
            params["level"] = ctx.get("level", 1)
            subject = _("Supervision notice (level %(level)s) on case %(reference)s") % params
            lines = [ctx.get("text", ""), case.subject]
        elif message.template == "supervision_escalated":
            params["level"] = ctx.get("level", 1)
            subject = (
                _("Unanswered supervision notice on case %(reference)s escalated (level %(level)s)") % params
            )
            lines = [ctx.get("text", ""), case.subject]
        elif message.template == "rectification":
            subject = _("Rectification measure on case %(reference)s") % params
            lines = [ctx.get("text", ""), case.subject]
        elif message.template == "supervision_answered":
            subject = _("The supervision notice on case %(reference)s was answered") % params
            lines = [ctx.get("text", ""), case.subject]
        elif message.template == "co_handling_requested":
            params["due"] = ctx.get("due", "")
            subject = _("Your department co-handles case %(reference)s; contribute by %(due)s") % params
            lines = [ctx.get("task", ""), case.subject]
        elif message.template == "co_handling_overdue":
            params["due"] = ctx.get("due", "")
            subject = _("Your department's contribution to case %(reference)s was due on %(due)s") % params
            lines = [case.subject]
        elif message.template == "co_handling_answered":
            params["department"] = ctx.get("department", "")
            subject = _("%(department)s recorded its contribution to case %(reference)s") % params
            lines = [case.subject]
        elif message.template == "training_due":
            # reception.training.send_reminders: the staff member's own training, no case.
            state, until = ctx.get("state", ""), ctx.get("valid_until", "")
            if state == "expiring":
                subject = _("Your reception training expires on %(date)s") % {"date": until}
            elif state == "expired":
                subject = _("Your reception training expired on %(date)s") % {"date": until}
            else:
                subject = _("You have not yet passed reception training")
            lines = [
                _(
                    "Only staff with valid training can be put on the reception room's duty roster. "
                    "Attend a session of this year's training plan and pass its evaluation; your record "
                    "is under My training in the back office."
                )
            ]
        elif message.template == "questionnaire":
            subject = _("How did we do? A short questionnaire about case %(reference)s") % params
            lines = [
                _(
                    "Your case %(reference)s is closed. Please tell us in a minute how we did, "
                    "so that we can improve our service: %(url)s"
                )
                % {"reference": case.reference, "url": ctx.get("url", "")},
                _("No account is needed; the questionnaire can be answered once."),
            ]
        elif message.template == "inspection_finding_overdue":
            params.update(inspection=ctx.get("inspection", ""), due=ctx.get("due", ""))
            subject = _("Inspection finding overdue: rectification was due on %(due)s") % params
            lines = [ctx.get("inspection", ""), ctx.get("text", "")]
        elif renderer := _renderer_for(message.template):
            subject, lines = renderer(message)
        else:
            raise ValueError(f"unknown message template {message.template!r}")
    return subject, "\n\n".join(line for line in lines if line)


def _follow_line(case, language):
    url = tracking_url(case.reference, language) if case.reference else ""
    if not url:
        return _("You can follow your case on the portal with its reference and access code.")
    return _("Follow your case with its reference and your access code at %(url)s") % {"url": url}


# --- Delivery ----------------------------------------------------------------------------------

# Mail servers and SMS gateways name the recipient in their errors ("SMTPRecipientsRefused:
# {'x@example.com': …}"); last_error is shown to auditors and outlives the case's retention period.
EMAIL_ADDRESS = re.compile(r"[^\s@'\"<>(),;:\[\]{}]+@[^\s@'\"<>(),;:\[\]{}]+")
# Seven or more digits, possibly split by spaces, dots, dashes or brackets, or led by +: a phone number.
PHONE_NUMBER = re.compile(r"\+?\d(?:[\s().-]*\d){6,}")


def redact(text):
    return PHONE_NUMBER.sub("[number]", EMAIL_ADDRESS.sub("[address]", text))


def describe_error(error):
    """The error's class and its message with addresses and phone numbers taken out."""
    return f"{type(error).__name__}: {redact(str(error))}"[:1000]


def sms_backend():
    return sms.backend()


# outbox channel -> send(message, subject, body); apps register theirs from ready().
TRANSPORTS = {}


def register_transport(channel, send_one):
    TRANSPORTS[channel] = send_one


def _send_email(message, subject, body):
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [message.address])


def _send_sms(message, subject, body):
    if sms.sms_disabled():
        # Nothing would leave the building: the message fails where staff see it, not in a log.
        raise PermanentFailure("SMS is disabled in this office (SMS_DISABLED)")
    sms_backend().send(message.address, f"{subject}\n{body}")


register_transport(OutboxMessage.Channel.EMAIL, _send_email)
register_transport(OutboxMessage.Channel.SMS, _send_sms)


def send(message):
    subject, body = render(message)
    transport = TRANSPORTS.get(message.channel)
    if transport is None:
        raise PermanentFailure(f"no transport for the {message.channel} channel")
    transport(message, subject, body)


def claim(limit=50, message_ids=None, now=None):
    """Mark due rows as sending and return them; a concurrent worker skips rows already locked."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(status=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
    stale = OutboxMessage.objects.filter(status=OutboxMessage.State.SENDING, next_attempt_at__lte=now)
    rows = (due | stale).order_by("next_attempt_at", "pk")
    if message_ids is not None:
        rows = rows.filter(pk__in=message_ids)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:limit])
        for message in claimed:
            message.status = OutboxMessage.State.SENDING
            message.attempts += 1
            message.next_attempt_at = now + SENDING_LEASE
            message.save(update_fields=["status", "attempts", "next_attempt_at"])
    return claimed


def deliver_due(message_id=None, now=None, limit=50, message_ids=None):
    """Send what is due (of `message_ids`, or the one message, when given); returns how many were
    sent. Running it twice sends nothing twice."""
    if message_id is not None:
        message_ids = [message_id]
    if message_ids is not None:
        limit = max(limit, len(message_ids))
    sent = 0
    for message in claim(limit=limit, message_ids=message_ids, now=now):
        try:
            send(message)
        except Exception as error:  # noqa: BLE001 - any failure of the mail server or gateway
            failed = isinstance(error, PermanentFailure) or message.attempts >= MAX_ATTEMPTS
            message.status = OutboxMessage.State.FAILED if failed else OutboxMessage.State.PENDING
            message.next_attempt_at = timezone.now() + backoff(message.attempts)
            message.last_error = describe_error(error)
            message.save(update_fields=["status", "next_attempt_at", "last_error"])
            continue
        message.status = OutboxMessage.State.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "sent_at"])
        sent += 1
    return sent
