from django.core.management.base import BaseCommand

from casework import supervision


class Command(BaseCommand):
    help = (
        "Run today's supervision round once (reminders, supervision notices, escalation of unanswered "
        "notices), as Celery beat does every morning. Safe to repeat: a second run sends nothing new."
    )

    def handle(self, *args, **options):
        reminders, notices = supervision.run()
        self.stdout.write(self.style.SUCCESS(f"{reminders} reminder(s), {notices} new notice(s)."))
