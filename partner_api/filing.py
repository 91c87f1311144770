"""A partner files a case: through the same command as the web form, once per idempotency key.

A retry with the same Idempotency-Key and the same body gets the first response back and files
nothing; the same key with another body is refused. Two copies sent at once race to the unique
index on (partner, key hash): the loser's transaction rolls back, its case with it, and it answers
with the winner's response (the pattern of portal.appeals.file_appeal and OnlineSubmission).
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError

from casework import effects, workflow

from .models import PartnerCase, PartnerSubmission


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a request with another body."""


def body_hash(data):
    """A hash of the request's content, the same whatever the order of its fields."""
    canonical = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key_hash(partner, raw_key):
    return hashlib.sha256(f"{partner.pk}:{raw_key}".encode()).hexdigest()


def _earlier(partner, key_hash, content_hash):
    submission = PartnerSubmission.objects.filter(partner=partner, key_hash=key_hash).first()
    if submission is None:
        return None
    if submission.body_hash != content_hash:
        raise IdempotencyConflict
    return json.loads(submission.response), submission.status_code


def file_case(partner, *, respond, idempotency_key="", content_hash="", **case_fields):
    """File one case for the partner: (response data, status code, created).

    `respond(case, access_code)` builds the response (JSON-safe); with an idempotency key it is kept
    and returned again to a retry. `case_fields` go to workflow.register_case.
    """
    key_hash = idempotency_key_hash(partner, idempotency_key) if idempotency_key else ""
    if key_hash:
        earlier = _earlier(partner, key_hash, content_hash)
        if earlier is not None:
            return (*earlier, False)
    try:
        with effects.unit_of_work():
            case, code = workflow.register_case(actor=None, channel=partner.channel, **case_fields)
            # Before the unit of work ends: the registration's message asks the reply route, which
            # finds the partner through this row.
            PartnerCase.objects.create(partner=partner, case=case)
            data = respond(case, code)
            if key_hash:
                PartnerSubmission.objects.create(
                    partner=partner,
                    key_hash=key_hash,
                    body_hash=content_hash,
                    case=case,
                    response=json.dumps(data, cls=DjangoJSONEncoder),
                    status_code=201,
                )
    except IntegrityError:
        earlier = _earlier(partner, key_hash, content_hash) if key_hash else None
        if earlier is None:
            raise
        return (*earlier, False)
    return data, 201, True
