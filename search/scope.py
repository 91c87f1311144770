"""Who may find what in the staff case search, and what they asked for.

A Scope is casework.access's answer for one user, as department ids both search backends can filter
on: the cases they see, and where they may match on citizens' personal data.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone

from casework import access


@dataclass(frozen=True)
class Scope:
    """departments: None for every case, else the department ids whose cases the user may see.

    personal: None when personal data may be searched on every visible case, else the department ids
    where it may (empty: nowhere).
    """

    departments: frozenset | None
    personal: frozenset | None

    @property
    def sees_nothing(self):
        return self.departments is not None and not self.departments


def scope_for(user):
    return Scope(
        departments=access.visible_department_ids(user),
        personal=access.personal_data_department_ids(user),
    )


@dataclass
class Filters:
    status: str = ""
    category: str = ""
    channel: str = ""
    department: int | None = None
    sla: str = ""
    received_from: object = None
    received_to: object = None

    @classmethod
    def from_cleaned_data(cls, data):
        department = data.get("department")
        return cls(
            status=data.get("status") or "",
            category=data.get("category") or "",
            channel=data.get("channel") or "",
            department=getattr(department, "pk", department),
            sla=data.get("sla") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
        )

    def received_range(self):
        start = end = None
        if self.received_from:
            start = timezone.make_aware(datetime.combine(self.received_from, time.min))
        if self.received_to:
            end = timezone.make_aware(datetime.combine(self.received_to, time.max))
        return start, end
