"""One vector of the text and personal-data terms together, on PostgreSQL only.

For users allowed to search personal data on every case they see, a query is a single lookup in one
GIN index instead of a union of two per term.
"""

from django.db import migrations

TABLE = "case_search_casesearchentry"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS all_terms_vector tsvector GENERATED ALWAYS AS "
        "(array_to_tsvector(array_remove(string_to_array(terms || ' ' || personal_terms, ' '), ''))) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS case_search_all_terms_gin ON {TABLE} USING gin (all_terms_vector)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS all_terms_vector")


class Migration(migrations.Migration):
    dependencies = [("case_search", "0003_case_search_gin")]

    operations = [migrations.RunPython(create, drop)]
