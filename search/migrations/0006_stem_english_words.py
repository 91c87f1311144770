"""English words are indexed with their stems too, and Taiwan and mainland words for the same thing
fold to one (appeals.text): existing entries are rebuilt.

Without this, an entry written before would hold "lights" but not "light", or 计程车 but not 出租车,
and a query (which asks for the stem, the folded word) would miss it. Case entries are recomputed from their cases, in batches; page entries
from their pages. Elasticsearch documents are marked as waiting so the catch-up sends them again
(or run `manage.py rebuild_case_index`).
"""

from django.db import migrations


def restem_case_entries(apps, schema_editor):
    from search.cases import rewrite_entry_terms

    rewrite_entry_terms(apps.get_model("casework", "Case"), apps.get_model("case_search", "CaseSearchEntry"))


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
