"""Retention of personal data (docs/domain.md "Confidentiality"; docs/security.md "Retention").

When a case has been closed (or rejected, merged, withdrawn) for longer than
settings.PERSONAL_DATA_RETENTION_DAYS, its citizen's personal data is erased: name, ID number, phone,
e-mail, address and their lookup hashes, the attachments (files and names), the names, contacts and ID
numbers of the walk-in visits that belong to it, and the addresses its messages were sent to together
with their delivery errors (a mail server's error can quote the address). Walk-in
visits that never opened a case are erased the same way once they are older than the period.

What statistics are made of stays: category, channel, dates, department, status, outcome, satisfaction.
Cases are saved with update_fields, so their `updated_at` does not move and the daily roll-ups are not
even recomputed; the search entry is rebuilt (the post_save signal), so the erased values cannot be
found any more either.

Each erasure writes a DeletionRecord with the names of the erased fields, never their values. A case or
visit with nothing left to erase is skipped, so a second run erases and records nothing.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import FINAL_STATUSES, Attachment, Case, DeletionRecord, Event, OutboxMessage, Visit

logger = logging.getLogger(__name__)

CASE_HASHES = ["citizen_phone_hash", "citizen_email_hash"]
VISIT_FIELDS = ["visitor_names", "contacts", "id_numbers"]


def retention_days():
    return int(settings.PERSONAL_DATA_RETENTION_DAYS)


def cutoff(now=None):
    """Cases closed before this moment (and visits made before it) have their personal data erased."""
    return (now or timezone.now()) - timedelta(days=retention_days())


def _has_personal_data():
    """Cases holding anything still to erase (encrypted empty values are stored as "")."""
    condition = Q()
    for name in Case.PERSONAL_FIELDS + CASE_HASHES:
        condition |= ~Q(**{name: ""})
    visit_data = Q()
    for name in VISIT_FIELDS:
        visit_data |= ~Q(**{name: ""})
    condition |= Exists(Attachment.objects.filter(case=OuterRef("pk")))
    condition |= Exists(Visit.objects.filter(visit_data, case=OuterRef("pk")))
    condition |= Exists(
        OutboxMessage.objects.filter(case=OuterRef("pk")).exclude(Q(address="") & Q(last_error=""))
    )
    return condition


def due_cases(now=None):
    """Cases closed longer than the retention period that still hold personal data."""
    return (
        Case.objects.filter(status__in=FINAL_STATUSES, closed_at__lt=cutoff(now))
        .filter(_has_personal_data())
        .order_by("pk")
    )


def due_visits(now=None):
    """Walk-in visits that opened no case, older than the retention period, with data to erase."""
    condition = Q()
    for name in VISIT_FIELDS:
        condition |= ~Q(**{name: ""})
    return (
        Visit.objects.filter(case__isnull=True, visited_at__lt=cutoff(now)).filter(condition).order_by("pk")
    )


def _erase_visit(visit):
    """Blank the visit's personal fields; returns the names of those that held something."""
    erased = [name for name in VISIT_FIELDS if getattr(visit, name)]
    if erased:
        for name in erased:
            setattr(visit, name, "")
        visit.save(update_fields=erased)
    return erased


def erase_case(case, run_id, now=None):
    """Erase one case's personal data; returns its DeletionRecord, or None when nothing was left."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        erased = [name for name in Case.PERSONAL_FIELDS + CASE_HASHES if getattr(case, name)]

        attachments = list(Attachment.objects.filter(case=case))
        if attachments:
            erased.append(f"attachments ({len(attachments)})")
            names = [attachment.file.name for attachment in attachments if attachment.file.name]
            # Their file names can name the citizen too ("王小明 身份證.jpg"): blank them on the timeline.
            Event.objects.filter(case=case, kind=Event.Kind.ATTACHMENT).update(text="")
            Attachment.objects.filter(case=case).delete()
            storage = attachments[0].file.storage

            def remove_files():
                for name in names:
                    storage.delete(name)

            transaction.on_commit(remove_files)

        for visit in Visit.objects.filter(case=case).order_by("pk"):
            erased += [f"visit {visit.pk}: {name}" for name in _erase_visit(visit)]

        messages = OutboxMessage.objects.filter(case=case)
        sent_to = messages.exclude(address="").count()
        errors = messages.exclude(last_error="").count()
        if sent_to or errors:
            messages.update(address="", last_error="")
        if sent_to:
            erased.append(f"message addresses ({sent_to})")
        if errors:
            erased.append(f"message errors ({errors})")

        if not erased:
            return None
        for name in Case.PERSONAL_FIELDS:
            setattr(case, name, "")
        # save() recomputes the lookup hashes (now blank); update_fields keeps updated_at, so the
        # statistics do not see a change, and post_save rebuilds the case's search entry.
        case.save(update_fields=Case.PERSONAL_FIELDS)
        return DeletionRecord.objects.create(
            case=case,
            reference=case.reference,
            erased_at=now or timezone.now(),
            fields=erased,
            run_id=run_id,
            retention_days=retention_days(),
        )


def erase_visit(visit, run_id, now=None):
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        erased = _erase_visit(visit)
        if not erased:
            return None
        return DeletionRecord.objects.create(
            visit_id=visit.pk,
            erased_at=now or timezone.now(),
            fields=erased,
            run_id=run_id,
            retention_days=retention_days(),
        )


def run(now=None):
    """One retention run; returns (run id, number of cases erased, number of lone visits erased)."""
    run_id = uuid.uuid4()
    cases = sum(
        1 for case in due_cases(now).only("pk").iterator() if erase_case(case, run_id, now) is not None
    )
    visits = sum(
        1 for visit in due_visits(now).only("pk").iterator() if erase_visit(visit, run_id, now) is not None
    )
    if cases or visits:
        logger.info("Retention run %s erased %d cases and %d visits.", run_id, cases, visits)
    return str(run_id), cases, visits
