"""What waits for a member of staff, as counts on the admin home (casework.wagtail_hooks).

Each panel is a saved query of the case list: its count is the list's own queryset for that query
string (admin_lists.listed_cases, so role and department scoping are the list's), counted as the
list counts (one capped COUNT), and it links to that list. Which panels a role sees follows what the
role does (docs/domain.md "Who uses it").
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access, roles
from .admin_lists import LIST_COUNT_LIMIT, capped_count, listed_cases

# Whoever takes steps on cases has tasks; the auditor only reads.
WORKING_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER, roles.HANDLER, roles.REVIEWER)
# Who assigns or routes the cases nobody has taken: intake and supervisors route, reviewers assign.
ASSIGNING_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.REVIEWER)
# Notices go to the handler, then up the ladder to reviewers, supervisors and managers.
SUPERVISED_ROLES = (roles.HANDLER, roles.REVIEWER, roles.SUPERVISOR, roles.MANAGER, roles.AUDITOR)


@dataclass(frozen=True)
class Panel:
    key: str
    label: str
    description: str
    query: str
    roles: tuple


PANELS = (
    Panel(
        "mine",
        _("My tasks"),
        _("Cases whose next step is yours."),
        "inbox=mine",
        WORKING_ROLES,
    ),
    Panel(
        "overdue",
        _("Overdue"),
        _("Open cases past their deadline."),
        "inbox=overdue",
        access.CASEWORK_ROLES,
    ),
    Panel(
        "due_soon",
        _("Due soon"),
        _("Open cases whose deadline is near."),
        "inbox=all&sla=due_soon",
        access.CASEWORK_ROLES,
    ),
    Panel(
        "supervised",
        _("Supervision notices"),
        _("Open cases with a supervision notice on their current stage."),
        "inbox=supervised",
        SUPERVISED_ROLES,
    ),
    Panel(
        "unassigned",
        _("Unassigned"),
        _("Cases waiting to be routed or given a handler."),
        "inbox=unassigned",
        ASSIGNING_ROLES,
    ),
)


@dataclass(frozen=True)
class PanelCount:
    panel: Panel
    count: int
    url: str

    @property
    def is_capped(self):
        """More rows than the list counts: shown as "10,000+"."""
        return self.count > LIST_COUNT_LIMIT

    @property
    def shown_count(self):
        return min(self.count, LIST_COUNT_LIMIT)


def panels_for(user):
    """The panels of the user's roles, in PANELS order; none for someone outside casework."""
    if not access.is_casework_staff(user):
        return []
    return [panel for panel in PANELS if access.has_role(user, *panel.roles)]


def counts_for(user):
    """[PanelCount] of the user's panels: one COUNT each, on the list's own queryset."""
    index = reverse("casework:case_index")
    return [
        PanelCount(panel, capped_count(listed_cases(user, QueryDict(panel.query))), f"{index}?{panel.query}")
        for panel in panels_for(user)
    ]
