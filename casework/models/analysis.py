"""Analysis reports (分析報告, measures 000 §四(五)2, 001 §六): the figures of a month or a quarter,
for the whole office or one department, with the causes, improvement proposals and decision
references staff write. The rules (who writes, reviews and freezes) are in reporting.analysis."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisation import Department


class FrozenReportError(Exception):
    """A frozen analysis report was about to be changed."""


class AnalysisReport(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        FROZEN = "frozen", _("Reviewed and frozen")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # The month (1–12) of a monthly report, the quarter (1–4) of a quarterly one.
    number = models.PositiveSmallIntegerField(_("month or quarter"))
    period_start = models.DateField(_("period from"), editable=False)
    period_end = models.DateField(_("period to"), editable=False)
    # None: the whole office.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="analysis_reports",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    causes = models.TextField(_("causes"), blank=True)
    proposals = models.TextField(_("improvement proposals"), blank=True)
    decisions = models.TextField(_("decisions supported"), blank=True)
    # Aggregates only (reporting.analysis.compute_figures), kept as they were when last computed:
    # a frozen report's figures never move, whatever happens to the cases afterwards.
    figures = models.JSONField(default=dict, blank=True, editable=False)
    figures_computed_at = models.DateTimeField(_("figures computed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    frozen_at = models.DateTimeField(_("reviewed and frozen"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_comment = models.TextField(_("returned with comments"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "kind", "department__name", "pk"]
        verbose_name = _("analysis report")
        verbose_name_plural = _("analysis reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number"],
                condition=models.Q(department__isnull=True),
                name="one_office_analysis_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "number", "department"],
                condition=models.Q(department__isnull=False),
                name="one_department_analysis_report_per_period",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_code} {self.department or _('Whole office')}"

    def save(self, *args, **kwargs):
        # A reviewed report is a record: nothing changes it once frozen, not even a careless script.
        if self.pk and type(self).objects.filter(pk=self.pk, state=self.State.FROZEN).exists():
            raise FrozenReportError(f"analysis report {self.pk} is frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, state=self.State.FROZEN).exists():
            raise FrozenReportError(f"analysis report {self.pk} is frozen")
        return super().delete(*args, **kwargs)

    @property
    def period_code(self):
        return (
            f"{self.year}-{self.number:02d}"
            if self.kind == self.Kind.MONTHLY
            else f"{self.year}-Q{self.number}"
        )

    @property
    def is_frozen(self):
        return self.state == self.State.FROZEN
