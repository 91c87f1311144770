"""What the citizen reads about their case: one label and one explanation per event kind.

The tracking page and the citizen's e-mails and SMS take their words from here and nowhere else,
so that the office's internal vocabulary (notes, reviews, role names) never reaches the citizen.
A kind missing from CITIZEN_KINDS is staff-only: it is left out of the public timeline and never
sent to the citizen, even when an event of that kind was flagged public by mistake.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Category, Event, Milestone, Outcome, RectificationMeasure, Status

K = Event.Kind

# kind -> (label, what it means for the citizen when the event carries no text of its own)
CITIZEN_KINDS = {
    K.REGISTERED: (
        pgettext_lazy("citizen event", "Received"),
        _("We have received your case."),
    ),
    K.ACCEPTED: (
        pgettext_lazy("citizen event", "Accepted"),
        _("Your case has been accepted."),
    ),
    K.REJECTED: (
        pgettext_lazy("citizen event", "Not accepted"),
        _("We cannot handle this case. The reason is given below."),
    ),
    K.INFORMATION_REQUESTED: (
        pgettext_lazy("citizen event", "More information needed"),
        _("We need more information from you to handle your case."),
    ),
    K.INFORMATION_RECEIVED: (
        pgettext_lazy("citizen event", "Information received"),
        _("We have received the information you sent."),
    ),
    K.MERGED: (
        pgettext_lazy("citizen event", "Merged with an earlier case"),
        _("Your case has been merged with an earlier case about the same matter."),
    ),
    K.ROUTED: (
        pgettext_lazy("citizen event", "Passed to a department"),
        _("Your case has been passed to the responsible department."),
    ),
    K.HANDLING_STARTED: (
        pgettext_lazy("citizen event", "Being handled"),
        _("Your case is being handled."),
    ),
    K.REPLIED: (
        pgettext_lazy("citizen event", "Our reply"),
        _("We have replied to your case."),
    ),
    K.SATISFACTION: (
        pgettext_lazy("citizen event", "Your rating"),
        _("Thank you for rating our reply."),
    ),
    K.REOPENED: (
        pgettext_lazy("citizen event", "Handled again"),
        _("Your case is being handled again."),
    ),
    K.CLOSED: (
        pgettext_lazy("citizen event", "Closed"),
        _("Your case has been closed."),
    ),
    K.WITHDRAWN: (
        pgettext_lazy("citizen event", "Withdrawn"),
        _("Your case has been withdrawn."),
    ),
    K.PAUSED: (
        pgettext_lazy("citizen event", "Waiting"),
        _("Your case is waiting; the time we have to reply does not run meanwhile."),
    ),
    K.RESUMED: (
        pgettext_lazy("citizen event", "Handling resumed"),
        _("Handling of your case has resumed."),
    ),
    K.MILESTONE_DONE: (
        pgettext_lazy("citizen event", "Your suggestion: a step carried out"),
        _("A step in putting your suggestion into practice has been carried out."),
    ),
    K.MEASURE_VERIFIED: (
        pgettext_lazy("citizen event", "Rectification carried out"),
        _("A measure to put right what you complained about has been carried out and checked."),
    ),
    K.EXTENSION_APPROVED: (
        pgettext_lazy("citizen event", "Reply date extended"),
        _("The time we have to reply has been extended."),
    ),
}

STAFF_ONLY_KINDS = frozenset(K) - frozenset(CITIZEN_KINDS)

# An outbox message for an event that turned out to be staff-only (queued by an older release)
# still reads as news, never as the office's word for it.
GENERIC_LABEL = pgettext_lazy("citizen event", "News on your case")


def is_for_citizen(event):
    return event.is_public and event.kind in CITIZEN_KINDS


def label(kind):
    return CITIZEN_KINDS[kind][0] if kind in CITIZEN_KINDS else GENERIC_LABEL


def text(event):
    """The event's own public text (written for the citizen), else the kind's explanation."""
    if event.kind not in CITIZEN_KINDS:
        return ""
    return event.text or str(CITIZEN_KINDS[event.kind][1])


def public_events(case):
    """The timeline the citizen sees: public events of citizen kinds, oldest first."""
    return case.events.filter(is_public=True, kind__in=list(CITIZEN_KINDS))


def timeline(case):
    """The public timeline as the tracking page shows it, in the active language."""
    return [
        {
            "kind": event.kind,
            "label": label(event.kind),
            "created_at": event.created_at,
            "text": text(event),
            "is_reply": event.kind == K.REPLIED,
        }
        for event in public_events(case)
    ]


# Steps the citizen takes themselves online (no member of staff: actor None). Any other event
# without an actor was written by the office's own machinery (the supervision round, the tracking
# lock) and is credited to the office, never to the citizen.
CITIZEN_STEPS = frozenset({K.REGISTERED, K.INFORMATION_RECEIVED, K.SATISFACTION, K.WITHDRAWN, K.ATTACHMENT})


def by_citizen(event):
    if event.actor_id is not None:
        return False
    if event.kind in CITIZEN_STEPS:
        return True
    return bool(event.data.get("reopen_requested") or event.data.get("by_citizen"))


# The decision on a suggestion, as the proposer reads it.
ADOPTION = {
    Outcome.Adoption.ADOPTED: _("Your suggestion has been adopted."),
    Outcome.Adoption.PARTLY: _("Your suggestion has been partly adopted."),
    Outcome.Adoption.NOT_ADOPTED: _("Your suggestion has not been adopted."),
}
# The decision is the department's once the reply has gone out, not while the draft is reviewed.
DECIDED = frozenset({Status.REPLIED, Status.FOLLOWED_UP, Status.CLOSED})


def suggestion_feedback(case):
    """What the proposer of a suggestion reads about its adoption and implementation, or None."""
    if case.category != Category.SUGGESTION or case.status not in DECIDED:
        return None
    outcome = case.outcomes.exclude(adoption="").first()
    if outcome is None:
        return None
    return {
        "decision": ADOPTION[outcome.adoption],
        "reasons": outcome.adoption_reasons,
        "plan": outcome.implementation_plan,
        "milestones": list(Milestone.objects.filter(outcome=outcome).values("what", "due_on", "done_on")),
    }


# What the citizen reads of a rectification measure's progress (never who owns or verified it).
MEASURE_STATES = {
    RectificationMeasure.State.PLANNED: _("Planned"),
    RectificationMeasure.State.CARRIED_OUT: _("Carried out, being checked"),
    RectificationMeasure.State.VERIFIED: _("Carried out and checked"),
}


def rectification(case):
    """The rectification measures as the citizen reads them, once the reply has gone out: what,
    by when, where it stands and since when. No names of staff or departments' people."""
    if case.status not in DECIDED:
        return []
    return [
        {
            "description": measure.description,
            "deadline": measure.deadline,
            "state": measure.state,
            "state_label": MEASURE_STATES[measure.state],
            "carried_out_on": measure.carried_out_on
            if measure.state != RectificationMeasure.State.PLANNED
            else None,
            "verified_on": timezone.localtime(measure.verified_at).date() if measure.verified_at else None,
        }
        for measure in RectificationMeasure.objects.filter(case=case).order_by("deadline", "pk")
    ]
