"""Small portals (the suggestion box and the inspections page; the reception page with the booking
page), and offices with their roles."""

from datetime import date, time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from wagtail.models import Site

from casework import roles
from demo.site import ensure_tree_roots
from portal.external_supervision import InspectionReportsPage, SuggestionBoxPage
from portal.localization import ensure_locales
from portal.models import HomePage, ReceptionException, ReceptionHours, ReceptionPage
from reception.models import AppointmentPage, AppointmentSettings
from tests.factories import DepartmentFactory, staff

BOOKING_URL = "/zh-hant/appointments/"


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
def reception(db):
    """A small portal: a reception page open Monday to Friday 9:00–12:00 and 13:30–17:30, closed on
    25 December 2026, 9:00–12:00 on 31 December; the booking page; 30-minute slots of two places."""
    cache.clear()
    locales = ensure_locales()
    root = ensure_tree_roots(locales["zh-hant"])
    home = root.add_child(
        instance=HomePage(title="民意訴求服務中心", slug="home-appointments", locale=locales["zh-hant"])
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    page = ReceptionPage(title="接待時間與地點", slug="reception", office="接待室", address="市政路1號")
    page.hours = [ReceptionHours(weekday=d, opens=time(9), closes=time(12)) for d in range(5)] + [
        ReceptionHours(weekday=d, opens=time(13, 30), closes=time(17, 30)) for d in range(5)
    ]
    page.exceptions = [
        ReceptionException(date=date(2026, 12, 25), kind="holiday"),
        ReceptionException(date=date(2026, 12, 31), kind="special", opens=time(9), closes=time(12)),
    ]
    home.add_child(instance=page)
    booking = home.add_child(
        instance=AppointmentPage(
            title="預約接待", slug="appointments", privacy_notice="<p>個人資料保密。</p>"
        )
    )
    config = AppointmentSettings.load()
    config.slot_minutes, config.capacity, config.horizon_days = 30, 2, 60
    config.save()
    yield SimpleNamespace(home=home, page=page, booking=booking, config=config)
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


@pytest.fixture
def desk_staff(admin_access):
    dept = DepartmentFactory(code="appt")
    return {
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR),
        "auditor": staff(roles.AUDITOR),
        "handler": staff(roles.HANDLER, dept),
    }
