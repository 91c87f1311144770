from django import template

from casework import access, deadlines

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
