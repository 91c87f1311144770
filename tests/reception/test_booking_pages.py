"""The public booking page through the test client (captcha in test mode), and the desk: the day's
list, check-in opening the visit register prefilled, no-shows. The clock is set, never today's."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from casework.models import OutboxMessage, PersonalDataAccess, Visit
from reception import appointments
from reception.models import Appointment, ReceptionDay
from tests.helpers import denied

from .conftest import BOOKING_URL

TZ = ZoneInfo("Asia/Taipei")
MONDAY_MORNING = datetime(2026, 12, 21, 8, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


def booking_data(**overrides):
    data = {
        "slot": "2026-12-21T09:00",
        "name": "王小明",
        "phone": "0912 345 678",
        "email": "",
        "topic": "住家附近路燈故障",
        "captcha_0": "abc",
        "captcha_1": "PASSED",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_page_lists_days_then_the_times_of_the_chosen_day(client, reception, clock):
    ReceptionDay.objects.create(
        date=date(2026, 12, 23), topic_zh_hant="局長接待日：社區環境", leadership=True
    )
    page = client.get(BOOKING_URL).content.decode()
    assert "?date=2026-12-21" in page and "?date=2026-12-25" not in page and "?date=2026-12-26" not in page
    assert "局長接待日：社區環境" in page
    assert 'name="slot"' not in page  # no day chosen yet

    day = client.get(BOOKING_URL + "?date=2026-12-21").content.decode()
    assert 'value="2026-12-21T09:00"' in day and 'value="2026-12-21T12:00"' not in day
    assert 'name="captcha_1"' in day

    closed = client.get(BOOKING_URL + "?date=2026-12-25").content.decode()
    assert 'id="closed-day"' in closed and 'name="slot"' not in closed


def test_a_citizen_books_and_gets_a_reference_and_a_code(client, reception, clock):
    response = client.post(BOOKING_URL + "?date=2026-12-21", booking_data())
    assert response.status_code == 302 and response["Location"] == BOOKING_URL + "booked/"
    receipt = client.get(BOOKING_URL + "booked/")
    reference = receipt.context["receipt"]["reference"]
    code = receipt.context["receipt"]["code"]
    assert reference in receipt.content.decode() and code in receipt.content.decode()
    assert receipt["Cache-Control"].startswith("max-age=0") or "no-store" in receipt["Cache-Control"]
    appointment = Appointment.objects.get(reference=reference)
    assert appointment.slot.starts == time(9) and appointment.name == "王小明"
    assert OutboxMessage.objects.filter(
        template="appointment_booked", context__appointment=appointment.pk
    ).exists()
    # Shown once only.
    assert client.get(BOOKING_URL + "booked/").context["receipt"] is None


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"phone": "", "email": ""}, "phone"),
        ({"name": ""}, "name"),
        ({"captcha_1": "wrong"}, "captcha"),
        ({"slot": ""}, "slot"),
        ({"slot": "tomorrow"}, "slot"),
    ],
)
def test_bad_input_is_shown_again_with_a_message(client, reception, clock, overrides, field):
    response = client.post(BOOKING_URL + "?date=2026-12-21", booking_data(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Appointment.objects.exists()


def test_a_booking_in_a_closed_period_is_refused_with_a_clear_message(client, reception, clock):
    response = client.post(BOOKING_URL, booking_data(slot="2026-12-25T09:00"))
    assert response.status_code == 200
    assert "不開放" in " ".join(response.context["form"].errors["slot"])  # "closed on …"
    assert not Appointment.objects.exists()


def test_the_last_place_is_refused_and_a_cancelled_one_offered_again(client, reception, clock):
    for name in ("甲", "乙"):
        appointments.book(slot_key="2026-12-21T09:00", name=name, phone="0912345678", topic="x")
    day = client.get(BOOKING_URL + "?date=2026-12-21").content.decode()
    assert 'value="2026-12-21T09:00"' not in day  # full: not offered
    response = client.post(BOOKING_URL, booking_data())
    assert "額滿" in " ".join(response.context["form"].errors["slot"])  # "just been fully booked"
    appointments.cancel(Appointment.objects.first())
    assert 'value="2026-12-21T09:00"' in client.get(BOOKING_URL + "?date=2026-12-21").content.decode()


def test_the_citizen_cancels_and_moves_with_reference_and_code(client, reception, clock):
    appointment, code = appointments.book(
        slot_key="2026-12-21T09:00", name="王小明", phone="0912345678", topic="x"
    )
    manage = BOOKING_URL + "manage/"
    wrong = client.post(manage, {"action": "lookup", "reference": appointment.reference, "code": "WRONG234"})
    assert wrong.context["appointment"] is None and wrong.context["lookup_form"].errors
    client.post(manage, {"action": "lookup", "reference": appointment.reference, "code": code})
    shown = client.get(manage + "?date=2026-12-22")
    assert (
        shown.context["appointment"] == appointment and 'value="2026-12-22T14:00"' in shown.content.decode()
    )

    client.post(manage + "?date=2026-12-22", {"action": "move", "slot": "2026-12-22T14:00"})
    appointment.refresh_from_db()
    assert (appointment.slot.date, appointment.slot.starts) == (date(2026, 12, 22), time(14))
    refused = client.post(manage, {"action": "move", "slot": "2026-12-25T09:00"})
    assert "不開放" in " ".join(refused.context["move_form"].errors["slot"])

    client.post(manage, {"action": "cancel"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert OutboxMessage.objects.filter(template="appointment_cancelled").count() == 1


def test_the_desk_checks_a_visitor_in_and_the_visit_register_opens_prefilled(
    client, reception, desk_staff, clock
):
    appointment, _code = appointments.book(
        slot_key="2026-12-21T09:00",
        name="王小明",
        phone="0912345678",
        email="w@example.org",
        topic="路燈故障",
    )
    desk = reverse("reception_appointments:desk") + "?date=2026-12-21"
    client.force_login(desk_staff["intake"])
    listing = client.get(desk).content.decode()
    assert appointment.reference in listing and "王小明" in listing
    assert PersonalDataAccess.objects.filter(user=desk_staff["intake"], what__contains="2026-12-21").exists()

    response = client.post(reverse("reception_appointments:check_in", args=[appointment.pk]))
    assert response["Location"] == reverse("casework:visit_create") + f"?appointment={appointment.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form["visitor_names"].value() == "王小明"
    assert form["citizen_phone"].value() == "0912345678"
    assert form["citizen_email"].value() == "w@example.org"
    assert form["reason"].value() == "路燈故障"

    client.post(
        response["Location"],
        {
            "visited_at": "2026-12-21T09:00",
            "visitor_count": "1",
            "visitor_names": "王小明",
            "citizen_phone": "0912345678",
            "id_numbers": "",
            "reason": "路燈故障",
            "outcome": "已說明處理程序",
        },
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN
    assert appointment.visit == Visit.objects.get(reason="路燈故障")


def test_no_show_after_the_slot_and_its_counts(client, reception, desk_staff, clock):
    appointment, _code = appointments.book(
        slot_key="2026-12-21T09:00", name="甲", phone="0912345678", topic="x"
    )
    clock.move_to(datetime(2026, 12, 21, 9, 10, tzinfo=TZ))
    client.force_login(desk_staff["intake"])
    url = reverse("reception_appointments:no_show", args=[appointment.pk])
    client.post(url)
    assert Appointment.objects.get().status == Appointment.Status.BOOKED  # the slot has not ended
    clock.move_to(datetime(2026, 12, 21, 9, 40, tzinfo=TZ))
    client.post(url)
    assert Appointment.objects.get().status == Appointment.Status.NO_SHOW
    listing = client.get(reverse("reception_appointments:desk") + "?date=2026-12-21")
    assert listing.context["counts"] == {"day": 1, "thirty_days": 1}


def test_only_desk_roles_act_and_auditors_read(client, reception, desk_staff, clock):
    appointment, _code = appointments.book(
        slot_key="2026-12-21T09:00", name="甲", phone="0912345678", topic="x"
    )
    client.force_login(desk_staff["handler"])
    assert denied(client.get(reverse("reception_appointments:desk")))
    client.force_login(desk_staff["auditor"])
    assert client.get(reverse("reception_appointments:desk") + "?date=2026-12-21").status_code == 200
    assert denied(client.post(reverse("reception_appointments:check_in", args=[appointment.pk])))
    assert denied(client.get(reverse("reception_appointments:settings")))
    assert Appointment.objects.get().status == Appointment.Status.BOOKED


def test_supervisors_set_places_and_reception_days(client, reception, desk_staff, clock):
    client.force_login(desk_staff["supervisor"])
    client.post(
        reverse("reception_appointments:settings"),
        {"settings-slot_minutes": "60", "settings-capacity": "5", "settings-horizon_days": "14"},
    )
    reception.config.refresh_from_db()
    assert (reception.config.slot_minutes, reception.config.capacity) == (60, 5)
    client.post(
        reverse("reception_appointments:day_create"),
        {
            "date": "2026-12-23",
            "topic_zh_hant": "局長接待日",
            "leadership": "on",
            "capacity": "1",
            "published": "on",
        },
    )
    assert ReceptionDay.objects.get().capacity == 1
    slots = appointments.slots_on(date(2026, 12, 23))
    assert len(slots) == 7 and {s.capacity for s in slots} == {1}


def test_the_reception_page_links_to_the_booking_page(client, reception, clock):
    reception.page.save_revision().publish()
    page = client.get("/zh-hant/reception/").content.decode()
    assert 'id="book-a-visit"' in page and BOOKING_URL in page


def test_the_desk_shows_no_booking_before_the_confidentiality_agreement_is_accepted(
    client, reception, desk_staff, clock
):
    from casework import roles
    from tests.factories import staff

    appointments.book(
        slot_key="2026-12-21T09:00", name="王小明", phone="0912345678", email="", topic="路燈故障"
    )
    newcomer = staff(roles.INTAKE_OFFICER, accepts_agreement=False)
    client.force_login(newcomer)
    response = client.get(reverse("reception_appointments:desk") + "?date=2026-12-21")
    assert response.status_code == 302 and "confidentiality" in response["Location"]
    assert "王小明" not in client.get(response["Location"]).content.decode()
    assert not PersonalDataAccess.objects.filter(user=newcomer).exists()
