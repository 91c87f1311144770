"""The time-limit matrix in the admin (Casework setup): supervisors and administrators edit its
cells through casework.time_limits, which logs every change; everyone allowed sees the change log.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from . import time_limits
from .models import STAGE_FIELDS, StageLimitChange, StageLimitRule


class SaveThroughService:
    def save_instance(self):
        return time_limits.save_rule(self.request.user, self.form.instance)


class RuleCreateView(SaveThroughService, CreateView):
    pass


class RuleEditView(SaveThroughService, EditView):
    pass


class RuleDeleteView(DeleteView):
    def delete_action(self):
        time_limits.delete_rule(self.request.user, self.object)


def _limits_text(limits):
    """ "screening (working days) 1; reply ... 10", blanks as the settings' value."""
    if not limits:
        return _("the settings' limits")
    fields = {name: StageLimitRule._meta.get_field(name) for name in STAGE_FIELDS}
    return "; ".join(f"{fields[name].verbose_name} {limits[name]}" for name in STAGE_FIELDS if name in limits)


def change_summary(change):
    return _("%(old)s → %(new)s") % {
        "old": _limits_text(change.old_limits),
        "new": _limits_text(change.new_limits),
    }


class StageLimitRuleViewSet(ModelViewSet):
    model = StageLimitRule
    icon = "time"
    menu_label = gettext_lazy("Time limits by category and priority")
    add_view_class = RuleCreateView
    edit_view_class = RuleEditView
    delete_view_class = RuleDeleteView
    list_display = ["__str__", *STAGE_FIELDS]
    list_filter = ["category", "priority"]
    form_fields = ["category", "priority", *STAGE_FIELDS]


class StageLimitChangeViewSet(ModelViewSet):
    """Read only: the log is written by casework.time_limits, and nobody holds the rights to edit it."""

    model = StageLimitChange
    icon = "history"
    menu_label = gettext_lazy("Time limit changes")
    inspect_view_enabled = True
    list_filter = ["category", "priority"]
    form_fields = ["category", "priority"]

    @property
    def list_display(self):
        return [
            "changed_at",
            "changed_by",
            "category",
            "priority",
            Column("summary", label=_("Change"), accessor=change_summary),
        ]
