"""Department scoping of cases and personal data, and masking for listings."""

import pytest

from casework import access, roles
from casework.models import Case
from tests.factories import CaseFactory, DepartmentFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments():
    a, b = DepartmentFactory(), DepartmentFactory()
    return a, b, CaseFactory(department=a), CaseFactory(department=b), CaseFactory(department=None)


@pytest.mark.parametrize("role", [roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER, roles.AUDITOR])
def test_office_wide_roles_see_every_case(role, two_departments):
    assert access.cases_visible_to(staff(role)).count() == 3


@pytest.mark.parametrize("role", [roles.HANDLER, roles.REVIEWER])
def test_department_staff_see_only_their_departments_cases(role, two_departments):
    a, _b, case_a, _case_b, _unrouted = two_departments
    user = staff(role, a)
    assert list(access.cases_visible_to(user)) == [case_a]
    assert access.can_see_personal_data(user, case_a)
    assert not access.can_see_personal_data(user, _case_b)


def test_editors_and_plain_users_see_no_cases(two_departments):
    assert not access.cases_visible_to(staff(roles.EDITOR)).exists()
    assert not access.cases_visible_to(UserFactory()).exists()
    inactive = staff(roles.SUPERVISOR)
    inactive.is_active = False
    assert not access.cases_visible_to(inactive).exists()


def test_a_membership_without_the_role_group_gives_nothing(two_departments):
    a, _b, case_a, *_rest = two_departments
    user = staff(roles.HANDLER, a)
    user.groups.clear()
    user = type(user).objects.get(pk=user.pk)
    assert not access.cases_visible_to(user).exists()
    assert not access.can_see_personal_data(user, case_a)


def test_personal_data_roles(two_departments):
    case = two_departments[2]
    assert access.can_see_personal_data(staff(roles.INTAKE_OFFICER), case)
    assert access.can_see_personal_data(staff(roles.MANAGER), case)
    assert not access.can_see_personal_data(staff(roles.AUDITOR), case)
    assert not access.can_see_personal_data(staff(roles.EDITOR), case)


def test_masks():
    assert access.mask_phone("13812345678") == "138****5678"
    assert access.mask_phone("0912-345-678") == "091***5678"
    assert access.mask_phone("123") == "***"
    assert access.mask_name("王小明") == "王*明"
    assert access.mask_name("王明") == "王*"
    assert access.mask_name("歐陽小明") == "歐**明"
    assert access.mask_email("chen@example.org") == "c***@example.org"
    assert access.mask_id_number("A123456789") == "A1******89"


def test_the_superuser_sees_everything(two_departments):
    admin = UserFactory(is_superuser=True)
    assert access.cases_visible_to(admin).count() == Case.objects.count()
