"""Who a supervision notice goes to, rung by rung (docs/domain.md "Tracking and supervision").

The ladder's rungs are settings codes (CASEWORK_ESCALATION_LADDER). A rung names real people of the
responsible department first: the case's handler, then the department's reviewers; the office's
supervisors and managers above them. A case nobody has routed yet has no department to answer for
it: its notices go to the intake officers and supervisors, who route it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .deadlines import add_working_days
from .models import DepartmentMembership

HANDLER, REVIEWER, SUPERVISOR, MANAGER = "handler", "reviewer", "supervisor", "manager"
RUNG_NAMES = {
    HANDLER: _("the department's handler"),
    REVIEWER: _("the department's reviewers"),
    SUPERVISOR: _("the supervisors"),
    MANAGER: _("the management"),
}
UNROUTED_NAME = _("intake and the supervisors (the case is not routed yet)")


def ladder():
    return list(settings.CASEWORK_ESCALATION_LADDER)


def rung_at(level):
    """The rung of a level (1 = the ladder's first), never above the top."""
    rungs = ladder()
    return rungs[min(max(level, 1), len(rungs)) - 1]


def response_due(today=None):
    """The default date a notice must be answered by: CASEWORK_SUPERVISION_RESPONSE_DAYS working days on."""
    return add_working_days(today or timezone.localdate(), settings.CASEWORK_SUPERVISION_RESPONSE_DAYS)


def _active():
    return get_user_model().objects.filter(is_active=True)


def _in_groups(*groups):
    return list(_active().filter(groups__name__in=groups).distinct().order_by("pk"))


def _reviewers(department_id):
    return list(
        _active()
        .filter(
            department_memberships__department=department_id,
            department_memberships__role=DepartmentMembership.Role.REVIEWER,
        )
        .distinct()
        .order_by("pk")
    )


def is_unrouted(case):
    return not case.department_id


def recipients(case, rung):
    """The people a notice at this rung goes to; never empty while someone holds the role."""
    if is_unrouted(case) and rung in (HANDLER, REVIEWER):
        return _in_groups(roles.INTAKE_OFFICER, roles.SUPERVISOR)
    if rung == HANDLER and case.handler_id and case.handler.is_active:
        return [case.handler]
    if rung in (HANDLER, REVIEWER):
        # No handler yet: the department hears of it through its reviewers; a department without
        # reviewers through the supervisors, so the notice reaches someone who can act.
        return _reviewers(case.department_id) or _in_groups(roles.SUPERVISOR)
    return _in_groups({SUPERVISOR: roles.SUPERVISOR, MANAGER: roles.MANAGER}[rung])


def rung_name(case, rung):
    """Who the rung is for this case, in the active language."""
    if is_unrouted(case) and rung in (HANDLER, REVIEWER):
        return str(UNROUTED_NAME)
    return str(RUNG_NAMES.get(rung, rung))


def department_staff(case):
    """Who answers for the responsible department: the handler and the reviewers (intake and the
    supervisors for a case not routed yet)."""
    people = {user.pk: user for user in recipients(case, HANDLER) + recipients(case, REVIEWER)}
    return list(people.values())
