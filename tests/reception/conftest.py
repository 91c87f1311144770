"""A small portal with the suggestion box and the inspections page, and an office with its roles."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from wagtail.models import Site

from casework import roles
from demo.site import ensure_tree_roots
from portal.external_supervision import InspectionReportsPage, SuggestionBoxPage
from portal.localization import ensure_locales
from portal.models import HomePage
from tests.factories import DepartmentFactory, staff


@pytest.fixture
def portal(db):
    cache.clear()
    locales = ensure_locales()
    root = ensure_tree_roots(locales["zh-hant"])
    home = root.add_child(
        instance=HomePage(title="民意訴求服務中心", slug="home-x", locale=locales["zh-hant"])
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "portal.example.org", "port": 443, "root_page": home}
    )
    box = home.add_child(instance=SuggestionBoxPage(title="意見箱", slug="suggestions", show_in_menus=True))
    reports = home.add_child(instance=InspectionReportsPage(title="監督檢查整改情況", slug="inspections"))
    yield SimpleNamespace(home=home, box=box, reports=reports)
    cache.clear()


@pytest.fixture
def office(db):
    dept = DepartmentFactory(name="工務局", code="pwd")
    return SimpleNamespace(
        dept=dept,
        intake=staff(roles.INTAKE_OFFICER),
        supervisor=staff(roles.SUPERVISOR, first_name="督查", last_name="李四"),
        manager=staff(roles.MANAGER),
        auditor=staff(roles.AUDITOR),
        handler=staff(roles.HANDLER, dept),
        reviewer=staff(roles.REVIEWER, dept),
    )
