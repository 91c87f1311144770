import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


# --- The clock -----------------------------------------------------------------------------------

# Many screens depend on the date (this month's cases, deadlines, holidays, opening hours), so CI
# also runs the date-sensitive tests at chosen moments: APPEALS_TEST_NOW=2027-01-01T00:05+08:00.
# The whole process travels there in pytest_configure, before any test module is imported, and
# every xdist worker runs that hook too. time-machine patches the clock for all
# threads, so live-server threads see the same moment; tick=True keeps it running, since timeouts,
# token expiries and "newest first" orderings need time to pass.
TEST_NOW_VARIABLE = "APPEALS_TEST_NOW"
_clock = None


def clock_from_environment():
    value = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={value!r} is not an ISO datetime: {error}") from None
    if moment.tzinfo is None:
        # A naive moment would be read in whatever zone the machine is in, not the office's.
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={value!r} needs a UTC offset, e.g. +08:00")
    return moment


def pytest_configure(config):
    global _clock
    moment = clock_from_environment()
    if moment is not None and _clock is None:
        import time_machine

        _clock = time_machine.travel(moment, tick=True)
        _clock.start()


def pytest_unconfigure(config):
    global _clock
    if _clock is not None:
        _clock.stop()
        _clock = None


def pytest_report_header(config):
    moment = clock_from_environment()
    if moment is not None:
        return f"clock: started at {moment.isoformat()} ({TEST_NOW_VARIABLE})"


def load_demo():
    forget_stale_content_types()
    call_command("load_demo", stdout=open(os.devnull, "w"))


def forget_stale_content_types():
    """Drop this process's content-type cache when it names rows the database no longer has.

    A transactional test may start on a database the previous test flushed (content types and the
    page tree gone) while this process's cache still holds the old content-type ids; building pages
    then failed with "content type instance with id 1 is not a valid choice". The cache is dropped
    only when it is stale, since dropping it unconditionally upsets serialized rollback.
    """
    from django.contrib.contenttypes.models import ContentType

    cached = ContentType.objects._cache.get(ContentType.objects.db, {}).get(("wagtailcore", "page"))
    if cached is not None and not ContentType.objects.filter(pk=cached.pk, model="page").exists():
        ContentType.objects.clear_cache()


@pytest.fixture
def demo_site(db, django_capture_on_commit_callbacks):
    """The demo content, as `make run` loads it (translations publish on commit, so run those too)."""
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()


@pytest.fixture
def admin_access(db):
    """Every role group may sign in to the Wagtail admin, and nothing more (see casework.roles for all)."""
    from django.contrib.auth.models import Group, Permission

    from casework import roles

    permission = Permission.objects.get(codename="access_admin")
    for role in roles.ALL_ROLES:
        Group.objects.get_or_create(name=role)[0].permissions.add(permission)


def run_manage(*args, env=None, timeout=120):
    """Run manage.py in a child process with a clean settings environment."""
    child_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    child_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "manage.py"), *args],
        cwd=PROJECT_ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- Browser ---------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Browser and worker tests need committed data: mark them
#   @pytest.mark.django_db(transaction=True, serialized_rollback=True)
# so the rows Wagtail's migrations create (root page, locales, permissions) survive the flush,
# and call load_demo() inside the test.


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop; Django refuses ORM calls from async contexts without this.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-TW")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def artifacts_dir():
    path = PROJECT_ROOT / "tests" / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- A real Celery worker ------------------------------------------------------------------------


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real `celery worker` process on the configured broker, reading the test database.

    Only where CI's second pass provides a broker (CELERY_LIVE=1); elsewhere the test is skipped.
    """
    if os.environ.get("CELERY_LIVE") != "1":
        pytest.skip("needs a real broker and worker (CELERY_LIVE=1)")
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "appeals.settings.test"
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "appeals",
            "worker",
            "--loglevel=WARNING",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )
    from appeals.celery import app

    app.conf.task_always_eager = False
    ping_deadline = time.monotonic() + 60
    while time.monotonic() < ping_deadline and not app.control.ping(timeout=1):
        if worker.poll() is not None:
            pytest.fail("the Celery worker exited at start")
    yield worker
    app.conf.task_always_eager = True
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.fixture
def broker_mode():
    """Tasks are sent to the broker, as in production, instead of running in-process.

    enqueue_on_commit only swallows failures of a real send; an eager task's own exception always
    propagates, so tests that simulate an unreachable broker need this.
    """
    from appeals.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture
def demo_site_transactional(transactional_db):
    """The demo content committed for real, so that other processes (a Celery worker) see it."""
    load_demo()
