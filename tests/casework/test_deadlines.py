"""Working days on the office calendar: weekends, holidays, make-up workdays, paused time, SLA states."""

import os
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from casework import deadlines, roles, workflow
from casework.models import CalendarDay, SLAState, StageLimits, Status
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = pytest.mark.django_db

# 2026-01-05 is a Monday.
MON = date(2026, 1, 5)


def holiday(day, name="假日"):
    return CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.HOLIDAY, name=name)


def workday(day):
    return CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.WORKDAY, name="補班")


def test_weekends_do_not_count():
    assert deadlines.add_working_days(MON, 1) == MON + timedelta(days=1)
    assert deadlines.add_working_days(MON, 5) == MON + timedelta(days=7)  # next Monday
    friday = MON + timedelta(days=4)
    assert deadlines.add_working_days(friday, 1) == MON + timedelta(days=7)
    saturday = MON + timedelta(days=5)
    assert deadlines.add_working_days(saturday, 1) == MON + timedelta(days=7)
    assert deadlines.add_working_days(MON, 0) == MON


def test_holidays_do_not_count():
    holiday(MON + timedelta(days=1))  # Tuesday off
    assert deadlines.add_working_days(MON, 1) == MON + timedelta(days=2)
    assert deadlines.add_working_days(MON, 4) == MON + timedelta(days=7)


def test_make_up_workdays_count():
    workday(MON + timedelta(days=5))  # Saturday is a make-up workday
    assert deadlines.add_working_days(MON + timedelta(days=4), 1) == MON + timedelta(days=5)
    assert deadlines.is_working_day(MON + timedelta(days=5))
    assert not deadlines.is_working_day(MON + timedelta(days=6))


def test_paused_days_do_not_count():
    # Paused from Tuesday until Thursday: Tuesday and Wednesday are skipped.
    pauses = [(MON + timedelta(days=1), MON + timedelta(days=3))]
    assert deadlines.add_working_days(MON, 1, pauses) == MON + timedelta(days=3)
    assert deadlines.add_working_days(MON, 3, pauses) == MON + timedelta(days=7)
    # An open pause leaves no due date.
    assert deadlines.add_working_days(MON, 3, [(MON + timedelta(days=1), None)]) is None


def test_working_days_between():
    cal = deadlines.WorkingCalendar(MON)
    assert cal.working_days_between(MON, MON + timedelta(days=7)) == 5
    assert cal.working_days_between(MON + timedelta(days=7), MON) == -5
    assert cal.working_days_between(MON, MON) == 0


def test_the_calendar_is_preloaded_from_the_holidays_package(settings):
    settings.HOLIDAY_REGION = "TW"
    assert deadlines.load_public_holidays([2025]) > 0
    assert CalendarDay.objects.get(date=date(2025, 1, 1)).kind == CalendarDay.Kind.HOLIDAY
    # Taiwan worked on Saturday 8 February 2025 to make up for the Lunar New Year bridge day.
    assert CalendarDay.objects.get(date=date(2025, 2, 8)).kind == CalendarDay.Kind.WORKDAY
    # Staff corrections survive a reload, and a reload adds nothing twice.
    CalendarDay.objects.filter(date=date(2025, 1, 1)).update(name="開國紀念日")
    assert deadlines.load_public_holidays([2025]) == 0
    assert CalendarDay.objects.get(date=date(2025, 1, 1)).name == "開國紀念日"


def test_sla_states():
    limits = StageLimits.load()
    limits.due_soon_days = 2
    limits.save()
    today = MON
    assert deadlines.sla_for_date(MON + timedelta(days=7), today) == SLAState.ON_TIME
    assert deadlines.sla_for_date(MON + timedelta(days=2), today) == SLAState.DUE_SOON
    assert deadlines.sla_for_date(MON, today) == SLAState.DUE_SOON
    assert deadlines.sla_for_date(MON - timedelta(days=1), today) == SLAState.OVERDUE
    # Over a weekend: Friday -> next Tuesday is two working days.
    friday = MON + timedelta(days=4)
    assert deadlines.sla_for_date(MON + timedelta(days=8), friday) == SLAState.DUE_SOON


def local(day, hour=10):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def test_case_due_dates_follow_the_stage_limits_and_skip_pauses():
    limits = StageLimits.load()
    limits.screening_days, limits.reply_days = 2, 10
    limits.save()
    holiday(MON + timedelta(days=1))
    case = CaseFactory(received_at=local(MON), stage_started_on=MON)
    deadlines.recompute_due_dates(case)
    assert case.screening_due == MON + timedelta(days=3)  # Tuesday is a holiday
    assert case.reply_due == MON + timedelta(days=15)
    assert case.due_date == case.screening_due

    # Paused from Wednesday to the next Monday: three working days do not count.
    case.save()
    case.pauses.create(started_at=local(MON + timedelta(days=2)), ended_at=local(MON + timedelta(days=7)))
    deadlines.recompute_due_dates(case)
    assert case.screening_due == MON + timedelta(days=8)
    assert case.reply_due == MON + timedelta(days=18)


@pytest.mark.date_sensitive
def test_sla_filters_agree_with_the_state_of_each_case():
    dept = DepartmentFactory()
    today = timezone.localdate()
    cases = {
        "overdue": CaseFactory(
            status=Status.IN_PROGRESS, department=dept, due_date=today - timedelta(days=3)
        ),
        "due_soon": CaseFactory(status=Status.IN_PROGRESS, department=dept, due_date=today),
        "on_time": CaseFactory(
            status=Status.IN_PROGRESS, department=dept, due_date=today + timedelta(days=30)
        ),
        "closed": CaseFactory(status=Status.CLOSED, department=dept, due_date=today - timedelta(days=3)),
    }
    from casework.models import Case

    for state in SLAState:
        found = set(deadlines.filter_by_sla(Case.objects.all(), state).values_list("pk", flat=True))
        assert found == {cases[state.value].pk}
        assert deadlines.sla_state(cases[state.value]) == state
    assert deadlines.sla_state(cases["closed"]) is None


@pytest.mark.date_sensitive
def test_a_paused_case_is_not_overdue_while_the_citizen_is_awaited():
    intake = staff(roles.INTAKE_OFFICER)
    case = CaseFactory(received_at=timezone.now() - timedelta(days=30))
    case = workflow.request_information(case, intake, "請補件")
    assert case.due_date < timezone.localdate()
    from casework.models import Case

    assert deadlines.sla_state(case) is None
    assert not deadlines.filter_by_sla(Case.objects.all(), SLAState.OVERDUE).exists()
    case = workflow.receive_information(case, intake, "已補件")
    assert deadlines.sla_state(case) == SLAState.OVERDUE


def test_load_holidays_command_fills_the_calendar_and_refuses_unknown_regions():
    from django.core.management import CommandError, call_command

    call_command("load_holidays", "2026", stdout=open(os.devnull, "w"))
    assert CalendarDay.objects.filter(date__year=2026, kind=CalendarDay.Kind.HOLIDAY).count() >= 8
    with pytest.raises(CommandError):
        call_command("load_holidays", "2026", "--region", "XX", stdout=open(os.devnull, "w"))
