"""Who may see which cases, and whose personal data (docs/domain.md "Confidentiality").

Every back-office query of cases starts from cases_visible_to(user), so a case outside a user's
departments simply does not exist for them (404), in listings, filters and exports alike.
"""

from django.apps import apps
from django.db.models import Q, Subquery
from django.utils import timezone

from . import roles
from .models import (
    Case,
    CoHandling,
    Department,
    DepartmentMembership,
    PersonalDataAccess,
    RectificationMeasure,
)

ALL_CASES_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER, roles.AUDITOR)
DEPARTMENT_ROLES = (roles.HANDLER, roles.REVIEWER)
CASEWORK_ROLES = ALL_CASES_ROLES + DEPARTMENT_ROLES
PERSONAL_DATA_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER)


def role_names(user):
    """The user's role group names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not hasattr(user, "_casework_roles"):
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.update(roles.ALL_ROLES)
        user._casework_roles = frozenset(names)
    return user._casework_roles


def has_role(user, *wanted):
    return bool(role_names(user).intersection(wanted))


def is_casework_staff(user):
    return has_role(user, *CASEWORK_ROLES)


def department_ids(user, role=None):
    """Departments the user belongs to (as handler or reviewer, or only the given role)."""
    if not is_casework_staff(user):
        return set()
    memberships = DepartmentMembership.objects.filter(user=user)
    if role:
        memberships = memberships.filter(role=role)
    return set(memberships.values_list("department_id", flat=True))


def is_member(user, department_id, role):
    """A handler or reviewer of this department: they hold the role group and the membership."""
    group = roles.HANDLER if role == DepartmentMembership.Role.HANDLER else roles.REVIEWER
    if department_id is None or not has_role(user, group):
        return False
    if user.is_superuser:
        return True
    return department_id in department_ids(user, role)


def sees_all_cases(user):
    return has_role(user, *ALL_CASES_ROLES)


def visible_department_ids(user):
    """The departments whose cases the user sees: None for every case, else a frozenset of ids.

    The all-cases roles see every case, handlers and reviewers their own departments' cases, anyone
    else none.
    """
    if sees_all_cases(user):
        return None
    if has_role(user, *DEPARTMENT_ROLES):
        return frozenset(department_ids(user))
    return frozenset()


def has_accepted_confidentiality(user):
    """Whether the user accepted the confidentiality agreement in effect (measures 001 §七(二)2).

    The one gate in front of every showing of personal data: personal_data_department_ids below asks
    it, so the case page, its print, attachments, the ledgers' names and the search on personal data
    all obey it. No version in effect means nobody (docs/security.md).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not hasattr(user, "_confidentiality_accepted"):
        # The models by name: the reception app builds on casework, never the other way round.
        agreements = apps.get_model("reception", "ConfidentialityAgreement")
        acceptances = apps.get_model("reception", "AgreementAcceptance")
        # One query: an acceptance of the version in effect (none in effect: no row matches).
        in_effect = agreements.objects.filter(effective_on__lte=timezone.localdate()).order_by("-version")
        user._confidentiality_accepted = acceptances.objects.filter(
            user_id=user.pk, agreement_id=Subquery(in_effect.values("pk")[:1])
        ).exists()
    return user._confidentiality_accepted


def personal_data_department_ids(user):
    """Where the user may see citizens' personal data: None on every case, else a frozenset of ids.

    The personal-data roles everywhere, members only in their own departments; nowhere before the
    user has accepted the confidentiality agreement in effect.
    """
    departments = role_personal_data_department_ids(user)
    if departments is not None and not departments:
        return departments  # nothing to withhold: no need to look the agreement up
    return departments if has_accepted_confidentiality(user) else frozenset()


def role_personal_data_department_ids(user):
    """Where the user's roles alone would show personal data (only to say why it is withheld)."""
    if has_role(user, *PERSONAL_DATA_ROLES):
        return None
    return frozenset(department_ids(user))


def in_departments(departments):
    """Cases led by one of the departments or co-handled by one (協辦): both see the case."""
    co_handled = CoHandling.objects.filter(department_id__in=departments).values("case_id")
    return Q(department_id__in=departments) | Q(pk__in=co_handled)


def cases_visible_to(user):
    departments = visible_department_ids(user)
    if departments is None:
        return Case.objects.all()
    if departments:
        # A department owning a rectification measure of another department's case sees that case
        # (not its citizen's personal data: can_see_personal_data goes by the case's department).
        # Listed first, and usually none: the lists' plan stays the department's index.
        owned = list(
            RectificationMeasure.objects.filter(department_id__in=departments)
            .exclude(case__department_id__in=departments)
            .values_list("case_id", flat=True)
            .distinct()
        )
        if owned:
            return Case.objects.filter(in_departments(departments) | Q(pk__in=owned))
        return Case.objects.filter(in_departments(departments))
    return Case.objects.none()


def departments_visible_to(user):
    departments = visible_department_ids(user)
    if departments is None:
        return Department.objects.all()
    return Department.objects.filter(pk__in=departments)


def can_see_personal_data(user, case):
    return _personal_data_on(personal_data_department_ids(user), case)


def awaits_agreement(user, case=None):
    """Whether only the confidentiality agreement stands between the user and this case's personal
    data (or, without a case, any personal data): the back office then says so and links to it."""
    if has_accepted_confidentiality(user):
        return False
    departments = role_personal_data_department_ids(user)
    if case is None:
        return departments is None or bool(departments)
    return _personal_data_on(departments, case)


def _personal_data_on(departments, case):
    if departments is None:
        return True
    if case.department_id is not None and case.department_id in departments:
        return True
    # A co-handling department works on the matter too, and each showing is logged like the lead's.
    return bool(departments) and case.co_handlings.filter(department_id__in=departments).exists()


def log_personal_data_access(user, case, what):
    return PersonalDataAccess.objects.create(user=user, case=case, what=str(what)[:200])


# --- Masking for listings ----------------------------------------------------------------------


def masked_citizen(case):
    return {
        "name": mask_name(case.citizen_name),
        "phone": mask_phone(case.citizen_phone),
    }


def mask_phone(phone):
    """138****5678: enough to tell two callers apart, not enough to call them."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name):
    name = (name or "").strip()
    if len(name) <= 1:
        return name and "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_email(email):
    local, _at, domain = (email or "").partition("@")
    if not domain:
        return "*" * len(local)
    return f"{local[:1]}***@{domain}"


def mask_id_number(number):
    number = (number or "").strip()
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]
