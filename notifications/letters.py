"""Replies by post: the letter transport, the reply route for cases that came (or asked to be
answered) by letter, and the post room's work (print, mark posted).

The transport posts nothing itself: it hands the message to the post room (a `Letter`), and the
outbox counts it as sent then. The post room prints the PDF (made on demand with the office's
letterhead, in the citizen's language) and marks it posted; the case page's ledger of replies shows
both times. The recipient's name and address are personal data: encrypted in the row, masked in the
post room's list, shown in full only in the printed letter, whose every printing is logged.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casework import access, roles
from casework.models import Channel, Event, OutboxMessage

from . import outbox
from .models import Letter

log = logging.getLogger(__name__)

# Who works the post room: they register letters coming in, so they send the ones going out.
POST_ROOM_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR)


# --- Going out -----------------------------------------------------------------------------------


def letter_route(case):
    """A case that came by letter, or whose citizen asked for a letter (at the window, on the
    form), is answered by letter when it has a postal address; otherwise e-mail or SMS."""
    wants_letter = case.reply_channel == Channel.LETTER or (
        case.channel == Channel.LETTER and case.reply_channel in ("", Channel.LETTER)
    )
    address = (case.citizen_address or "").strip()
    if wants_letter and address:
        return OutboxMessage.Channel.LETTER, address
    return None


def queue_letter(message, subject, body):
    """The letter transport: the message waits in the post room (once, however often it is sent)."""
    name = message.case.citizen_name if message.case else ""
    Letter.objects.get_or_create(
        message=message, defaults={"recipient_name": name or "", "postal_address": message.address}
    )


# The steps a letter is posted for: the receipt, a refusal, a request the citizen must answer, the
# reply and the end of the case. Every other step shows on the portal (and goes by e-mail if given).
POSTED_STEPS = (
    Event.Kind.REGISTERED,
    Event.Kind.REJECTED,
    Event.Kind.INFORMATION_REQUESTED,
    Event.Kind.REPLIED,
    Event.Kind.CLOSED,
)


def register():
    outbox.register_transport(OutboxMessage.Channel.LETTER, queue_letter)
    outbox.register_reply_route(Channel.LETTER, letter_route, kinds=POSTED_STEPS)


# --- The post room -------------------------------------------------------------------------------


def waiting():
    """Letters not yet posted, oldest first."""
    return Letter.objects.exclude(state=Letter.State.POSTED).select_related("message__case")


def waiting_count():
    return Letter.objects.exclude(state=Letter.State.POSTED).count()


def masked_address(address):
    """The first line's first characters: enough to find the envelope, not to know where they live."""
    first = (address or "").strip().splitlines()[0] if (address or "").strip() else ""
    keep = first[: max(min(len(first) // 3, 6), 1)] if first else ""
    return keep + "*" * min(max(len(first) - len(keep), 3), 12) if first else ""


def masked_recipient(letter):
    return {"name": access.mask_name(letter.recipient_name), "address": masked_address(letter.postal_address)}


def mark_printed(letter, user, now=None):
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        letter.printed_at, letter.printed_by = now or timezone.now(), user
        if letter.state == Letter.State.QUEUED:
            letter.state = Letter.State.PRINTED
        letter.save(update_fields=["printed_at", "printed_by", "state"])
        if letter.message.case_id:
            access.log_personal_data_access(user, letter.message.case, "post room: letter printed")
    return letter


def mark_posted(letters, user, now=None):
    """Mark the letters posted; those already posted keep their date. Returns how many changed."""
    now = now or timezone.now()
    ids = [letter.pk for letter in letters]
    return (
        Letter.objects.filter(pk__in=ids)
        .exclude(state=Letter.State.POSTED)
        .update(state=Letter.State.POSTED, posted_at=now, posted_by=user)
    )


# --- The printed letter --------------------------------------------------------------------------


def letterhead(language):
    """The office's name, address and phone: the live reception page (its translation in the
    citizen's language where there is one), else the portal's contact settings."""
    from portal.models import PortalSettings, ReceptionPage

    head = {"office": settings.WAGTAIL_SITE_NAME, "address": "", "phone": "", "email": ""}
    pages = ReceptionPage.objects.live().select_related("locale")
    page = pages.filter(locale__language_code=language).first() or pages.first()
    if page is not None:
        head.update(
            office=page.office or head["office"],
            address=page.postal_address or page.address,
            phone=page.hotline,
            email=page.email,
        )
    contacts = PortalSettings.objects.first()
    if contacts is not None:
        head["phone"] = head["phone"] or contacts.hotline
        head["email"] = head["email"] or contacts.email
    return head


def letter_html(letter, now=None):
    message = letter.message
    language = message.language or settings.LANGUAGE_CODE
    subject, body = outbox.render(message)
    with translation.override(language):
        return render_to_string(
            "notifications/letter_pdf.html",
            {
                "head": letterhead(language),
                "letter": letter,
                "reference": message.case.reference if message.case else "",
                "date": timezone.localdate(now),
                "subject": subject,
                "paragraphs": [part for part in body.split("\n\n") if part.strip()],
                "address_lines": letter.postal_address.strip().splitlines(),
                "language": language,
            },
        )


def letter_pdf(letter, now=None):
    """The letter as PDF bytes, or None where WeasyPrint (or Pango) cannot run on this server."""
    html = letter_html(letter, now)
    try:
        # Imported here: some machines and the image's build stage have no Pango.
        import weasyprint

        return weasyprint.HTML(string=html).write_pdf()
    except (ImportError, OSError):
        log.exception("WeasyPrint cannot run: letters cannot be printed")
        return None
