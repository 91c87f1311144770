"""The mailbox's periodic poll (beat entry "Mailbox poll", casework/schedule.py)."""

from celery import shared_task

from . import mailbox


@shared_task
def poll_mailbox():
    """Turn the complaint mailbox's new messages into cases; nothing while the mailbox is off."""
    return mailbox.poll()
