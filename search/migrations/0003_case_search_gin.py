"""Indexed term vectors for the case search, on PostgreSQL only.

The terms are already normalised and cut by search.text, so they become a tsvector as they are
(array_to_tsvector: no parser, no dictionary, no dependence on the database's locale). The vectors are
generated columns, unknown to the model and kept by PostgreSQL itself, with a GIN index each: a query
of terms is answered from the index. SQLite has neither; its LIKE scan suits a small office.
"""

from django.db import migrations

COLUMNS = ("terms", "personal_terms")
TABLE = "case_search_casesearchentry"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {column}_vector tsvector GENERATED ALWAYS AS "
            f"(array_to_tsvector(string_to_array(btrim({column}), ' '))) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS case_search_{column}_gin ON {TABLE} USING gin ({column}_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {column}_vector")


class Migration(migrations.Migration):
    dependencies = [("case_search", "0002_case_search_entry")]

    operations = [migrations.RunPython(create, drop)]
