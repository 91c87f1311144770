from celery import shared_task

from . import services


# The name the beat schedules of running deployments already hold.
@shared_task(name="casework.tasks.erase_expired_personal_data")
def erase_expired_personal_data():
    """The daily retention run: personal data of cases closed longer than the retention period."""
    return services.run()
