"""Personal-data terms of existing entries become keyed hashes (crypto.term_hash).

Entries written before held the citizen's name, phone, e-mail… in clear, undoing the encryption of
the case fields. Each entry's personal terms are recomputed from its case, in batches, so that
search by personal data keeps finding the case. Elasticsearch documents are outside the database:
they are marked as waiting so the catch-up sends them again, and `manage.py rebuild_case_index`
replaces the whole index at once (run it after this migration when ELASTICSEARCH_URL is set).
"""

from django.conf import settings
from django.db import migrations

BATCH_SIZE = 500


def hash_personal_terms(apps, schema_editor):
    from search.cases import personal_parts, personal_token_text

    Case = apps.get_model("casework", "Case")
    Entry = apps.get_model("case_search", "CaseSearchEntry")
    fields = ["personal_terms"]
    if settings.ELASTICSEARCH_URL:
        fields.append("elasticsearch_pending")
    cases = Case.objects.filter(search_entry__isnull=False).order_by("pk").prefetch_related("visits")
    batch = []
    for case in cases.iterator(chunk_size=BATCH_SIZE):
        terms = personal_token_text(personal_parts(case))
        batch.append(Entry(case_id=case.pk, personal_terms=terms, elasticsearch_pending=True))
        if len(batch) >= BATCH_SIZE:
            Entry.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        Entry.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("case_search", "0004_case_search_combined_vector"),
        ("casework", "0011_remove_dead_notification_model"),
    ]

    # Going back leaves the hashes: the older code then misses personal data until
    # `manage.py rebuild_case_index` writes clear terms again.
    operations = [migrations.RunPython(hash_personal_terms, migrations.RunPython.noop)]
