"""A number and the character right after it (52路, 52号) are indexed as one term too
(appeals.text.NUMBER_UNIT), so that a query for a bus route ranks the route above a house number:
existing entries are rebuilt, and their Elasticsearch documents marked as waiting to be sent again.
"""

from django.db import migrations


def add_number_units(apps, schema_editor):
    from search.cases import rewrite_entry_terms

    rewrite_entry_terms(apps.get_model("casework", "Case"), apps.get_model("case_search", "CaseSearchEntry"))


class Migration(migrations.Migration):
    dependencies = [
        ("case_search", "0006_stem_english_words"),
    ]

    operations = [
        migrations.RunPython(add_number_units, migrations.RunPython.noop, elidable=True),
    ]
