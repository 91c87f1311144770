"""Training: who passed, until when training is valid, the reminders, the completion rate the
staff assessment reads, and the duty roster's refusal of staff without valid training."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework import roles
from casework.models import OutboxMessage
from notifications import outbox
from reception import roster, training
from reception.models import DutyShift, TrainingAttendance, TrainingPlan, TrainingSession
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return staff(roles.MANAGER)


@pytest.fixture
def officer():
    return staff(roles.INTAKE_OFFICER)


def session_on(day, manager, evaluation=TrainingSession.Evaluation.EXAM, pass_mark=60):
    plan = TrainingPlan.objects.get_or_create(year=day.year, defaults={"title": "Plan"})[0]
    return training.save_session(
        manager,
        TrainingSession(
            plan=plan,
            title=f"Session {day}",
            content=TrainingSession.Content.LAW,
            mode=TrainingSession.Mode.LECTURE,
            date=day,
            hours=Decimal("2"),
            evaluation=evaluation,
            pass_mark=Decimal(pass_mark),
        ),
    )


def score(manager, session, user, value):
    training.record_attendance(manager, session, [training.AttendanceRow(user, True, score=Decimal(value))])


def test_a_score_at_the_pass_mark_passes_and_below_fails(manager, officer):
    session = session_on(date(2026, 3, 2), manager, pass_mark=70)
    other = staff(roles.INTAKE_OFFICER)
    training.record_attendance(
        manager,
        session,
        [
            training.AttendanceRow(officer, True, score=Decimal("70")),
            training.AttendanceRow(other, True, score=Decimal("69.5")),
        ],
    )
    passed = dict(TrainingAttendance.objects.values_list("user_id", "passed"))
    assert passed == {officer.pk: True, other.pk: False}
    # Raising the pass mark re-evaluates who passed.
    session.pass_mark = Decimal("80")
    training.save_session(manager, session)
    assert not TrainingAttendance.objects.get(user=officer).passed


def test_a_questionnaire_passes_on_a_satisfactory_result(manager, officer):
    session = session_on(date(2026, 3, 2), manager, evaluation=TrainingSession.Evaluation.QUESTIONNAIRE)
    training.record_attendance(manager, session, [training.AttendanceRow(officer, True, result="passed")])
    assert training.has_valid_training(officer, date(2026, 3, 2))


def test_training_is_valid_for_the_set_number_of_months_after_a_pass(manager, officer, settings):
    score(manager, session_on(date(2025, 6, 15), manager), officer, 80)
    assert training.valid_until(officer, date(2025, 7, 1)) == date(2026, 6, 14)
    assert training.has_valid_training(officer, date(2026, 6, 14))
    assert not training.has_valid_training(officer, date(2026, 6, 15))
    assert training.training_state(officer, date(2026, 6, 1)) == "expiring"
    assert training.training_state(officer, date(2026, 6, 15)) == "expired"
    # A session not yet held (after the given day) does not count.
    assert not training.has_valid_training(officer, date(2025, 6, 14))
    settings.TRAINING_VALIDITY_MONTHS = 24
    assert training.has_valid_training(officer, date(2026, 6, 15))


def test_only_managers_and_supervisors_record_training(officer):
    plan = TrainingPlan.objects.create(year=2026, title="Plan")
    with pytest.raises(PermissionDenied):
        training.save_plan(officer, TrainingPlan(year=2027, title="x"))
    session = TrainingSession.objects.create(
        plan=plan, title="s", content="law", mode="lecture", date=date(2026, 2, 2)
    )
    with pytest.raises(PermissionDenied):
        training.record_attendance(officer, session, [training.AttendanceRow(officer, True, score=90)])
    assert not TrainingAttendance.objects.exists()


def test_reminders_go_once_to_staff_overdue_or_expiring_and_not_to_the_valid(manager, officer):
    expiring, never = staff(roles.INTAKE_OFFICER), staff(roles.SUPERVISOR)
    staff(roles.HANDLER)  # handlers do not receive visitors: no reminder
    score(manager, session_on(date(2025, 1, 10), manager), officer, 90)  # expired 2026-01-09
    score(manager, session_on(date(2025, 3, 20), manager), expiring, 90)  # valid until 2026-03-19
    score(manager, session_on(date(2026, 2, 1), manager), manager, 90)  # valid

    on = date(2026, 3, 1)
    assert training.send_reminders(on) == 3
    assert training.send_reminders(on) == 0  # idempotent: the same states queue nothing new
    messages = OutboxMessage.objects.filter(template="training_due")
    assert {m.user_id for m in messages} == {officer.pk, expiring.pk, never.pk}
    subjects = {m.user_id: outbox.render(m)[0] for m in messages}
    assert "2026-01-09" in subjects[officer.pk]
    assert "2026-03-19" in subjects[expiring.pk]

    # Passing again and later expiring again is a new state: one more reminder.
    score(manager, session_on(date(2026, 3, 2), manager), officer, 90)
    assert training.send_reminders(date(2026, 3, 3)) == 0
    assert training.send_reminders(date(2027, 3, 1)) >= 1


def test_completion_counts_sessions_passed_of_those_attended_in_the_period(manager, officer):
    first = session_on(date(2026, 2, 1), manager)
    second = session_on(date(2026, 5, 1), manager)
    later = session_on(date(2026, 9, 1), manager)
    score(manager, first, officer, 90)
    score(manager, second, officer, 40)
    score(manager, later, officer, 90)
    result = training.completion(officer, date(2026, 1, 1), date(2026, 6, 30))
    assert (result.passed, result.required, result.rate) == (1, 2, 0.5)
    # A reception officer who attended nothing in the period completed nothing.
    assert training.completion(officer, date(2025, 1, 1), date(2025, 12, 31)).rate == 0
    # Someone who needs no training has nothing to complete.
    assert training.completion(staff(roles.HANDLER), date(2026, 1, 1), date(2026, 12, 31)).rate is None


def test_the_yearly_report_lists_sessions_hours_scores_and_valid_until(manager, officer):
    score(manager, session_on(date(2026, 2, 1), manager), officer, 90)
    score(manager, session_on(date(2026, 5, 1), manager), officer, 40)
    rows = {row[1]: row for row in training.report_rows(2026, on=date(2026, 12, 31))}
    row = rows[officer.username]
    assert row[2:5] == [2, "4.0", 1]
    assert "90" in row[5] and "40" in row[5]
    assert row[6] == "2027-01-31"


# --- Duty roster -------------------------------------------------------------------------------


def test_the_roster_refuses_staff_without_valid_training_and_says_why(manager, officer):
    day = date(2026, 3, 4)
    with pytest.raises(ValidationError) as refused:
        roster.assign(manager, day=day, shift="morning", user=officer)
    assert officer.last_name in refused.value.messages[0]
    assert "2026" not in refused.value.messages[0]  # never passed: no date to name

    score(manager, session_on(date(2025, 1, 10), manager), officer, 90)
    with pytest.raises(ValidationError) as refused:
        roster.assign(manager, day=day, shift="morning", user=officer)
    assert "2026-01-09" in refused.value.messages[0]
    assert not DutyShift.objects.exists()

    score(manager, session_on(date(2026, 2, 1), manager), officer, 90)
    entry = roster.assign(manager, day=day, shift="morning", user=officer)
    assert entry.pk
    with pytest.raises(ValidationError):
        roster.assign(manager, day=day, shift="morning", user=officer)
    with pytest.raises(PermissionDenied):
        roster.assign(officer, day=day, shift="afternoon", user=officer)


def test_shifts_follow_the_reception_hours(monkeypatch, manager):
    from portal import hours

    class Page:
        def weekly_periods(self):
            return [
                hours.Period(0, time(9), time(12)),
                hours.Period(0, time(13, 30), time(17, 30)),
                hours.Period(1, time(9), time(12)),
            ]

        def dated_exceptions(self):
            return [hours.Exception_(date(2026, 3, 9), True)]

    monkeypatch.setattr(roster, "reception_page", lambda: Page())
    assert set(roster.shift_hours(date(2026, 3, 2))) == {"morning", "afternoon"}  # a Monday
    assert set(roster.shift_hours(date(2026, 3, 3))) == {"morning"}  # Tuesday mornings only
    assert roster.shift_hours(date(2026, 3, 9)) == {}  # a closed Monday
    score(manager, session_on(date(2026, 2, 1), manager), manager, 90)
    with pytest.raises(ValidationError) as refused:
        roster.assign(manager, day=date(2026, 3, 3), shift="afternoon", user=manager)
    assert "2026-03-03" in refused.value.messages[0]
