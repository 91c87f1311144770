"""Indexes for the sample that searches with many matches are estimated from, and for reading one
department's entries newest first (PostgreSQL only; bench/plans/search.txt shows them at work).

The sample is every case whose id is a multiple of search.cases.SAMPLE_EVERY. Its own small indexes
(partial ones, over the sample's rows only) find the sample's matches without touching the others:
PostgreSQL cannot tell how many entries hold two bigrams of one word, and with the whole index it
reads every match before narrowing them to the sample (tens of thousands of rows for 中山路).
"""

from django.db import migrations

TABLE = "case_search_casesearchentry"
# search.cases.SAMPLE_EVERY: PostgreSQL uses a partial index only for the same condition.
SAMPLE_EVERY = 50
SUBJECT_VECTOR = "array_to_tsvector(string_to_array(btrim(subject_terms), ' '))"

INDEXES = {
    "case_search_sample_terms_gin": (
        f"ON {TABLE} USING gin (all_terms_vector) WHERE case_id % {SAMPLE_EVERY} = 0"
    ),
    "case_search_sample_subject_gin": (
        f"ON {TABLE} USING gin (({SUBJECT_VECTOR})) WHERE case_id % {SAMPLE_EVERY} = 0"
    ),
    "case_search_department_newest": f"ON {TABLE} (department_id, received_at DESC, case_id DESC)",
    "casework_case_sample": f"ON casework_case (id) WHERE id % {SAMPLE_EVERY} = 0",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}".replace("%", "%%"))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("case_search", "0008_case_search_subject_gin"), ("casework", "0012_open_case_indexes")]

    operations = [migrations.RunPython(create, drop)]
