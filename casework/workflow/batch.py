"""Saving synthetic cases in bulk: cases built in memory by the workflow's own steps (replay), with
their timelines, outcomes and pauses, for the demo and the benchmarks. Nothing here changes an
existing case, and nobody is notified.
"""

import json

from django.db import connection, transaction
from django.utils import timezone

from ..models import Case, Event, Milestone, Outcome, Pause, RectificationMeasure, ReferenceSequence


def save_batch(built):
    """Save (case, recorder) pairs with fresh references; returns how many cases were saved."""
    by_year = {}
    for case, _recorder in built:
        if not case.reference:
            by_year.setdefault(timezone.localtime(case.received_at).year, []).append(case)
    for year, cases in by_year.items():
        numbers = ReferenceSequence.reserve(year, len(cases))
        for number, case in zip(numbers, sorted(cases, key=lambda c: c.received_at), strict=True):
            case.reference = ReferenceSequence.format(year, number)
    # A duplicate may point at a case of this very batch, which has no id until it is inserted.
    merged = [
        (case, case.duplicate_of) for case, _r in built if case.duplicate_of and case.duplicate_of.pk is None
    ]
    for case, _original in merged:
        case.duplicate_of = None
    with transaction.atomic():
        Case.objects.bulk_create([case for case, _recorder in built])
        for case, original in merged:
            case.duplicate_of = original
        Case.objects.bulk_update([case for case, _original in merged], ["duplicate_of"])
        events = [event for _case, recorder in built for event in recorder.events]
        rows = [row for _case, recorder in built for row in recorder.rows]
        # Milestones and rectification measures belong to an outcome, which has its id only later.
        milestones = [row for row in rows if isinstance(row, Milestone)]
        measures = [row for row in rows if isinstance(row, RectificationMeasure)]
        rows = [row for row in rows if not isinstance(row, (Milestone, RectificationMeasure))]
        for row in rows:
            row.case_id = row.case.pk
        save_events(events)
        Outcome.objects.bulk_create([row for row in rows if isinstance(row, Outcome)])
        # An implementation plan's milestones belong to an outcome, which has its id only now.
        for milestone in milestones:
            milestone.outcome_id = milestone.outcome.pk
        Milestone.objects.bulk_create(milestones)
        for measure in measures:
            measure.case_id, measure.outcome_id = measure.case.pk, measure.outcome.pk
        RectificationMeasure.objects.bulk_create(measures)
        Pause.objects.bulk_create([row for row in rows if isinstance(row, Pause)])
    return len(built)


def save_events(events):
    """Timeline rows (case, actor id, moment, kind, public, text, data): COPY on PostgreSQL, where
    there are millions; bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        columns = "case_id, actor_id, created_at, kind, is_public, text, data"
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {Event._meta.db_table} ({columns}) FROM STDIN") as copy:
                for case, actor_id, moment, kind, public, text, data in events:
                    copy.write_row((case.pk, actor_id, moment, kind, public, text, json.dumps(data)))
        return
    Event.objects.bulk_create(
        [
            Event(
                case_id=case.pk,
                actor_id=actor_id,
                created_at=moment,
                kind=kind,
                is_public=public,
                text=text,
                data=data,
            )
            for case, actor_id, moment, kind, public, text, data in events
        ],
        batch_size=5000,
    )
