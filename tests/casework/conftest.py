import pytest

from casework import roles
from tests.factories import DepartmentFactory, staff


@pytest.fixture
def office():
    """One department with its handler and reviewer, and the office-wide roles above them."""
    dept = DepartmentFactory(name="工務局", code="pwd")
    return {
        "dept": dept,
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR),
        "manager": staff(roles.MANAGER),
        "handler": staff(roles.HANDLER, dept),
        "reviewer": staff(roles.REVIEWER, dept),
    }
