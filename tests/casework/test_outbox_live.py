"""The outbox, supervision and escalation with a real broker, worker and beat (CI's second pass).

These run only with CELERY_LIVE=1 (PostgreSQL, Redis): the worker is a separate process that reads the
test database and writes the e-mail it sends to files, the mail log these tests read.
"""

import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext

from casework import roles
from casework.models import Case, OutboxMessage, Status, SupervisionNotice
from tests.conftest import PROJECT_ROOT
from tests.portal.appeal_pages import appeal_pages, file_appeal  # noqa: F401

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A port nothing listens on: the broker as the web process sees it while it is "down".
UNREACHABLE_BROKER = "redis://127.0.0.1:9/0"


def _celery(*args, env):
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    return subprocess.Popen([celery, "-A", "appeals", *args], cwd=PROJECT_ROOT, env=env)


def _route_to(app, queue):
    """Send this process's tasks to `queue` (the router and queue list are cached: rebuild them)."""
    app.conf.task_default_queue = queue
    for cached in ("router", "queues"):
        app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def live(transactional_db, tmp_path):
    """A real worker on the configured broker with a file mail log; `live.beat()` starts beat too."""
    if os.environ.get("CELERY_LIVE") != "1":
        pytest.skip("needs a real broker and worker (CELERY_LIVE=1)")
    from django.db import connection

    from appeals.celery import app

    db = connection.settings_dict
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.casework.live_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        LIVE_MAIL_DIR=str(mail_dir),
        LIVE_HANG_FLAG=str(tmp_path / "hang"),
        # A queue of this test's own: another test process on the same broker never takes its tasks.
        LIVE_QUEUE=f"live-outbox-{os.getpid()}-{uuid.uuid4().hex[:8]}",
    )
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    processes = []

    class Live:
        hang_flag = tmp_path / "hang"

        @staticmethod
        def mails():
            """The messages the worker sent, parsed: msg["To"], msg["Subject"], text(msg)."""
            found = []
            for path in sorted(mail_dir.iterdir()):
                for chunk in path.read_bytes().split(b"-" * 79):
                    if b"Subject:" in chunk:
                        found.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
            return found

        @staticmethod
        def beat():
            processes.append(
                _celery(
                    "beat",
                    "--loglevel=WARNING",
                    "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
                    "--max-interval=1",
                    f"--pidfile={tmp_path / 'beat.pid'}",
                    env=env,
                )
            )

    worker = _celery(
        "worker",
        "--loglevel=WARNING",
        "--concurrency=1",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        f"outbox-{os.getpid()}@{socket.gethostname()}",
        env=env,
    )
    processes.append(worker)
    default_queue = app.conf.task_default_queue
    _route_to(app, env["LIVE_QUEUE"])
    app.conf.task_always_eager = False
    deadline = time.monotonic() + 60
    hostname = f"outbox-{os.getpid()}@{socket.gethostname()}"
    while time.monotonic() < deadline and not app.control.ping(destination=[hostname], timeout=1):
        if worker.poll() is not None:
            pytest.fail("the Celery worker exited at start")
    try:
        yield Live
    finally:
        Live.hang_flag.unlink(missing_ok=True)
        app.conf.task_always_eager = True
        _route_to(app, default_queue)
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(condition, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@contextmanager
def broker_unreachable():
    """The web process's broker is down: publishing a task fails, as when Redis is stopped."""
    from appeals.celery import app

    keys = ("broker_url", "broker_write_url", "broker_read_url")
    saved = {key: app.conf[key] for key in keys}

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.update({key: UNREACHABLE_BROKER for key in keys})
    try:
        yield
    finally:
        reset_pools()
        app.conf.update(saved)


@pytest.mark.usefixtures("live", "appeal_pages")
def test_outbox_live_broker_down_while_a_citizen_submits_then_the_acknowledgement_arrives(
    live,
    client,
    caplog,
):
    from notifications.tasks import sweep_outbox

    with broker_unreachable(), caplog.at_level("WARNING", logger="appeals.tasks"):
        response = file_appeal(client)
    # The citizen's submission succeeded and the case is saved, with its acknowledgement waiting.
    assert response.status_code == 302
    case = Case.objects.get()
    assert "could not enqueue" in caplog.text
    message = OutboxMessage.objects.get(case=case)
    assert message.status == OutboxMessage.State.PENDING and message.attempts == 0
    time.sleep(2)
    assert live.mails() == []

    # The broker is back: the periodic sweep (beat sends it every five minutes) reaches the worker.
    assert sweep_outbox.delay().get(timeout=60) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.SENT and message.attempts == 1
    (sent,) = live.mails()
    assert sent["To"] == "citizen@example.org" and case.reference in sent["Subject"]
    # Nothing more to send: a second sweep delivers nothing twice.
    assert sweep_outbox.delay().get(timeout=60) == 0
    assert len(live.mails()) == 1


def test_outbox_live_worker_killed_mid_delivery_sends_exactly_one_message(live):
    from casework import workflow
    from casework.models import Channel
    from notifications.tasks import deliver_outbox, sweep_outbox

    live.hang_flag.write_text("hang")
    case, _code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="complaint",
        subject="路燈故障",
        content="巷口路燈不亮",
        citizen_email="lin@example.org",
        language="zh-hant",
    )
    message = OutboxMessage.objects.get(case=case)
    # The commit sent deliver_outbox to the worker; it claimed the row and hangs inside the send.
    sending = Path(f"{live.hang_flag}.sending")
    child = int(wait_for(lambda: sending.exists() and sending.read_text(), what="the delivery to start"))
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.SENDING and message.attempts == 1

    os.kill(child, signal.SIGKILL)
    live.hang_flag.unlink()
    # The worker's pool replaces the killed process; the task it lost is delivered again (acks late)
    # and a further request for the same message arrives: neither may send while the lease holds.
    assert deliver_outbox.delay([message.pk]).get(timeout=60) == 0
    time.sleep(2)
    assert live.mails() == []
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.SENDING

    # The lease of the dead worker runs out: the sweep sends the message, once.
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    # (The lost task, put back on the queue when its process died, may be the one that sends it.)
    sent_now = sweep_outbox.delay().get(timeout=60)
    assert sent_now in (0, 1)
    wait_for(
        lambda: OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.State.SENT).exists(),
        what="the message to be sent",
    )
    assert sweep_outbox.delay().get(timeout=60) == 0
    assert deliver_outbox.delay([message.pk]).get(timeout=60) == 0
    time.sleep(1)
    message.refresh_from_db()
    assert message.status == OutboxMessage.State.SENT and message.attempts == 2
    (sent,) = live.mails()
    assert sent["To"] == "lin@example.org" and case.reference in sent["Subject"]


