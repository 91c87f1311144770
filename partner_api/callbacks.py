"""Replies by the channel the case came in: a partner with a callback URL gets each public step of
its cases as a signed JSON status document; without one, the citizen is told by e-mail or SMS (if
they gave an address) and the partner follows the case by asking the API.

The body can carry what the office wrote to the citizen and a new access code: it is never logged.
"""

import hashlib
import hmac
import json
import logging

import requests
from django.conf import settings
from django.utils import timezone

from casework.models import Channel, OutboxMessage
from notifications import outbox

from . import statuses
from .models import Partner, PartnerCase

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Appeals-Signature"
ADDRESS_PREFIX = "partner:"
# The partner's server refused the document itself; only a timeout or "too many" may pass.
RETRIED_CLIENT_ERRORS = {408, 429}


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def reply_route(case):
    """(API outbox channel, partner address) when the filing partner takes callbacks, else None."""
    if case.reply_channel and case.reply_channel != Channel.API:
        return None  # the citizen asked for a reply by e-mail, telephone or letter
    filing = PartnerCase.objects.select_related("partner").filter(case=case).first()
    if filing is None:
        return None
    partner = filing.partner
    if not (partner.is_active and partner.callback_url):
        return None
    return OutboxMessage.Channel.API, f"{ADDRESS_PREFIX}{partner.pk}"


def status_document(message, subject, body):
    case = message.case
    return {
        "reference": case.reference,
        "service_request_id": case.reference,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "open311_status": statuses.open311_status(case),
        "message": message.template,
        "subject": subject,
        "text": body,
        "reply_due": statuses.reply_due_iso(case),
        "sent_at": timezone.now().isoformat(),
    }


def send(message, subject, body):
    """POST the status document to the partner's callback URL, signed with its secret."""
    address = message.address or ""
    partner = None
    if address.startswith(ADDRESS_PREFIX) and address[len(ADDRESS_PREFIX) :].isdigit():
        partner = Partner.objects.filter(pk=int(address[len(ADDRESS_PREFIX) :])).first()
    if partner is None or not partner.is_active or not partner.callback_url or message.case is None:
        raise outbox.PermanentFailure("the partner system no longer takes callbacks")
    payload = json.dumps(status_document(message, subject, body), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": f"outbox-{message.pk}"}
    if partner.callback_secret:
        headers[SIGNATURE_HEADER] = signature(partner.callback_secret, payload)
    response = requests.post(
        partner.callback_url, data=payload, headers=headers, timeout=settings.PARTNER_CALLBACK_TIMEOUT
    )
    code = response.status_code
    if 400 <= code < 500 and code not in RETRIED_CLIENT_ERRORS:
        raise outbox.PermanentFailure(f"the partner's callback answered {code}")
    if code >= 300:
        # Retried with back-off by the outbox (5xx, 408, 429, a redirect we do not follow).
        raise ConnectionError(f"the partner's callback answered {code}")
    log.info("status of a case sent to partner %s (%d bytes)", partner.pk, len(payload))


def register():
    outbox.register_reply_route(Channel.API, reply_route)
    outbox.register_transport(OutboxMessage.Channel.API, send)
