"""Statistics roll-ups (reporting.statistics)."""

from django.db import models
from django.utils import timezone

from .choices import Category, Channel, Status
from .organisation import Department

# --- Statistics roll-ups (reporting.statistics) -------------------------------------------------


class DailyCaseStatistic(models.Model):
    """Cases received on one day, counted per department, category, channel, status and handling time.

    The dashboard sums these rows instead of scanning every case; reporting.statistics recomputes a
    day's rows whole, so a row is always what the cases said when the day was last recomputed.
    """

    day = models.DateField(db_index=True)
    department = models.ForeignKey(Department, null=True, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=12, choices=Category.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=24, choices=Status.choices)
    # Calendar days from receipt to reply; None while the case has no reply.
    handling_days = models.PositiveIntegerField(null=True)
    cases = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    rerouted = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    screening_done = models.PositiveIntegerField(default=0)
    screening_on_time = models.PositiveIntegerField(default=0)
    routing_done = models.PositiveIntegerField(default=0)
    routing_on_time = models.PositiveIntegerField(default=0)
    handling_plan_done = models.PositiveIntegerField(default=0)
    handling_plan_on_time = models.PositiveIntegerField(default=0)
    reply_done = models.PositiveIntegerField(default=0)
    reply_on_time = models.PositiveIntegerField(default=0)
    follow_up_done = models.PositiveIntegerField(default=0)
    follow_up_on_time = models.PositiveIntegerField(default=0)
    # Suggestions by the adoption decision of their latest outcome.
    adopted = models.PositiveIntegerField(default=0)
    partly_adopted = models.PositiveIntegerField(default=0)
    not_adopted = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["department", "day"])]

    def __str__(self):
        return f"{self.day} {self.department_id} {self.category} {self.channel} {self.status}: {self.cases}"


class DailyTopicStatistic(models.Model):
    """How many cases received on a day (per department) used a term in their subject: hot topics."""

    day = models.DateField(db_index=True)
    department = models.ForeignKey(Department, null=True, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=50)
    cases = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["department", "day"])]

    def __str__(self):
        return f"{self.day} {self.department_id} {self.term}: {self.cases}"
