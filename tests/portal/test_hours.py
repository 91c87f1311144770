"""The "open now / next opening" line, on fixed clocks in the office's time zone."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from portal.hours import Exception_, Period, open_state, seconds_until_change

TAIPEI = ZoneInfo("Asia/Taipei")
# Monday to Friday, 9:00–12:00 and 13:30–17:30.
WEEK = [Period(d, time(9), time(12)) for d in range(5)] + [
    Period(d, time(13, 30), time(17, 30)) for d in range(5)
]


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TAIPEI)


def test_open_during_morning_hours_until_lunch():
    state = open_state(at(2026, 11, 24, 10), WEEK, [])  # a Tuesday
    assert state.is_open
    assert state.closes_at == at(2026, 11, 24, 12)


def test_lunch_break_says_when_the_afternoon_opens():
    state = open_state(at(2026, 11, 24, 12, 30), WEEK, [])
    assert not state.is_open
    assert state.next_opening == at(2026, 11, 24, 13, 30)


def test_closing_time_itself_is_closed():
    state = open_state(at(2026, 11, 24, 17, 30), WEEK, [])
    assert not state.is_open
    assert state.next_opening == at(2026, 11, 25, 9)


def test_friday_evening_points_to_monday():
    state = open_state(at(2026, 11, 27, 18), WEEK, [])
    assert not state.is_open
    assert state.next_opening == at(2026, 11, 30, 9)


def test_holiday_closes_a_working_day_and_skips_to_the_next():
    christmas = [Exception_(date(2026, 12, 25), closed=True)]  # a Friday
    state = open_state(at(2026, 12, 25, 10), WEEK, christmas)
    assert not state.is_open
    assert state.next_opening == at(2026, 12, 28, 9)


def test_special_hours_replace_the_weekly_hours():
    short_day = [Exception_(date(2026, 12, 31), closed=False, opens=time(9), closes=time(12))]
    assert open_state(at(2026, 12, 31, 11), WEEK, short_day).is_open
    afternoon = open_state(at(2026, 12, 31, 14), WEEK, short_day)
    assert not afternoon.is_open
    assert afternoon.next_opening == at(2027, 1, 1, 9)


def test_special_opening_on_a_saturday():
    saturday = [Exception_(date(2026, 11, 28), closed=False, opens=time(10), closes=time(13))]
    state = open_state(at(2026, 11, 28, 8), WEEK, saturday)
    assert state.next_opening == at(2026, 11, 28, 10)


def test_no_hours_at_all_is_closed_without_a_next_opening():
    state = open_state(at(2026, 11, 24, 10), [], [])
    assert not state.is_open and state.next_opening is None


def test_time_zone_is_respected():
    # 02:00 UTC is 10:00 in Taipei: open.
    utc_now = datetime(2026, 11, 24, 2, tzinfo=ZoneInfo("UTC")).astimezone(TAIPEI)
    assert open_state(utc_now, WEEK, []).is_open


def test_seconds_until_change_counts_to_the_next_boundary():
    now = at(2026, 11, 24, 11, 59)
    assert seconds_until_change(now, open_state(now, WEEK, [])) == 60


# --- The hours in one line (footer, FAQ) ------------------------------------------------------------


def test_weekly_hours_in_one_line_in_each_language():
    from django.utils import translation

    from portal.hours import describe_week
    from portal.models import WEEKDAYS

    week = [*WEEK, Period(5, time(9), time(12))]
    with translation.override("en"):
        assert (
            describe_week(week, dict(WEEKDAYS))
            == "Monday to Friday 9:00–12:00, 13:30–17:30; Saturday 9:00–12:00"
        )
    with translation.override("zh-hant"):
        assert (
            describe_week(week, dict(WEEKDAYS)) == "星期一至星期五 9:00–12:00、13:30–17:30；星期六 9:00–12:00"
        )
    with translation.override("zh-hans"):
        assert describe_week(WEEK, dict(WEEKDAYS)) == "星期一至星期五 9:00–12:00、13:30–17:30"
    assert describe_week([], dict(WEEKDAYS)) == ""
