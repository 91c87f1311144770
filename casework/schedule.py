"""The office's beat schedule, kept in the database by django-celery-beat.

The migrations create these entries once; `install_schedule` runs after every `migrate` (and after a
database flush) so a deployment never runs without its supervision round, outbox sweep, retention run
or statistics roll-ups. Only missing entries are created: an entry staff disabled or re-timed is left
as it is.
"""

from django.conf import settings
from django.db import IntegrityError, connections, transaction

# name, task, crontab (minute, hour) or interval in minutes or seconds
OFFICE_SCHEDULE = [
    ("Supervision round", "casework.tasks.supervise", {"crontab": ("30", "7")}),
    ("Outbox sweep", "casework.tasks.sweep_outbox", {"crontab": ("*/5", "*")}),
    ("Personal data retention", "casework.tasks.erase_expired_personal_data", {"crontab": ("15", "3")}),
    ("Statistics roll-ups", "casework.statistics.refresh_statistics", {"every_minutes": 10}),
    ("Housekeeping", "casework.tasks.housekeeping", {"crontab": ("45", "*")}),
    ("External supervision round", "reception.tasks.external_supervision_round", {"crontab": ("0", "8")}),
    ("Appointment reminders", "reception.tasks.send_appointment_reminders", {"crontab": ("0", "17")}),
    ("Social media senders forgotten", "social.tasks.forget_senders", {"crontab": ("25", "3")}),
    # Does nothing while MAILBOX_IMAP_HOST is unset, so every office gets the entry.
    ("Mailbox poll", "mailroom.tasks.poll_mailbox", {"every_seconds": settings.MAILBOX_POLL_SECONDS}),
]


def install_schedule(using="default"):
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return 0
    created = 0
    for name, task, when in OFFICE_SCHEDULE:
        if PeriodicTask.objects.using(using).filter(name=name).exists():
            continue
        if "crontab" in when:
            minute, hour = when["crontab"]
            crontab, _created = CrontabSchedule.objects.using(using).get_or_create(
                minute=minute,
                hour=hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,  # the office's own clock, as the migrations set it
            )
            schedule = {"crontab": crontab}
        else:
            every, period = (
                (when["every_seconds"], IntervalSchedule.SECONDS)
                if "every_seconds" in when
                else (when["every_minutes"], IntervalSchedule.MINUTES)
            )
            interval, _created = IntervalSchedule.objects.using(using).get_or_create(
                every=every, period=period
            )
            schedule = {"interval": interval}
        # Two processes may migrate at once (two containers starting): the loser of the race keeps
        # the winner's entry instead of failing its migrate.
        try:
            with transaction.atomic(using=using):
                PeriodicTask.objects.using(using).create(name=name, task=task, **schedule)
        except IntegrityError:
            continue
        created += 1
    return created


def install_schedule_after_migrate(sender, using="default", **kwargs):
    install_schedule(using)
