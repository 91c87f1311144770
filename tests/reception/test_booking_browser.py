"""A citizen books a visit to the reception room in a real browser on the demo site, and the intake
officer checks them in at the desk: the visit register opens filled in from the booking, and the
officer prints it filled (HTML and PDF). Every page
passes axe; screenshots are kept under tests/artifacts. The day is the next open day at least two
days ahead (the demo's hours and holidays decide), never a fixed date."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from casework.models import Visit
from reception import appointments
from reception.models import Appointment
from tests.helpers import log_in_to_admin, save_screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def next_open_day(after):
    day = after + timedelta(days=2)
    while not appointments.opening_periods(day):
        day += timedelta(days=1)
    return day


def check_and_keep(page, artifacts_dir, name):
    assert serious_violations(page) == [], page.url
    save_screenshot(page, str(artifacts_dir / f"{name}.png"), full_page=True)


def test_a_citizen_books_and_the_officer_checks_them_in(
    live_server, demo_site_transactional, page, artifacts_dir
):
    day = next_open_day(timezone.localdate())
    opens = appointments.opening_periods(day)[0][0]
    key = f"{day.isoformat()}T{opens:%H:%M}"
    base = live_server.url
    morning = timezone.make_aware(datetime.combine(day, time(opens.hour, 0)) - timedelta(minutes=30))
    with time_machine.travel(morning, tick=True):
        # The citizen picks the day, then a time, and books.
        page.goto(f"{base}/zh-hant/appointments/")
        check_and_keep(page, artifacts_dir, "booking-days")
        page.click(f"main a[href*='?date={day.isoformat()}']")
        page.wait_for_selector(f"input[name=slot][value='{key}']")
        page.check(f"input[name=slot][value='{key}']")
        page.fill("#id_name", "陳美玲")
        page.fill("#id_phone", "0912 345 678")
        page.fill("#id_topic", "社區公園夜間噪音")
        page.fill("#id_captcha_1", "PASSED")
        check_and_keep(page, artifacts_dir, "booking-form")
        page.click("main form button.govuk-button[type=submit]:not([name=captcha_refresh])")
        page.wait_for_url(f"{base}/zh-hant/appointments/booked/")
        check_and_keep(page, artifacts_dir, "booking-receipt")
        reference = page.locator("#booking-reference").inner_text()
        appointment = Appointment.objects.get(reference=reference)
        assert appointment.slot.date == day and appointment.name == "陳美玲"

        # On the day, the officer finds the booking at the desk and checks her in.
    with time_machine.travel(
        timezone.make_aware(datetime.combine(day, opens)) - timedelta(minutes=5), tick=True
    ):
        log_in_to_admin(page, base, "intake")
        page.goto(f"{base}/admin/reception/appointments/?date={day.isoformat()}")
        row = page.locator(f"tr[data-reference='{reference}']")
        assert "陳美玲" in row.inner_text()
        check_and_keep(page, artifacts_dir, "booking-desk")
        with page.expect_navigation():
            row.locator("form[action$='/check-in/'] button").click()
        assert f"/admin/cases/visits/new/?appointment={appointment.pk}" in page.url
        assert page.input_value("#id_visitor_names") == "陳美玲"
        assert page.input_value("#id_citizen_phone") == "0912 345 678"
        assert page.input_value("#id_reason") == "社區公園夜間噪音"
        assert page.locator("#from-appointment").count() == 1
        check_and_keep(page, artifacts_dir, "booking-visit-register-prefilled")
        page.fill("#id_outcome", "已說明處理程序並登記。")
        with page.expect_navigation():
            page.click("form[data-registration-form] button[type=submit]")
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.CHECKED_IN
        assert appointment.visit == Visit.objects.get(reason="社區公園夜間噪音")

        # The officer prints the filled register from the visit's page: the booking's visitor on it.
        visit = appointment.visit
        assert f"/admin/cases/visits/{visit.pk}/" in page.url
        with page.expect_navigation():
            page.get_by_role("link", name="列印已填寫的登記表").first.click()
        register = page.locator("main").inner_text()
        assert "公民來訪登記表" in register and "陳美玲" in register and "社區公園夜間噪音" in register
        check_and_keep(page, artifacts_dir, "booking-visit-register-printed")
        pdf = page.request.get(base + page.locator("a[data-pdf-link]").get_attribute("href"))
        assert pdf.ok and pdf.body()[:4] == b"%PDF"
