"""Co-handling (協辦): a further department on a case beside the lead (主辦) department, the case's
`department`. It gets its own task and due date, answers with its contribution or is released by
the lead; the lead drafts the reply only when none is still waiting (the command layer's rule)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .cases import Case
from .organisation import Department


class CoHandling(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("co-handling state", "Pending")
        OVERDUE = "overdue", pgettext_lazy("co-handling state", "Overdue")
        ANSWERED = "answered", pgettext_lazy("co-handling state", "Answered")
        ANSWERED_LATE = "answered_late", pgettext_lazy("co-handling state", "Answered late")
        RELEASED = "released", pgettext_lazy("co-handling state", "Released")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="co_handlings")
    department = models.ForeignKey(
        Department, verbose_name=_("co-handling department"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.TextField(_("task"))
    due_on = models.DateField(_("due"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contribution = models.TextField(_("contribution"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on_time = models.BooleanField(_("answered on time"), default=False)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_reason = models.TextField(_("reason for the release"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("co-handling")
        verbose_name_plural = _("co-handlings")
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="one_co_handling_per_department")
        ]
        indexes = [
            # The co-handlers' inboxes: the tasks still waiting, by department.
            models.Index(
                fields=["department", "due_on"],
                name="co_handling_waiting",
                condition=models.Q(answered_at__isnull=True, released_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.case_id} · {self.department_id}"

    @property
    def is_waiting(self):
        return self.answered_at is None and self.released_at is None

    def state(self, today=None):
        if self.released_at is not None:
            return self.State.RELEASED
        if self.answered_at is not None:
            return self.State.ANSWERED if self.answered_on_time else self.State.ANSWERED_LATE
        if self.due_on < (today or timezone.localdate()):
            return self.State.OVERDUE
        return self.State.PENDING

    def state_label(self, today=None):
        return self.State(self.state(today)).label


def waiting_co_handlings():
    return CoHandling.objects.filter(answered_at__isnull=True, released_at__isnull=True)
