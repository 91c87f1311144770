"""The office: departments and their staff, the stage limits and the working calendar."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

# --- Organisation ------------------------------------------------------------------------------


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class DepartmentMembership(models.Model):
    class Role(models.TextChoices):
        HANDLER = "handler", _("Handler")
        REVIEWER = "reviewer", _("Reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="unique_department_role")
        ]

    def __str__(self):
        return f"{self.user} · {self.department} · {self.get_role_display()}"


# --- Settings and calendar ---------------------------------------------------------------------


@register_setting(icon="time")
class StageLimits(BaseGenericSetting):
    """How many working days each stage may take: the measures say "[X] working days", so the office
    sets them (docs/domain.md "Deadlines")."""

    screening_days = models.PositiveSmallIntegerField(_("screening (working days)"), default=3)
    routing_days = models.PositiveSmallIntegerField(_("routing (working days)"), default=2)
    handling_plan_days = models.PositiveSmallIntegerField(_("handling plan (working days)"), default=5)
    reply_days = models.PositiveSmallIntegerField(
        _("reply (working days from receipt)"),
        default=15,
        help_text=_("The citizen is told to expect a reply within this many working days."),
    )
    follow_up_days = models.PositiveSmallIntegerField(_("follow-up (working days)"), default=7)
    due_soon_days = models.PositiveSmallIntegerField(
        _("due soon threshold (working days)"),
        default=1,
        help_text=_("A case is due soon when this many working days or fewer remain."),
    )

    class Meta:
        verbose_name = _("stage time limits")


class CalendarDay(models.Model):
    """A date that breaks the Monday-to-Friday rule: a holiday, or a make-up workday on a weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up workday")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
