"""The supervision round on fixed clocks: reminders, notices, the escalation ladder, idempotency."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from casework import supervision
from casework.models import Event, OutboxMessage, Status, SupervisionNotice
from notifications import outbox as notifications
from tests.factories import CaseFactory

# The rounds run on fixed days, but the cases they look at are received today.
pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]

DUE = date(2026, 3, 10)  # a Tuesday


def overdue_case(office):
    return CaseFactory(
        status=Status.ROUTED,
        department=office["dept"],
        handler=office["handler"],
        stage_started_on=DUE - timedelta(days=7),
        handling_plan_due=DUE,
        due_date=DUE,
    )


def recipients_of(level):
    return {
        m.user.username
        for m in OutboxMessage.objects.filter(template="supervision", context__level=level).select_related(
            "user"
        )
    }


def test_supervision_notice_on_an_overdue_stage_is_recorded_once(office):
    case = overdue_case(office)
    assert supervision.run(DUE) == (1, 0)  # due today: a reminder, not yet a notice
    assert supervision.run(DUE + timedelta(days=1)) == (0, 1)
    assert supervision.run(DUE + timedelta(days=1)) == (0, 0)
    notice = SupervisionNotice.objects.get(case=case)
    assert notice.level == 1 and notice.department == office["dept"]
    assert case.events.filter(kind=Event.Kind.NOTE, data__supervision_level=1).count() == 1
    assert recipients_of(1) == {office["handler"].username}
    assert notifications.deliver_due() == 2  # the reminder and the notice
    assert notifications.deliver_due() == 0
    assert [m.to for m in mail.outbox] == [[office["handler"].email]] * 2
    assert "Supervision notice" in mail.outbox[1].subject or "督辦" in mail.outbox[1].subject


def test_escalation_climbs_the_ladder_and_stops_at_the_top(office, settings):
    settings.CASEWORK_SUPERVISION_REPEAT_DAYS = 3
    case = overdue_case(office)
    for day in range(1, 20):
        supervision.run(DUE + timedelta(days=day))
        supervision.run(DUE + timedelta(days=day))
    levels = list(case.supervision_notices.values_list("level", flat=True))
    assert levels == [1, 2, 3, 4]
    assert recipients_of(2) == {office["handler"].username, office["reviewer"].username}
    assert recipients_of(3) == {office["handler"].username, office["supervisor"].username}
    assert recipients_of(4) == {office["handler"].username, office["manager"].username}


def test_escalation_ladder_is_configurable(office, settings):
    settings.CASEWORK_ESCALATION_LADDER = ["reviewer", "manager"]
    settings.CASEWORK_SUPERVISION_REPEAT_DAYS = 1
    case = overdue_case(office)
    supervision.run(DUE + timedelta(days=5))
    assert list(case.supervision_notices.values_list("level", flat=True)) == [1, 2]
    assert recipients_of(1) == {office["handler"].username, office["reviewer"].username}
    assert recipients_of(2) == {office["handler"].username, office["manager"].username}


def test_supervision_reminds_the_handler_once_per_stage_before_the_due_date(office):
    case = overdue_case(office)
    day_before = DUE - timedelta(days=1)
    assert supervision.run(day_before) == (1, 0)
    assert supervision.run(day_before) == (0, 0)
    assert supervision.run(DUE) == (0, 0)
    assert OutboxMessage.objects.filter(template="due_soon", case=case).count() == 1
    # A new stage (re-opened, say) is reminded again.
    case.stage_started_on = DUE
    case.save()
    assert supervision.run(day_before) == (1, 0)


def test_supervision_skips_closed_and_paused_cases(office):
    closed = overdue_case(office)
    closed.status = Status.CLOSED
    closed.save()
    paused = overdue_case(office)
    paused.paused_at = paused.received_at
    paused.save()
    assert supervision.run(DUE + timedelta(days=30)) == (0, 0)
    assert not SupervisionNotice.objects.exists()


def test_supervision_schedule_is_stored_for_beat():
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"casework.tasks.supervise", "casework.tasks.sweep_outbox"} <= tasks


def test_supervision_notice_on_a_case_without_handler_goes_to_the_department_reviewers(office):
    case = overdue_case(office)
    case.handler = None
    case.save()
    assert supervision.run(DUE + timedelta(days=1)) == (0, 1)
    assert recipients_of(1) == {office["reviewer"].username}
    notifications.deliver_due()
    assert [m.to for m in mail.outbox] == [[office["reviewer"].email]]
