"""The deletion ledger in the admin (Reports menu): what the retention run erased, for auditors.

The ledger can only be read here, never changed; its views and menu item are registered from
casework.wagtail_hooks.
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import TitleColumn

from casework import access, exports, roles
from casework.admin_lists import BackOfficeIndexView, BackOfficeInspectView, column, local_time
from casework.models import Case, DeletionRecord, Visit

LEDGER_ROLES = (roles.AUDITOR, roles.SUPERVISOR, roles.ADMINISTRATOR)


def _other_model(prefix):
    """The model named by an erased name's prefix ("mailroom.reviewitem 12"), for records of what
    another app kept outside any case; None for the case's own names and a visit's."""
    label, _sep, _pk = prefix.partition(" ")
    if "." not in label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _other_record(prefix):
    """That record as the admin calls it ("e-mail to review 12"), or None."""
    model = _other_model(prefix)
    return None if model is None else f"{model._meta.verbose_name} {prefix.partition(' ')[2]}"


def _label(name):
    """A field name in the record as the admin calls it ("visit 3: contacts" → "visit 3: contact details")."""
    prefix, _sep, field = name.rpartition(": ")
    model = _other_model(prefix)
    if model is not None:
        prefix = _other_record(prefix)
    else:
        model = Visit if prefix.startswith("visit") else Case
    try:
        label = str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        label = field
    return f"{prefix}: {label}" if prefix else label


def _erased_from(record):
    """What the record's data belonged to: a case, a walk-in visit, or another app's record."""
    if record.reference:
        return record.reference
    if record.visit_id:
        return _("Walk-in visit %(id)s") % {"id": record.visit_id}
    return _other_record((record.fields or [""])[0].rpartition(": ")[0]) or "—"


def deletion_row(record):
    return {
        "erased_at": local_time(record.erased_at, "%Y-%m-%d %H:%M:%S"),
        "reference": _erased_from(record),
        "fields": ", ".join(_label(name) for name in record.fields),
        "retention_days": record.retention_days,
        "run_id": str(record.run_id),
    }


HEADINGS = {
    "erased_at": gettext_lazy("Time"),
    "reference": gettext_lazy("Case or record"),
    "fields": gettext_lazy("What was erased"),
    "retention_days": gettext_lazy("Retention period (days)"),
    "run_id": gettext_lazy("Run"),
}


class DeletionLedgerView(BackOfficeIndexView):
    model = DeletionRecord
    roles_allowed = LEDGER_ROLES
    paginate_by = 100
    page_title = gettext_lazy("Personal data deletions")
    header_icon = "bin"
    intro = gettext_lazy(
        "Personal data of cases closed longer than the retention period is erased every night. "
        "Each row says what was erased, never what it said."
    )
    inspect_url_name = "casework_deletion_record"
    no_results_message = gettext_lazy("Nothing has been erased yet.")
    export_formats = exports.FORMATS
    export_filename = "personal-data-deletions"
    list_export = list(HEADINGS)
    export_headings = HEADINGS

    def to_row_dict(self, record):
        return deletion_row(record)

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "erased_at",
                label=HEADINGS["erased_at"],
                accessor=lambda record: deletion_row(record)["erased_at"],
                get_url=self.get_inspect_url,
            ),
            *(
                column(name, HEADINGS[name], lambda record, name=name: deletion_row(record)[name])
                for name in ("reference", "fields", "retention_days")
            ),
            column(
                "run_id",
                HEADINGS["run_id"],
                lambda record: format_html("<code>{}</code>", str(record.run_id)[:8]),
            ),
        ]


class DeletionRecordInspectView(BackOfficeInspectView):
    model = DeletionRecord
    roles_allowed = LEDGER_ROLES
    index_url_name = "casework_deletion_ledger"

    def get_inspect_fields(self, record):
        row = deletion_row(record)
        return [(HEADINGS[name], row[name]) for name in HEADINGS]


class LedgerMenuItem(MenuItem):
    def is_shown(self, request):
        return access.has_role(request.user, *LEDGER_ROLES)
