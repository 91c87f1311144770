import inspect
import os
import re
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


# Building the demo takes seconds (three languages of pages and their translations, ~200 cases) and
# some forty tests ask for it, each in a transaction that is rolled back. So each process builds it
# once, in a transaction of its own that is rolled back too (tests that do not ask for the demo never
# see it), keeps what the build changed, table by table, and writes that back into every test that
# asks, in one statement per row (executemany). Django's serializers would do the same job but save
# row by row through the ORM, a few queries for each of ~6,000 rows, which costs most of a build
# again; pytest-django's django_db_setup would show the demo to every test, and many count rows
# from an empty database.
class DemoRows:
    """What building the demo changed: rows deleted, changed and added per table, and the cache keys
    it wrote (the page-cache generation, Wagtail's site root paths), which must not outlive it."""

    def __init__(self):
        self.baseline = {}  # table -> row count before the build: the database it applies to
        self.touched = {}  # model -> {pk: row} before the build, of the rows it deleted or changed
        self.changes = []  # (model, deleted pks, changed rows, added rows), rows ready for the database
        self.final = {}  # model -> every row after the build: the whole database a browser test needs
        self.cache_keys = set()

    @staticmethod
    def tables():
        from django.apps import apps
        from django.db import connection

        existing = set(connection.introspection.table_names()) - DemoRows.fed_by_triggers()
        models = {}
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.proxy and model._meta.db_table in existing:
                models.setdefault(model._meta.db_table, model)
        return list(models.values())

    @staticmethod
    def fed_by_triggers():
        """Tables that triggers keep in step with others (Wagtail's full-text table on SQLite): writing
        their rows as well would write them twice."""
        from django.db import connection

        if connection.vendor != "sqlite":
            return set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
            bodies = " ".join(sql for (sql,) in cursor.fetchall())
        return set(re.findall(r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', bodies, re.IGNORECASE))

    @staticmethod
    def rows(model):
        """The table's rows as the database driver reads them: no field converts them on the way out
        or back in, so they are written back exactly (encrypted fields would otherwise be encrypted
        again with a new nonce)."""
        from django.db import connection

        quote = connection.ops.quote_name
        # Local fields only: a page subclass's table holds its own columns and the pointer to its page.
        fields = model._meta.local_concrete_fields
        pk_index = fields.index(model._meta.pk)
        # SQLite converts a column by its declared type (a time comes back as one it cannot take in
        # again); `+column` is the same value with no declared type.
        plus = "+" if connection.vendor == "sqlite" else ""
        with connection.cursor() as cursor:
            columns = ", ".join(plus + quote(field.column) for field in fields)
            cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)}")
            return {row[pk_index]: list(row) for row in cursor.fetchall()}

    @staticmethod
    def counts(models):
        from django.db import connection

        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            selects = ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in models)
            cursor.execute(f"SELECT {selects}")
            return dict(zip((model._meta.db_table for model in models), cursor.fetchone(), strict=True))

    def build(self):
        """Load the demo as demo_site always did and record its effects; the caller rolls it back."""
        from django.core.cache import cache
        from django.test import TestCase

        models = self.tables()
        self.baseline = self.counts(models)
        before = {model: self.rows(model) for model in models}
        with pytest.MonkeyPatch.context() as patch:
            for name in (
                "set",
                "add",
                "delete",
                "get_or_set",
                "incr",
                "decr",
                "touch",
                "set_many",
                "delete_many",
            ):
                patch.setattr(cache, name, self._recording(name, getattr(cache, name)))
            # Translations publish on commit: run those callbacks, as demo_site always did.
            with TestCase.captureOnCommitCallbacks(execute=True):
                load_demo()
        for model in models:
            old, new = before[model], self.rows(model)
            self.final[model] = list(new.values())
            deleted = [pk for pk in old if pk not in new]
            changed = [row for pk, row in new.items() if pk in old and old[pk] != row]
            added = [row for pk, row in new.items() if pk not in old]
            if deleted or changed or added:
                self.changes.append((model, [[pk] for pk in deleted], changed, added))
            if deleted or changed:
                pk_index = model._meta.local_concrete_fields.index(model._meta.pk)
                self.touched[model] = {pk: old[pk] for pk in deleted} | {
                    row[pk_index]: old[row[pk_index]] for row in changed
                }

    def _recording(self, name, method):
        signature = inspect.signature(method)

        def record(key, *args, **kwargs):
            # Wagtail keeps its site root paths under a version of their own.
            version = signature.bind(key, *args, **kwargs).arguments.get("version")
            keys = key if name in ("set_many", "delete_many") else [key]
            self.cache_keys.update((each, version) for each in keys)
            return method(key, *args, **kwargs)

        return record

    def applies(self):
        """Whether the database is the one the demo was built on (a transactional test before this
        one, in this process, may have flushed it)."""
        if self.counts(self.tables()) != self.baseline:
            return False
        # Equal counts are not enough: a flushed and restored database can hold as many rows under
        # other ids (rows reinstalled after the flush). The rows the build deletes or changes must
        # be exactly the ones it saw, and no row it adds may exist yet.
        for model, before in self.touched.items():
            current = self.rows(model)
            if any(current.get(pk) != row for pk, row in before.items()):
                return False
        for model, _deleted, _changed, added in self.changes:
            if added:
                pk_index = model._meta.local_concrete_fields.index(model._meta.pk)
                if set(self.rows(model)) & {row[pk_index] for row in added}:
                    return False
        return True

    def forget_cached(self):
        from django.contrib.contenttypes.models import ContentType
        from django.core.cache import cache
        from wagtail.models import Site

        for key, version in self.cache_keys:
            cache.delete(key, version=version)
        # Rows written with SQL send no signal: whatever an earlier test cached about sites and pages
        # (in a cache shared between tests, such as Redis) describes another database.
        Site.clear_site_root_paths_cache()
        from portal.cache import purge

        purge()
        if any(model is ContentType for model, *_ in self.changes):
            ContentType.objects.clear_cache()

    def restore(self):
        """Make every table hold exactly what it held after the build, whatever a transactional test
        before this one left (a flushed database, rows post_migrate put back under other ids)."""
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.color import no_style
        from django.db import connection, transaction

        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for model, rows in self.final.items():
                table = quote(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")
                if rows:
                    columns = [quote(field.column) for field in model._meta.local_concrete_fields]
                    placeholders = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
                    )
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.final)):
                cursor.execute(statement)
        self.forget_cached()
        ContentType.objects.clear_cache()

    def write(self):
        from django.core.management.color import no_style
        from django.db import connection, transaction

        quote = connection.ops.quote_name
        # In one transaction: foreign keys are checked at its end, whatever order the tables come in
        # (a transactional test writes in autocommit otherwise).
        with transaction.atomic(), connection.cursor() as cursor:
            for model, deleted, changed, added in self.changes:
                table, pk = quote(model._meta.db_table), model._meta.pk
                fields = model._meta.local_concrete_fields
                columns = [quote(field.column) for field in fields]
                if deleted:
                    cursor.executemany(f"DELETE FROM {table} WHERE {quote(pk.column)} = %s", deleted)
                if changed:
                    pk_index = fields.index(pk)
                    assignments = ", ".join(f"{column} = %s" for column in columns)
                    cursor.executemany(
                        f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s",
                        [row + [row[pk_index]] for row in changed],
                    )
                if added:
                    placeholders = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", added
                    )
            # Rows written with their own ids leave PostgreSQL's id sequences behind them. (The yearly
            # reference sequences went with the build's rollback; a filing creates them again, after
            # the highest demo reference.)
            models = [model for model, _deleted, _changed, added in self.changes if added]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        self.forget_cached()


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    """The demo, built once per process (session fixtures are set up before the test's transaction)."""
    from django.db import transaction

    rows = DemoRows()
    with django_db_blocker.unblock():
        with transaction.atomic():
            rows.build()
            transaction.set_rollback(True)
        rows.forget_cached()
    return rows


