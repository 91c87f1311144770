"""The booking rules: slots from the reception page's hours, its holidays and closures and the office
calendar; places per slot; cancelling and moving; reminders; check-in and no-shows at the desk.
Every moment is injected, never today's date."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from casework.models import CalendarDay, OutboxMessage
from notifications import outbox
from reception import appointments
from reception.appointments import BookingRefused
from reception.models import Appointment, ReceptionDay

TZ = ZoneInfo("Asia/Taipei")
MONDAY = date(2026, 12, 21)
MONDAY_MORNING = datetime(2026, 12, 21, 8, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are read in English here (the site's default language is zh-Hant)."""
    with translation.override("en"):
        yield


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def book(key, now=MONDAY_MORNING, **fields):
    values = {"name": "王小明", "phone": "0912 345 678", "topic": "路燈故障", "language": "zh-hant"}
    values.update(fields)
    return appointments.book(slot_key=key, now=now, **values)


def free(day, starts, now=MONDAY_MORNING):
    return next(s.free for s in appointments.slots_on(day, now) if s.starts == starts)


def test_a_working_day_is_cut_into_slots_of_the_opening_hours(reception):
    slots = appointments.slots_on(MONDAY, MONDAY_MORNING)
    assert [f"{s.starts:%H:%M}" for s in slots] == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
        "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00",
    ]  # fmt: skip
    assert {s.free for s in slots} == {2}


def test_slots_already_begun_are_not_offered(reception):
    slots = appointments.slots_on(MONDAY, at(MONDAY, 10, 5))
    assert f"{slots[0].starts:%H:%M}" == "10:30"


def test_holidays_closures_special_hours_and_weekends(reception):
    CalendarDay.objects.update_or_create(date=date(2026, 12, 22), defaults={"kind": CalendarDay.Kind.HOLIDAY})
    assert appointments.slots_on(date(2026, 12, 22), MONDAY_MORNING) == []  # office calendar holiday
    assert appointments.slots_on(date(2026, 12, 25), MONDAY_MORNING) == []  # the page's holiday
    assert appointments.slots_on(date(2026, 12, 26), MONDAY_MORNING) == []  # Saturday
    short_day = appointments.slots_on(date(2026, 12, 31), MONDAY_MORNING)  # special hours 9–12
    assert [f"{s.starts:%H:%M}" for s in short_day][-1] == "11:30" and len(short_day) == 6
    days = [day for day, _slots in appointments.bookable_days(MONDAY_MORNING)]
    assert date(2026, 12, 25) not in days and date(2026, 12, 22) not in days and MONDAY in days


def test_a_booking_in_a_closed_period_is_refused_with_a_clear_message(reception):
    with pytest.raises(BookingRefused) as refused:
        book("2026-12-25T09:00")
    assert "closed" in refused.value.message
    with pytest.raises(BookingRefused, match="not open"):
        book("2026-12-21T12:00")  # the lunch break
    with pytest.raises(BookingRefused, match="passed"):
        book("2026-12-18T09:00")
    assert not Appointment.objects.exists()


def test_the_last_place_goes_once_and_a_cancelled_place_is_offered_again(reception):
    first, code = book("2026-12-21T09:00")
    book("2026-12-21T09:00", name="林淑芬")
    assert free(MONDAY, time(9, 0)) == 0
    with pytest.raises(BookingRefused, match="fully booked"):
        book("2026-12-21T09:00", name="張家豪")

    appointments.cancel(first, now=MONDAY_MORNING)
    assert free(MONDAY, time(9, 0)) == 1
    book("2026-12-21T09:00", name="張家豪")
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 2


def test_a_reception_day_can_have_its_own_number_of_places(reception):
    ReceptionDay.objects.create(date=MONDAY, topic_zh_hant="局長接待日", leadership=True, capacity=1)
    book("2026-12-21T09:00")
    with pytest.raises(BookingRefused, match="fully booked"):
        book("2026-12-21T09:00", name="林淑芬")
    assert [d.topic for d in appointments.published_days(MONDAY_MORNING)] == ["局長接待日"]


