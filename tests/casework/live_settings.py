"""Settings of the Celery worker that the live outbox tests start (tests/casework/test_outbox_live.py).

The test settings, except that the worker's e-mail goes to files the test reads (its mail log), and
that sending can be made to hang while a flag file exists, so a test can kill the worker mid-delivery.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from appeals.settings.test import *  # noqa: F401,F403

EMAIL_BACKEND = "tests.casework.live_settings.HangingFileBackend"
EMAIL_FILE_PATH = os.environ.get("LIVE_MAIL_DIR", "")
# The worker and beat of one test use a queue of their own (tasks they send go there too).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("LIVE_QUEUE") or "celery"


class HangingFileBackend(FileEmailBackend):
    """Writes each message to a file; while LIVE_HANG_FLAG exists it first records its pid and hangs."""

    def send_messages(self, email_messages):
        flag = os.environ.get("LIVE_HANG_FLAG")
        if flag and Path(flag).exists():
            Path(f"{flag}.sending").write_text(str(os.getpid()))
            while Path(flag).exists():
                time.sleep(0.2)
        return super().send_messages(email_messages)
