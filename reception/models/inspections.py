"""Supervision-group inspections and external supervision (reception measures §六(一)1, §六(二)):
inspection records with their findings, satisfaction questionnaires sent after closure, the public
suggestion box about the reception service, and third-party evaluations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable


class Inspection(ClusterableModel):
    """One visit or check by the supervision group: who checked what, and what they found."""

    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="inspections",
        verbose_name=_("inspectors (staff)"),
    )
    outside_inspectors = models.CharField(
        _("inspectors from outside"),
        max_length=500,
        blank=True,
        help_text=_("Names of members from outside the office, separated by commas."),
    )
    scope = models.TextField(_("what was checked"))
    # Publication: only what editors wrote for the public goes out; inspectors' names only on request.
    published = models.BooleanField(
        _("publish the rectification summary"),
        default=False,
        help_text=_(
            "The public page shows the date, the title, the public summary and each finding's "
            "description, the rectification and its dates. Write them without personal data."
        ),
    )
    public_summary = models.TextField(_("public summary"), blank=True)
    inspectors_public = models.BooleanField(
        _("name the inspectors on the public page"),
        default=False,
        help_text=_("Only when the inspectors agreed to be named."),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class InspectionFinding(Orderable):
    """One finding of an inspection, its rectification by an owner department, and its verification."""

    inspection = ParentalKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("finding"))
    rectification_required = models.TextField(_("rectification required"))
    department = models.ForeignKey(
        "casework.Department",
        on_delete=models.PROTECT,
        related_name="inspection_findings",
        verbose_name=_("owner department"),
    )
    deadline = models.DateField(_("rectify by"))
    action_taken = models.TextField(_("what was put right"), blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    overdue_reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta(Orderable.Meta):
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return self.description[:80]

    @property
    def verified(self):
        return self.verified_on is not None

    def is_overdue(self, today):
        return self.verified_on is None and self.rectified_on is None and self.deadline < today


class Questionnaire(models.Model):
    """The satisfaction questionnaire sent to the citizen of a closed case; answered once, by link."""

    case = models.OneToOneField(
        "casework.Case", on_delete=models.CASCADE, related_name="questionnaire", verbose_name=_("case")
    )
    language = models.CharField(_("language"), max_length=10)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rating_access = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_information = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_handling = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_staff = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return f"{self.case.reference}"


class Suggestion(models.Model):
    """A suggestion about the reception service itself, left on the public suggestion box."""

    text = models.TextField(_("suggestion"))
    contact_name = models.CharField(_("name"), max_length=100, blank=True)
    contact = models.CharField(_("contact (e-mail or telephone)"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handling_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("suggestion about the reception service")
        verbose_name_plural = _("suggestions about the reception service")

    def __str__(self):
        return self.text[:60]


class ThirdPartyEvaluation(models.Model):
    """The result of an evaluation of the office by an outside body."""

    evaluator = models.CharField(_("evaluator"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    summary = models.TextField(_("summary"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=6, decimal_places=2, default=100)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("report document"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("third-party evaluation")
        verbose_name_plural = _("third-party evaluations")

    def __str__(self):
        return f"{self.evaluator} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"
