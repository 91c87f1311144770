"""Indexes for searches that match too many cases to count or rank them all
(search.cases.EXACT_COUNT_LIMIT), on PostgreSQL only; bench/plans/search.txt shows them at work.

- The subject's terms: the cases whose subject holds every term come first, and this index finds
  them without reading the others. An expression index, not a stored column: the subject is short,
  and the table stays as narrow as it is.
- The entries newest first: a page of such a search is read in date order and stops after its
  rows, instead of reading every match to sort them.
"""

from django.db import migrations

TABLE = "case_search_casesearchentry"
# search.cases.SUBJECT_VECTOR is the same expression: PostgreSQL uses the index only for it.
SUBJECT_VECTOR = "array_to_tsvector(string_to_array(btrim(subject_terms), ' '))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS case_search_subject_terms_gin ON {TABLE} USING gin (({SUBJECT_VECTOR}))"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS case_search_newest ON {TABLE} (received_at DESC, case_id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_search_subject_terms_gin")
        schema_editor.execute("DROP INDEX IF EXISTS case_search_newest")


class Migration(migrations.Migration):
    dependencies = [("case_search", "0007_number_units")]

    operations = [migrations.RunPython(create, drop)]
