"""Staff assessment (考核, measures 000 §六(一)2, §六(三); 001 §八): indicators with weights and
scoring standards, period scorecards per reception officer, handler and department, and the rewards
and penalties decided on them. The rules (who writes, how scores are computed, freezing) are in
reception.assessment."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Department


class FrozenScorecardError(Exception):
    """A frozen scorecard (or one of its lines) was about to be changed."""


class SubjectKind(models.TextChoices):
    OFFICER = "officer", _("Reception officer")
    HANDLER = "handler", _("Handler")
    DEPARTMENT = "department", _("Department")


class Indicator(models.Model):
    """One line of the scoring standard for one kind of subject; managers edit it. A change applies
    to draft scorecards when their scores are computed again, never to frozen ones."""

    class Method(models.TextChoices):
        COMPUTED = "computed", _("Computed from the case data")
        MANUAL = "manual", _("Entered by hand")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    subject_kind = models.CharField(_("assessed"), max_length=12, choices=SubjectKind.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    standard = models.TextField(_("scoring standard"), blank=True)
    method = models.CharField(_("how the score is obtained"), max_length=10, choices=Method.choices)
    # The computed source's code (reception.assessment.SOURCES); a source not available yet leaves
    # the score to be entered by hand.
    source = models.CharField(_("computed source"), max_length=50, blank=True)
    # [[threshold, score], ...]: the raw figure reaching a threshold (at least it, or at most it
    # when lower is better) earns that score; the best band reached counts, none reached scores 0.
    bands = models.JSONField(_("score bands"), default=list, blank=True)
    higher_is_better = models.BooleanField(_("a higher figure is better"), default=True)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["subject_kind", "order", "code"]
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")

    def __str__(self):
        return self.name


class Scorecard(models.Model):
    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FROZEN = "frozen", _("Reviewed and frozen")

    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # The month (1–12), the quarter (1–4), or 1 for a year.
    number = models.PositiveSmallIntegerField(_("month or quarter"), default=1)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    subject_kind = models.CharField(_("assessed"), max_length=12, choices=SubjectKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorecards",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorecards",
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    # The weighted total of the scored lines, kept with the lines (a frozen card's never moves).
    total = models.DecimalField(_("weighted total"), max_digits=6, decimal_places=2, null=True, blank=True)
    # The subject's name when the card was made, so a frozen card reads the same after renames.
    subject_name = models.CharField(_("assessed"), max_length=200)
    computed_at = models.DateTimeField(_("scores computed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("reviewed and frozen"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "subject_kind", "subject_name", "pk"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "year", "number", "subject_kind", "user"],
                condition=models.Q(user__isnull=False),
                name="one_staff_scorecard_per_period",
            ),
            models.UniqueConstraint(
                fields=["period", "year", "number", "department"],
                condition=models.Q(subject_kind="department"),
                name="one_department_scorecard_per_period",
            ),
        ]

    def __str__(self):
        return f"{self.subject_name} {self.period_code}"

    def save(self, *args, **kwargs):
        # A reviewed scorecard is a record: nothing changes it once frozen, not even a careless script.
        if _is_frozen(self.pk):
            raise FrozenScorecardError(f"scorecard {self.pk} is frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _is_frozen(self.pk):
            raise FrozenScorecardError(f"scorecard {self.pk} is frozen")
        return super().delete(*args, **kwargs)

    @property
    def period_code(self):
        if self.period == self.Period.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.period == self.Period.QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def is_frozen(self):
        return self.state == self.State.FROZEN


def _is_frozen(card_id):
    """Is the scorecard frozen in the database (whatever the object in hand says)?"""
    return bool(card_id) and Scorecard.objects.filter(pk=card_id, state=Scorecard.State.FROZEN).exists()


class ScorecardLine(models.Model):
    """One indicator on a scorecard, its name, standard and weight copied when the scores were
    computed: the card keeps the standard it was scored by."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    standard = models.TextField(_("scoring standard"), blank=True)
    method = models.CharField(_("how the score is obtained"), max_length=10, choices=Indicator.Method.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    raw = models.FloatField(_("figure"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        constraints = [models.UniqueConstraint(fields=["scorecard", "code"], name="one_line_per_indicator")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if _is_frozen(self.scorecard_id):
            raise FrozenScorecardError(f"scorecard {self.scorecard_id} is frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _is_frozen(self.scorecard_id):
            raise FrozenScorecardError(f"scorecard {self.scorecard_id} is frozen")
        return super().delete(*args, **kwargs)


class RewardOrPenalty(models.Model):
    """A reward or a penalty decided on the strength of a reviewed scorecard (001 §八)."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("Reward")
        PENALTY = "penalty", _("Penalty")

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    # Who decided (a person or a body, e.g. the office meeting), as the decision names them.
    decided_by = models.CharField(_("decided by"), max_length=200)
    decided_on = models.DateField(_("date of the decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")

    def __str__(self):
        return f"{self.get_kind_display()} {self.decided_on}"
