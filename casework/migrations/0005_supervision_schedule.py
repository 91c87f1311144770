"""The beat schedule of the supervision round and the outbox sweep, stored with django-celery-beat."""

from django.db import migrations

SCHEDULE = [
    # name, task, crontab (minute, hour)
    ("Supervision round", "casework.tasks.supervise", ("30", "7")),
    ("Outbox sweep", "casework.tasks.sweep_outbox", ("*/5", "*")),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour) in SCHEDULE:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Taipei",
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _task, _cron in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_outbox_supervision"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
