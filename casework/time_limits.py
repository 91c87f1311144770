"""Stage time limits by category and priority (docs/domain.md "Deadlines").

StageLimits (Settings) holds the office's limits; the matrix (StageLimitRule) overrides them for a
category and priority, a blank cell keeping the settings' value. A case takes its limits when it is
registered and keeps them: editing the matrix or the settings applies to new cases only, and each
edit of the matrix is logged with its old and new values (StageLimitChange).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import access, roles
from .models import STAGE_FIELDS, Category, Priority, StageLimitChange, StageLimitRule, StageLimits

EDITOR_ROLES = (roles.SUPERVISOR, roles.ADMINISTRATOR)

# The matrix an office starts with (the seed migration writes the same): an urgent request for help
# (an elderly person without power, 000 §三) is acted on within one working day.
DEFAULT_RULES = {(Category.HELP, Priority.URGENT): {"screening_days": 1}}


def ensure_default_rules():
    """The default rows, where the office has none for their cell; safe to run any number of times."""
    for (category, priority), limits in DEFAULT_RULES.items():
        StageLimitRule.objects.get_or_create(category=category, priority=priority, defaults=limits)


def load_matrix():
    """{(category, priority): {field: days}} of every rule, in one query."""
    return {(rule.category, rule.priority): rule.limits() for rule in StageLimitRule.objects.all()}


def limits_for(category, priority, limits=None, matrix=None):
    """{field: working days} for every stage of a new case of this category and priority."""
    limits = limits or StageLimits.load()
    matrix = load_matrix() if matrix is None else matrix
    resolved = {name: getattr(limits, name) for name in STAGE_FIELDS}
    resolved.update(matrix.get((category, int(priority)), {}))
    return resolved


class CaseLimits:
    """The limits a case runs under: those it was registered with, the settings for the rest."""

    def __init__(self, case, limits):
        self._limits = limits
        self._case_limits = case.stage_limits or {}

    def __getattr__(self, name):
        if name in STAGE_FIELDS and name in self._case_limits:
            return self._case_limits[name]
        return getattr(self._limits, name)


def may_edit(user):
    return access.has_role(user, *EDITOR_ROLES)


def _snapshot(rule):
    if rule is None or rule.pk is None:
        return {}
    stored = StageLimitRule.objects.filter(pk=rule.pk).first()
    return stored.limits() if stored else {}


def _record(actor, rule, old, new, action):
    StageLimitChange.objects.create(
        changed_by=actor, category=rule.category, priority=rule.priority, old_limits=old, new_limits=new
    )
    log(rule, action, user=actor, data={"old": old, "new": new})


@transaction.atomic
def save_rule(actor, rule):
    """Create or change a cell of the matrix, logging who changed what from what. New cases only
    are affected: registered cases keep the limits they were given."""
    if not may_edit(actor):
        raise PermissionDenied(_("Only supervisors and administrators change the time limits."))
    adding = rule.pk is None
    old = _snapshot(rule)
    rule.save()
    new = rule.limits()
    if adding or old != new:
        _record(actor, rule, old, new, "wagtail.create" if adding else "wagtail.edit")
    return rule


@transaction.atomic
def delete_rule(actor, rule):
    """Remove a cell of the matrix: its cases go back to the settings' limits (new cases only)."""
    if not may_edit(actor):
        raise PermissionDenied(_("Only supervisors and administrators change the time limits."))
    old = _snapshot(rule)
    _record(actor, rule, old, {}, "wagtail.delete")
    rule.delete()
