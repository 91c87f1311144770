"""The search entries hold every field a search filters on (category, channel, and the deadline's
due date and pause, from which the SLA state follows), so a filtered search at a city's scale reads
the entries alone instead of joining a million cases; with an index per filter (PostgreSQL only):
one status's entries newest first (a search narrowed to closed cases walks back past the open ones
otherwise), category and channel, and the running deadlines by due date.

Existing entries are filled from their cases in one statement on PostgreSQL.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

TABLE = "case_search_casesearchentry"
FIELDS = ("category", "channel", "due_date", "paused_at")
OPEN_STATUSES = (
    "received",
    "awaiting_information",
    "accepted",
    "routed",
    "in_progress",
    "in_review",
    "awaiting_approval",
    "approved",
    "replied",
    "followed_up",
)
# Each joins the terms' index in one bitmap, so only the entries matching both are read.
INDEXES = {
    "case_search_status_newest": "(status, received_at DESC, case_id DESC)",
    "case_search_category": "(category, department_id)",
    "case_search_channel": "(channel, department_id)",
    # The running deadlines (open, not paused): the SLA filters are ranges of due dates in it.
    "case_search_running_by_due_date": (
        "(due_date) WHERE status IN ({}) AND paused_at IS NULL AND due_date IS NOT NULL".format(
            ", ".join(f"'{status}'" for status in OPEN_STATUSES)
        )
    ),
}


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        assignments = ", ".join(f"{name} = c.{name}" for name in FIELDS)
        schema_editor.execute(f"UPDATE {TABLE} e SET {assignments} FROM casework_case c WHERE c.id = e.case_id")
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} {definition}")
        return
    entry_model = apps.get_model("case_search", "CaseSearchEntry")
    case_model = apps.get_model("casework", "Case")
    of_case = case_model.objects.filter(pk=OuterRef("case_id"))
    entry_model.objects.update(**{name: Subquery(of_case.values(name)[:1]) for name in FIELDS})


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("case_search", "0009_case_search_sample_indexes"),
        ("casework", "0012_open_case_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesearchentry",
            name="category",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="casesearchentry",
            name="channel",
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name="casesearchentry",
            name="due_date",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="casesearchentry",
            name="paused_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, drop_indexes),
    ]