def test_supervision_escalation_live_demo_case_left_overdue_gets_notices_from_beat_and_worker(
    demo_site_transactional, live
):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from appeals.celery import app
    from casework.models import OPEN_STATUSES

    # The schedule the migrations created names tasks the worker knows.
    entries = {task.name: task for task in PeriodicTask.objects.filter(enabled=True)}
    assert entries["Supervision round"].task == "casework.tasks.supervise"
    assert entries["Outbox sweep"].task == "casework.tasks.sweep_outbox"
    registered = app.control.inspect(timeout=5).registered() or {}
    names = {name.split(" ")[0] for tasks in registered.values() for name in tasks}
    assert {"casework.tasks.deliver_outbox"} | {entry.task for entry in entries.values()} <= names

    case = (
        Case.objects.filter(
            status__in=OPEN_STATUSES, department__isnull=False, handler__isnull=False, paused_at__isnull=True
        )
        .exclude(status=Status.AWAITING_INFORMATION)
        .order_by("pk")
        .first()
    )
    assert case is not None, "the demo has a case being handled"
    # Left ten days past its due date: beyond the three repeat periods of the ladder.
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - timedelta(days=10))
    # The demo may already hold a supervisor's notice on this case, mailed when it was loaded:
    # start the case's supervision afresh so only this round's messages are counted.
    SupervisionNotice.objects.filter(case=case).delete()
    OutboxMessage.objects.filter(case=case, template="supervision").delete()

    # Beat runs the stored "Supervision round" entry (every second here instead of each morning).
    every_second, _created = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name="Supervision round").update(interval=every_second, crontab=None)
    PeriodicTask.objects.exclude(name="Supervision round").update(enabled=False)
    live.beat()

    levels = wait_for(
        lambda: (
            sorted(SupervisionNotice.objects.filter(case=case).values_list("level", flat=True))
            == [1, 2, 3, 4]
        ),
        timeout=90,
        what="four supervision notices",
    )
    assert levels
    assert case.events.filter(data__supervision_level=4).count() == 1

    staff_messages = OutboxMessage.objects.filter(case=case, template="supervision")
    with translation.override(settings.LANGUAGE_CODE):
        notice_subjects = {
            gettext("Supervision notice (level %(level)s) on case %(reference)s")
            % {"level": level, "reference": case.reference}
            for level in (1, 2, 3, 4)
        }
    managers = set(
        get_user_model()
        .objects.filter(groups__name=roles.MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    assert managers and managers <= set(staff_messages.values_list("user__email", flat=True))
    wait_for(
        lambda: not staff_messages.exclude(status=OutboxMessage.State.SENT).exists(),
        what="the worker to deliver the notices",
    )

    def notices_mailed():
        return [m for m in live.mails() if case.reference in m["Subject"] and m["To"] not in citizens]

    citizens = {case.citizen_email}
    mailed = notices_mailed()
    assert len(mailed) == staff_messages.count()
    assert managers <= {m["To"] for m in mailed}
    assert {str(m["Subject"]).strip() for m in mailed} == notice_subjects

    # Beat keeps ticking: more rounds record and send nothing twice.
    count = staff_messages.count()
    time.sleep(4)
    assert SupervisionNotice.objects.filter(case=case).count() == 4
    assert staff_messages.count() == count
    assert len(notices_mailed()) == count
