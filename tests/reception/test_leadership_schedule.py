"""The demo's training and roster, and the public reception page's leadership reception schedule:
leaders' names and titles only where marked public, and nothing else about the staff."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from casework import roles
from casework.models import OutboxMessage
from reception import roster, training
from reception.models import DutyShift, TrainingPlan
from tests.factories import staff

# The demo dates its training and roster from today, so what it covers must hold on any day.
pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]


def test_demo_has_a_plan_with_scores_valid_and_expired_staff_a_roster_and_reminders(demo_site):
    today = training.today()
    User = get_user_model()
    assert TrainingPlan.objects.filter(year=today.year).exists()
    assert training.has_valid_training(User.objects.get(username="intake"))
    assert training.has_valid_training(User.objects.get(username="manager"))
    expired = User.objects.get(username="intake2")
    assert training.training_state(expired) == "expired"
    assert OutboxMessage.objects.filter(template="training_due", user=expired).exists()
    start = roster.week_start(today)
    entries = DutyShift.objects.filter(date__gte=start, date__lt=start + timedelta(days=14))
    assert entries.filter(leadership=False).count() >= 5
    assert entries.filter(leadership=True, published=True).exists()
    assert not entries.filter(user=expired).exists()


def test_the_reception_page_shows_published_leadership_days_and_no_other_staff_data(demo_site, client):
    DutyShift.objects.all().delete()
    day = training.today() + timedelta(days=7)
    leader = staff(roles.MANAGER, first_name="李", last_name="主任甲", email="leader-secret@example.org")
    hidden = staff(roles.MANAGER, first_name="趙", last_name="副主任乙")
    unpublished = staff(roles.MANAGER, first_name="孫", last_name="未公布")
    officer = staff(roles.INTAKE_OFFICER, first_name="周", last_name="值班員")
    DutyShift.objects.create(
        date=day,
        shift="morning",
        user=leader,
        leadership=True,
        title="主任",
        published=True,
        name_public=True,
    )
    DutyShift.objects.create(
        date=day,
        shift="afternoon",
        user=hidden,
        leadership=True,
        title="副主任",
        published=True,
        name_public=False,
    )
    DutyShift.objects.create(
        date=day + timedelta(days=1),
        shift="morning",
        user=unpublished,
        leadership=True,
        published=False,
        name_public=True,
    )
    DutyShift.objects.create(date=day, shift="morning", user=officer)

    page = client.get("/zh-hant/reception/").content.decode()
    section = page.split('id="leadership-schedule"', 1)[1].split("</section>", 1)[0]
    assert "主任 李 主任甲" in section
    assert day.isoformat() in section
    assert "副主任乙" not in page  # published, but the name is not marked public
    assert "未公布" not in page  # not published
    assert "值班員" not in page  # ordinary duty staff never appear
    for secret in (leader.username, leader.email, hidden.username, officer.username):
        assert secret not in page
    english = client.get("/en/reception/").content.decode()
    assert "Leadership reception days" in english
