"""Clearing what anonymous visitors and interrupted work leave behind.

Reading the public forms writes nothing, but a filed form leaves a session (its receipt) and every
captcha shown leaves a row; an online submission's receipt is kept a day for retries; a process
killed between writing an attachment and committing its row leaves a file nobody refers to. None
of it may pile up, and orphaned files are citizens' data that retention could never reach.
"""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from .attachments import remove_orphaned_files
from .models import OnlineSubmission

ONLINE_SUBMISSION_KEPT = timedelta(days=1)
# A partner's Idempotency-Key is honoured for a day, like the web form's token: its stored first
# answer holds the access code, which must not outlive the retries it is kept for.
PARTNER_SUBMISSION_KEPT = timedelta(days=1)
# A filing writes its files a moment before it commits their rows: younger files may be in flight.
ORPHANED_FILE_GRACE = timedelta(hours=1)


def run(now=None):
    from captcha.models import CaptchaStore

    now = now or timezone.now()
    expired_captchas = CaptchaStore.objects.filter(expiration__lte=now)
    return {
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "captchas": expired_captchas.delete()[0],
        "online_submissions": OnlineSubmission.objects.filter(
            created_at__lt=now - ONLINE_SUBMISSION_KEPT
        ).delete()[0],
        "partner_submissions": _expired_partner_submissions(now).delete()[0],
        "orphaned_files": remove_orphaned_files(older_than=now - ORPHANED_FILE_GRACE),
    }


def _expired_partner_submissions(now):
    # By name: the casework app does not import the channels built on it.
    from django.apps import apps

    model = apps.get_model("partner_api", "PartnerSubmission")
    return model.objects.filter(created_at__lt=now - PARTNER_SUBMISSION_KEPT)
