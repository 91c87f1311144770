"""English words are indexed with their stems too, and Taiwan and mainland words for the same thing
fold to one (appeals.text): existing entries are rebuilt.

Without this, an entry written before would hold "lights" but not "light", or 计程车 but not 出租车,
and a query (which asks for the stem, the folded word) would miss it. Case entries are recomputed from their cases, in batches; page entries
from their pages. Elasticsearch documents are marked as waiting so the catch-up sends them again
(or run `manage.py rebuild_case_index`).
"""

from django.conf import settings
from django.db import migrations

BATCH_SIZE = 500


def restem_case_entries(apps, schema_editor):
    from search.cases import case_texts, personal_token_text, token_text

    Case = apps.get_model("casework", "Case")
    Entry = apps.get_model("case_search", "CaseSearchEntry")
    fields = ["subject_terms", "terms", "personal_terms"]
    if settings.ELASTICSEARCH_URL:
        fields.append("elasticsearch_pending")
    cases = (
        Case.objects.filter(search_entry__isnull=False)
        .order_by("pk")
        .prefetch_related("events", "outcomes", "visits")
    )
    batch = []
    for case in cases.iterator(chunk_size=BATCH_SIZE):
        subject, parts, personal = case_texts(case)
        batch.append(
            Entry(
                case_id=case.pk,
                subject_terms=token_text([subject]),
                terms=token_text(parts),
                personal_terms=personal_token_text(personal),
                elasticsearch_pending=True,
            )
        )
        if len(batch) >= BATCH_SIZE:
            Entry.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        Entry.objects.bulk_update(batch, fields)


def restem_page_entries(apps, schema_editor):
    PageEntry = apps.get_model("case_search", "PageSearchEntry")
    if not PageEntry.objects.exists():
        return
    # Page texts come from each page type's own fields: the live models build them.
    from search import pages

    pages.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("case_search", "0005_hash_personal_terms"),
    ]

    operations = [
        migrations.RunPython(restem_case_entries, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(restem_page_entries, migrations.RunPython.noop, elidable=True),
    ]
