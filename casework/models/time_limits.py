"""Stage time limits by category and priority: the matrix supervisors edit, and its change log.

A rule overrides StageLimits for one (category, priority); a blank limit keeps the StageLimits
value. A case takes its limits when it is registered (Case.stage_limits), so a change applies to
new cases only (casework.time_limits).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import AppendOnly
from .choices import Category, Priority

# The stage limits a rule may override, in the order of a case's life.
STAGE_FIELDS = ("screening_days", "routing_days", "handling_plan_days", "reply_days", "follow_up_days")


def _limit(label):
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        help_text=_("Working days. Leave blank to use the stage time limit in the settings."),
    )


class StageLimitRule(models.Model):
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    screening_days = _limit(_("screening (working days)"))
    routing_days = _limit(_("routing (working days)"))
    handling_plan_days = _limit(_("handling plan (working days)"))
    reply_days = _limit(_("reply (working days from receipt)"))
    follow_up_days = _limit(_("follow-up (working days)"))

    class Meta:
        ordering = ["category", "-priority"]
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="one_stage_limit_rule_per_cell")
        ]
        verbose_name = _("time limit by category and priority")
        verbose_name_plural = _("time limits by category and priority")

    def __str__(self):
        return f"{self.get_category_display()} / {self.get_priority_display()}"

    def limits(self):
        """{field: days} of the limits this rule sets (blanks left out)."""
        return {name: getattr(self, name) for name in STAGE_FIELDS if getattr(self, name) is not None}


class StageLimitChange(AppendOnly):
    """Who changed which cell of the matrix, when, from what to what (blank: the settings' value)."""

    changed_at = models.DateTimeField(_("changed"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    old_limits = models.JSONField(_("before"), default=dict)
    new_limits = models.JSONField(_("after"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("time limit change")
        verbose_name_plural = _("time limit changes")

    def __str__(self):
        moment = timezone.localtime(self.changed_at)
        return f"{moment:%Y-%m-%d %H:%M} {self.get_category_display()} / {self.get_priority_display()}"