def test_the_citizen_finds_the_booking_with_its_reference_and_code_only(reception):
    appointment, code = book("2026-12-21T09:00")
    assert appointments.find(appointment.reference.lower(), code) == appointment
    assert appointments.find(appointment.reference, "WRONG234") is None
    assert appointments.find("AP-NOSUCH22", code) is None


def test_moving_frees_the_old_place_and_keeps_the_reference(reception):
    appointment, _code = book("2026-12-21T09:00")
    moved = appointments.move(appointment, "2026-12-23T14:00", now=MONDAY_MORNING)
    assert moved.reference == appointment.reference and moved.slot.date == date(2026, 12, 23)
    assert free(MONDAY, time(9, 0)) == 2
    with pytest.raises(BookingRefused, match="already"):
        appointments.move(moved, "2026-12-23T14:00", now=MONDAY_MORNING)
    with pytest.raises(BookingRefused, match="no longer"):
        appointments.move(moved, "2026-12-24T09:00", now=at(date(2026, 12, 23), 14, 5))
    with pytest.raises(BookingRefused, match="no longer"):
        appointments.cancel(moved, now=at(date(2026, 12, 23), 14, 5))


def test_confirmation_move_and_cancellation_go_through_the_outbox(reception):
    appointment, code = book("2026-12-21T09:00", phone="", email="wang@example.org")
    appointments.move(appointment, "2026-12-21T10:00", now=MONDAY_MORNING)
    appointments.cancel(appointment, now=MONDAY_MORNING)
    messages = OutboxMessage.objects.filter(template__startswith="appointment_").order_by("pk")
    assert [m.template for m in messages] == [
        "appointment_booked",
        "appointment_moved",
        "appointment_cancelled",
    ]
    assert all(m.address == "wang@example.org" and m.channel == "email" for m in messages)
    subject, body = outbox.render(messages[0])
    assert appointment.reference in subject and code in body
    assert code not in str(messages[0].context)  # the code travels encrypted


def test_reminders_go_the_day_before_once(reception):
    tomorrow, _code = book("2026-12-22T09:00")
    cancelled, _code = book("2026-12-22T09:30")
    appointments.cancel(cancelled, now=MONDAY_MORNING)
    book("2026-12-23T09:00")
    evening = at(MONDAY, 17)
    assert appointments.send_reminders(evening) == 1
    assert appointments.send_reminders(evening) == 0
    reminder = OutboxMessage.objects.get(template="appointment_reminder")
    assert reminder.context["appointment"] == tomorrow.pk and reminder.channel == "sms"
    reminder.language = "en"
    subject, body = outbox.render(reminder)
    assert "Reminder" in subject and tomorrow.reference in subject


def test_check_in_and_no_show_at_the_desk(reception, desk_staff):
    arrived, _code = book("2026-12-21T09:00")
    absent, _code = book("2026-12-21T09:30")
    with pytest.raises(BookingRefused):
        appointments.check_in(arrived, desk_staff["handler"], now=at(MONDAY, 8, 55))
    with pytest.raises(BookingRefused, match="day of"):
        appointments.check_in(arrived, desk_staff["intake"], now=at(date(2026, 12, 18), 9))
    checked = appointments.check_in(arrived, desk_staff["intake"], now=at(MONDAY, 8, 55))
    assert checked.status == Appointment.Status.CHECKED_IN and checked.handled_by == desk_staff["intake"]
    assert appointments.check_in(arrived, desk_staff["intake"], now=at(MONDAY, 9)).status == "checked_in"
    assert appointments.visit_initial(checked)["visitor_names"] == "王小明"

    with pytest.raises(BookingRefused, match="after the slot"):
        appointments.record_no_show(absent, desk_staff["intake"], now=at(MONDAY, 9, 45))
    appointments.record_no_show(absent, desk_staff["intake"], now=at(MONDAY, 10, 1))
    with pytest.raises(BookingRefused):
        appointments.record_no_show(arrived, desk_staff["intake"], now=at(MONDAY, 10, 1))
    assert appointments.no_show_counts(MONDAY) == {"day": 1, "thirty_days": 1}
    assert appointments.no_show_counts(date(2027, 1, 25)) == {"day": 0, "thirty_days": 0}
