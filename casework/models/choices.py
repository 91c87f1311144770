"""The vocabulary of a case: channels, categories, statuses, priorities, satisfaction, deadline states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    WEB = "web", _("Online form")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Walk-in visit")
    EMAIL = "email", _("E-mail")
    SOCIAL = "social", _("Social media")
    API = "api", _("Partner system")


class Category(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    COMPLAINT = "complaint", _("Complaint or report")
    SUGGESTION = "suggestion", _("Suggestion")
    HELP = "help", _("Request for help")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("case status", "Received")
    AWAITING_INFORMATION = (
        "awaiting_information",
        pgettext_lazy("case status", "Awaiting information from the citizen"),
    )
    ACCEPTED = "accepted", pgettext_lazy("case status", "Accepted")
    ROUTED = "routed", pgettext_lazy("case status", "Routed to a department")
    IN_PROGRESS = "in_progress", pgettext_lazy("case status", "In progress")
    IN_REVIEW = "in_review", pgettext_lazy("case status", "In review")
    AWAITING_APPROVAL = "awaiting_approval", pgettext_lazy("case status", "Awaiting management approval")
    APPROVED = "approved", pgettext_lazy("case status", "Approved, ready to reply")
    REPLIED = "replied", pgettext_lazy("case status", "Replied")
    FOLLOWED_UP = "followed_up", pgettext_lazy("case status", "Followed up")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")
    REJECTED = "rejected", pgettext_lazy("case status", "Rejected as out of scope")
    DUPLICATE = "duplicate", pgettext_lazy("case status", "Merged as a duplicate")
    WITHDRAWN = "withdrawn", pgettext_lazy("case status", "Withdrawn")


FINAL_STATUSES = {Status.CLOSED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN}
OPEN_STATUSES = [s for s in Status if s not in FINAL_STATUSES]
# The open cases nobody has been assigned to yet can be in (the "unassigned" inbox).
UNASSIGNED_STATUSES = [Status.ACCEPTED, Status.ROUTED, Status.IN_PROGRESS]


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class SLAState(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
