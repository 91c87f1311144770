import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from casework.schedule import OFFICE_SCHEDULE, install_schedule

pytestmark = pytest.mark.django_db


def test_a_deleted_entry_comes_back_with_the_next_migrate_and_a_disabled_one_stays_disabled():
    PeriodicTask.objects.filter(name="Supervision round").delete()
    PeriodicTask.objects.filter(name="Outbox sweep").update(enabled=False)

    call_command("migrate", verbosity=0)

    restored = PeriodicTask.objects.get(name="Supervision round")
    assert restored.task == "casework.tasks.supervise" and restored.enabled
    assert (restored.crontab.minute, restored.crontab.hour) == ("30", "7")
    assert not PeriodicTask.objects.get(name="Outbox sweep").enabled
    assert install_schedule() == 0
    assert PeriodicTask.objects.filter(
        name__in=[name for name, _task, _when in OFFICE_SCHEDULE]
    ).count() == len(OFFICE_SCHEDULE)
