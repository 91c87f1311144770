"""The portal's view of the duty roster: the published leadership reception days, with a leader's
name and title only where marked public, and nothing else about the staff."""

from django import template

from reception import roster, training

register = template.Library()


@register.simple_tag
def leadership_schedule(days=28):
    return roster.leadership_schedule(training.today(), days=days)
