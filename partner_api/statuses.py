"""What a partner reads about a case: the citizen's words, never staff notes, names or personal data."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import citizen_vocabulary
from casework.models import FINAL_STATUSES, Category, Status

# Open311 has two states. A reply that went out resolves the request; a reopened case is open again.
RESOLVED = frozenset(FINAL_STATUSES) | {Status.REPLIED, Status.FOLLOWED_UP}

SERVICE_DESCRIPTIONS = {
    Category.INQUIRY: _("A question about the office's services, rules or procedures."),
    Category.COMPLAINT: _("A complaint about a service, or a report of a problem or wrongdoing."),
    Category.SUGGESTION: _("A suggestion to improve a service or a policy."),
    Category.HELP: _("A request for help with a difficulty."),
    Category.OTHER: _("Anything else."),
}


def open311_status(case):
    return "closed" if case.status in RESOLVED else "open"


def latest_public_text(case):
    """The newest entry of the citizen's timeline, as the tracking page words it."""
    events = list(citizen_vocabulary.public_events(case).order_by("-created_at", "-pk")[:1])
    return citizen_vocabulary.text(events[0]) if events else ""


def timeline(case):
    return [
        {
            "kind": entry["kind"],
            "label": str(entry["label"]),
            "text": str(entry["text"]),
            "created_at": entry["created_at"],
        }
        for entry in citizen_vocabulary.timeline(case)
    ]


def local_iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def reply_due_iso(case):
    return case.reply_due.isoformat() if case.reply_due else None
