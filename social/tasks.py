from celery import shared_task

from . import drafts


@shared_task(name="social.tasks.forget_senders")
def forget_senders():
    """Daily: the platform ids of handled drafts, once no reply can reach them any more."""
    return drafts.forget_senders()
