"""The training and roster screens in the admin: plans, sessions, the attendance and scores form,
the training record (one's own and, for managers and auditors, anyone's), the roster's week view
with its refusal, and the yearly report's downloads."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from casework import roles
from reception import training
from reception.models import DutyShift, TrainingAttendance, TrainingPlan, TrainingSession
from tests.factories import staff

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2026-06-10 10:00 +08:00", tick=False):
        yield


@pytest.fixture
def manager(admin_access):
    return staff(roles.MANAGER)


@pytest.fixture
def officer(admin_access):
    return staff(roles.INTAKE_OFFICER, first_name="王", last_name="小芳")


@pytest.fixture
def session(manager):
    plan = TrainingPlan.objects.create(year=2026, title="2026 plan")
    return TrainingSession.objects.create(
        plan=plan,
        title="接待禮儀",
        content="etiquette",
        mode="drill",
        date=date(2026, 5, 5),
        hours=Decimal("3"),
    )


def test_a_manager_creates_a_plan_and_a_session(client, manager):
    client.force_login(manager)
    response = client.post(reverse("reception_training:plan_new"), {"year": "2026", "title": "年度培訓計劃"})
    plan = TrainingPlan.objects.get(year=2026)
    assert response.status_code == 302
    url = reverse("reception_training:session_new", args=[plan.pk])
    fields = {
        "title": "法規講座",
        "content": "law",
        "mode": "lecture",
        "lecturer": "陳律師",
        "hours": "2",
        "evaluation": "exam",
        "pass_mark": "60",
    }
    # A date outside the plan's year is refused with a message, not a 500.
    response = client.post(url, {**fields, "date": "2025-12-01"})
    assert response.status_code == 200
    assert "計劃年度（2026）" in response.content.decode()
    response = client.post(url, {**fields, "date": "not a date"})
    assert response.status_code == 200
    response = client.post(url, {**fields, "date": "2026-03-01"})
    assert response.status_code == 302
    page = client.get(reverse("reception_training:plan", args=[plan.pk])).content.decode()
    assert "法規講座" in page and "陳律師" in page


def test_attendance_and_scores_are_saved_together_and_shown_in_the_record(client, manager, officer, session):
    client.force_login(manager)
    url = reverse("reception_training:session", args=[session.pk])
    page = client.get(url).content.decode()
    assert "王 小芳" in page
    response = client.post(url, {f"attended_{officer.pk}": "on", f"score_{officer.pk}": "150"})
    assert response.status_code == 200  # out of range: the form says so and nothing is saved
    assert not TrainingAttendance.objects.exists()
    response = client.post(url, {f"attended_{officer.pk}": "on", f"score_{officer.pk}": "85"})
    assert response.status_code == 302
    assert TrainingAttendance.objects.get(user=officer).passed

    record = client.get(reverse("reception_training:person", args=[officer.pk])).content.decode()
    assert "接待禮儀" in record and "85" in record and "2027-05-04" in record

    client.force_login(officer)
    mine = client.get(reverse("reception_training:mine")).content.decode()
    assert "接待禮儀" in mine and "2027-05-04" in mine
    # Staff see their own record only, and do not edit sessions.
    assert client.get(reverse("reception_training:person", args=[manager.pk])).status_code in (302, 403)
    assert client.get(url).status_code in (302, 403)
    assert client.get(reverse("reception_training:plan_new")).status_code in (302, 403)


def test_an_auditor_reads_but_does_not_edit(client, session, admin_access):
    auditor = staff(roles.AUDITOR)
    client.force_login(auditor)
    page = client.get(reverse("reception_training:session", args=[session.pk])).content.decode()
    assert "接待禮儀" in page and 'name="attended_' not in page
    assert client.get(reverse("reception_training:people")).status_code == 200
    assert client.get(reverse("reception_training:plan_edit", args=[session.plan.pk])).status_code in (
        302,
        403,
    )


def test_the_yearly_report_downloads_as_csv_and_xlsx(client, manager, officer, session):
    training.record_attendance(manager, session, [training.AttendanceRow(officer, True, score=Decimal("85"))])
    client.force_login(manager)
    response = client.get(reverse("reception_training:report", args=["csv"]), {"year": "2026"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "王 小芳" in text and "接待禮儀: 85.0" in text and "2027-05-04" in text
    response = client.get(reverse("reception_training:report", args=["xlsx"]), {"year": "2026"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # A bad year goes back with a message.
    response = client.get(reverse("reception_training:report", args=["csv"]), {"year": "x"})
    assert response.status_code == 302


def test_the_roster_week_refuses_untrained_staff_and_adds_trained_staff(client, manager, officer, session):
    client.force_login(manager)
    url = reverse("reception_roster:week")
    fields = {"date": "2026-06-11", "shift": "morning", "user": officer.pk}
    response = client.post(url, fields)
    assert response.status_code == 200
    assert "王 小芳 尚未通過任何培訓" in response.content.decode()
    assert not DutyShift.objects.exists()

    training.record_attendance(manager, session, [training.AttendanceRow(officer, True, score=Decimal("85"))])
    response = client.post(url, fields)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "王 小芳" in page and "2026-06-08" in page  # the week from Monday

    # Intake officers read the roster but cannot change it.
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "王 小芳" in page and "加入值班表" not in page
    entry = DutyShift.objects.get()
    assert client.post(reverse("reception_roster:remove", args=[entry.pk])).status_code in (302, 403)
    assert DutyShift.objects.filter(pk=entry.pk).exists()
    # A bad week parameter falls back to this week.
    assert client.get(url, {"week": "junk"}).status_code == 200
    assert client.get(url, {"week": "9999-12-31"}).status_code == 200
