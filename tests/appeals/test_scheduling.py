"""Staff with the right role see and edit the Celery beat schedules in the Wagtail admin."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from demo.cases import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_administrator_edits_a_schedule_in_the_admin(demo_site, client):
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    job = PeriodicTask.objects.create(
        name="Recompute SLA states", task="appeals.tasks.ping", interval=every_hour
    )
    client.login(username="admin", password=DEMO_PASSWORD)

    listing = client.get("/admin/periodic_tasks/")
    assert listing.status_code == 200
    assert "Recompute SLA states" in listing.content.decode()

    response = client.post(
        f"/admin/periodic_tasks/edit/{job.pk}/",
        {
            "name": "Recompute SLA states",
            "task": "appeals.tasks.ping",
            "interval": every_hour.pk,
            "args": "[]",
            "kwargs": "{}",
            "description": "",
            "enabled": "",
        },
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.enabled is False


def test_other_roles_cannot_reach_the_schedules(demo_site, client):
    client.login(username="intake", password=DEMO_PASSWORD)
    response = client.get("/admin/periodic_tasks/")
    assert response.status_code in {302, 403}
    assert "Recompute" not in response.content.decode()


def test_every_stored_schedule_names_a_known_task():
    from appeals.celery import app
    from casework.schedule import OFFICE_SCHEDULE

    app.loader.import_default_modules()
    stored = dict(PeriodicTask.objects.values_list("name", "task"))
    assert {name: task for name, task, _when in OFFICE_SCHEDULE}.items() <= stored.items()
    assert set(stored.values()) <= set(app.tasks)
