from django import template
from django.utils.translation import gettext as _

from casework import access, citizen_vocabulary, deadlines

register = template.Library()


@register.filter
def masked_name(value):
    """Each name in a comma- or space-separated list, masked (王*明, 李*)."""
    names = [
        part for part in str(value or "").replace("，", ",").replace("、", ",").split(",") if part.strip()
    ]
    return "、".join(access.mask_name(name) for name in names)


@register.filter
def sla_state(case):
    """The case's deadline state now (None when closed, paused or without a due date)."""
    return deadlines.sla_state(case)


@register.filter
def credited_to(event):
    """Who the staff timeline names for an event: the member of staff, the citizen, or the office."""
    if event.actor_id is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    if citizen_vocabulary.by_citizen(event):
        return _("Citizen")
    return _("The office (automatic)")


@register.filter
def seen_by_citizen(event):
    return citizen_vocabulary.is_for_citizen(event)