@pytest.fixture
def demo_site(demo_rows, db, django_capture_on_commit_callbacks):
    """The demo content, as `make run` loads it (translations publish on commit, so run those too)."""
    if demo_rows.applies():
        demo_rows.write()
    else:
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
# and ask for demo_site_transactional.


@pytest.fixture(scope="session", autouse=True)
def live_server_serves_one_request_at_a_time():
    # On SQLite the live server shares the test's one in-memory connection: with a thread per
    # request, a page and its scripts loaded at once interleave their statements and savepoints
    # ("no such savepoint"), and the broken transaction fails every later test of the worker. The
    # server still accepts connections in threads (Chromium opens some it sends nothing on, which
    # would stall a server with one thread), but runs the application for one request at a time.
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            lock = threading.Lock()

            def serialised(environ, start_response):
                with lock:
                    response = application(environ, start_response)
                    try:
                        body = list(response)
                    finally:
                        # What a WSGI server does after sending: Django's request_finished.
                        if hasattr(response, "close"):
                            response.close()
                return body

            super().set_app(serialised)

    LiveServerThread.server_class = OneRequestAtATime


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
def demo_site_transactional(transactional_db, request):
    """The demo content committed for real, so that other processes (a browser through the live
    server, a Celery worker) see it: the rows of the process's demo build, written again.

    The build is asked for here, once the test's database is set up, not as an argument: a session
    fixture in the arguments is set up before the test's database, which a transactional test
    before this one left flushed and waiting for its serialized rows."""
    request.getfixturevalue("demo_rows").restore()
