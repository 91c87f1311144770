"""Retention of personal data (docs/domain.md "Confidentiality"; docs/security.md "Retention").

When a case has been closed (or rejected, merged, withdrawn) for longer than
settings.PERSONAL_DATA_RETENTION_DAYS, its citizen's personal data is erased: name, ID number, phone,
e-mail, address and their lookup hashes, the attachments (files and names), the names, contacts and ID
numbers of the walk-in visits that belong to it, and the addresses its messages were sent to together
with their delivery errors (a mail server's error can quote the address). Walk-in
visits that never opened a case are erased the same way once they are older than the period, and so is
what other apps keep outside any case (an e-mail staff dismissed from the mailbox's review queue).

What statistics are made of stays: category, channel, dates, department, status, outcome, satisfaction.
Cases are saved with update_fields, so their `updated_at` does not move and the daily roll-ups are not
even recomputed; the search entry is rebuilt, so the erased values cannot be found any more either.
The erasure itself is a command (workflow/erasure.py); this module decides what is due.

Each erasure writes a DeletionRecord with the names of the erased fields, never their values. A case or
visit with nothing left to erase is skipped, so a second run erases and records nothing.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casework.models import FINAL_STATUSES, Attachment, Case, OutboxMessage, Visit
from casework.workflow import erasure
from casework.workflow.erasure import CASE_HASHES, VISIT_FIELDS

logger = logging.getLogger(__name__)


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
    others = erasure.cases_with_other_data()
    if others:
        condition |= Q(pk__in=others)
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


def run(now=None):
    """One retention run; returns (run id, number of cases erased, number of lone visits erased)."""
    run_id = uuid.uuid4()
    days = retention_days()
    cases = sum(
        1
        for case in due_cases(now).only("pk").iterator()
        if erasure.erase_case(case, run_id, days, now) is not None
    )
    visits = sum(
        1
        for visit in due_visits(now).only("pk").iterator()
        if erasure.erase_visit(visit, run_id, days, now) is not None
    )
    others = len(erasure.erase_unfiled_data(cutoff(now), run_id, days, now))
    if cases or visits or others:
        logger.info(
            "Retention run %s erased %d cases, %d visits and %d other records.", run_id, cases, visits, others
        )
    return str(run_id), cases, visits
