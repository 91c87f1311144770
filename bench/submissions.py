"""Citizen-path load and fault bench: filing, tracking, a tracking flood and a reference form, on a
production-like stack (PostgreSQL, private Redis, gunicorn, a real Celery worker), then audited.

    .venv/bin/python bench/submissions.py [--clients 50] [--duration 30] [--skip-faults]

It builds a throwaway PostgreSQL database with the demo, starts its own redis-server, gunicorn and
Celery worker on free loopback ports, drives them with asyncio clients (one process, so the load
generator costs little of the cores it measures), and after each phase checks the database: no
receipt may point to a missing case, no appeal may be filed twice, every case needs its registration
event and search entry, and no uploaded file may be left without its attachment row.

Phases, each bounded in time (--duration seconds):
  filing     GET the appeal form, POST it (some with a PNG), GET the receipt: filings/s, p50/p95
  tracking   look cases up with right codes (from the receipts) and wrong ones: lookups/s, p95
  flood      wrong codes only, while a separate probe times /healthz: its p95
  reference  a one-field Django form on the same server (bench/bench_urls.py): GET+POST pairs/s
  fault      filing again while Redis is stopped for 10 s, then every app connection to PostgreSQL
             is killed once (skipped with --skip-faults)

Targets are printed beside the figures, never asserted: the exit status is 0, or 1 when the audit
finds lost or duplicated cases, or 2 when the bench itself could not run.

Connection settings for the PostgreSQL server (not the bench database, which is created and dropped)
come from BENCH_POSTGRES_URL, by default postgres://postgres@127.0.0.1:5432/test.
"""

import argparse
import asyncio
import io
import itertools
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SETTINGS = "bench.settings_bench"
APPEAL = "/zh-hant/appeal/"
TRACK = "/zh-hant/track/"
REFERENCE = "/bench/form/"
HEALTHZ = "/healthz"
REFERENCE_TABLE = "bench_reference_row"

TARGETS = {
    "filings_per_s": 100.0,
    "ratio": 0.33,
    "lookups_per_s": 200.0,
    "healthz_p95_ms": 100.0,
}
# Past gunicorn's 30 s worker timeout, so a request the server gives up on is seen as the server's
# failure (a reset connection), not as an impatient client.
REQUEST_TIMEOUT = 60
# Every loop also stops at a count, so no phase can run away even if the clock misbehaves.
MAX_ITERATIONS_PER_CLIENT = 100_000
REDIS_FAULT_SECONDS = 10
KEEP_ERRORS = 40


# --- Small helpers -------------------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def tiny_png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


INPUT_RE = re.compile(r"<input\b[^>]*>", re.I)
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def hidden_values(html, *names):
    """The value= of each named <input>, whatever the order of its attributes; None when absent."""
    found = {}
    for tag in INPUT_RE.findall(html):
        attrs = dict(ATTR_RE.findall(tag))
        if attrs.get("name") in names and attrs["name"] not in found:
            found[attrs["name"]] = attrs.get("value")
    return [found.get(name) for name in names]


REFERENCE_RE = re.compile(r'id="case-reference">([^<]+)<')
CODE_RE = re.compile(r'id="case-access-code">([^<]+)<')
TRACKED_RE = re.compile(r'id="tracked-reference">([^<]+)<')
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S | re.I)

# Each simulated citizen comes from its own address, so per-address rate limits treat them as
# distinct people. IPv6 documentation addresses (2001:db8::/32): only ever a header value, never a
# place any packet goes. Each in a /64 of its own, since the limits count a /64 as one household.
_addresses = itertools.count(1)


def next_address():
    k = next(_addresses)
    return f"2001:db8:{(k >> 16) & 0xFFFF:x}:{k & 0xFFFF:x}::1"


FORM_ERRORS_RE = re.compile(r'<div class="form-errors".*?</div>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


def form_errors(html):
    block = FORM_ERRORS_RE.search(html)
    if block is None:
        return "no error block"
    text = " ".join(TAG_RE.sub(" ", block.group(0)).split())[:160]
    if "<li>" not in block.group(0):
        # The page lists visible fields only: the refused one is hidden (submission_token, captcha key).
        text += " (no visible field listed: a hidden field was refused)"
    return text


# --- Recording -----------------------------------------------------------------------------------


@dataclass
class Receipt:
    token: str
    reference: str
    access_code: str
    attached: bool


@dataclass
class PhaseStats:
    name: str
    started: float = 0.0
    elapsed: float = 0.0
    completed: int = 0  # filings, lookups or reference pairs
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # (request label, status or exception name)
    problems: Counter = field(default_factory=Counter)  # outcomes that are not HTTP errors but wrong
    errors: list = field(default_factory=list)  # the first few unexpected 5xx and failures, in detail
    error_count: int = 0
    deliberate_503: int = 0
    events: list = field(default_factory=list)  # fault timeline
    server_causes: Counter = field(default_factory=Counter)  # exceptions behind 500s, from the log
    client_cpu: float = 0.0  # CPU seconds the load client itself used in the phase

    def rate(self):
        return self.completed / self.elapsed if self.elapsed else 0.0

    def note_error(self, label, status, detail):
        self.error_count += 1
        if len(self.errors) < KEEP_ERRORS:
            self.errors.append(f"t={time.monotonic() - self.started:6.2f}s {label} {status} {detail}")


def is_deliberate_503(status, headers, body, path):
    """A 503 the application chose to send ("try again later"), as opposed to a crash.

    Recognised by a Retry-After header (what a deliberate "try again" page sends) or, for /healthz,
    its own JSON answer that the database is unavailable.
    """
    if status != 503:
        return False
    if "Retry-After" in headers:
        return True
    return path == HEALTHZ and '"unavailable"' in body


class Client:
    """One simulated citizen's browser: its own cookie jar, its own address, timed requests."""

    def __init__(self, base, stats):
        self.base = base
        self.stats = stats
        # unsafe=True: aiohttp otherwise refuses cookies from a bare IP host such as 127.0.0.1.
        self.jar = aiohttp.CookieJar(unsafe=True)
        self.session = aiohttp.ClientSession(
            cookie_jar=self.jar,
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
            # gunicorn's sync workers close after each response; keeping no pool avoids reusing a
            # socket the server already closed.
            connector=aiohttp.TCPConnector(force_close=True, limit=0),
        )
        self.address = next_address()

    def new_citizen(self):
        self.jar.clear()
        self.address = next_address()

    async def close(self):
        await self.session.close()

    async def request(self, label, method, path, **kwargs):
        """(status, headers, body) or (exception name, {}, "") — never raises for network trouble."""
        headers = {"X-Forwarded-For": self.address, "Accept-Language": "zh-TW,zh;q=0.9"}
        headers.update(kwargs.pop("headers", {}))
        try:
            async with self.session.request(
                method, self.base + path, headers=headers, allow_redirects=False, **kwargs
            ) as response:
                body = await response.text(errors="replace")
                status, response_headers = response.status, response.headers
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            name = type(error).__name__
            self.stats.statuses[(label, name)] += 1
            self.stats.note_error(label, name, str(error)[:120])
            return name, {}, ""
        self.stats.statuses[(label, status)] += 1
        if status >= 500:
            if is_deliberate_503(status, response_headers, body, path):
                self.stats.deliberate_503 += 1
            else:
                title = TITLE_RE.search(body)
                detail = (title.group(1).strip() if title else body[:120]).replace("\n", " ")
                self.stats.note_error(label, status, f"{method} {path}: {detail}")
        return status, response_headers, body


# --- The citizen loops ---------------------------------------------------------------------------


@dataclass
class Run:
    base: str
    tag: str  # unique per bench run, inside every subject so the audit can find duplicates
    png: bytes
    receipts: list = field(default_factory=list)
    filing_serial: itertools.count = field(default_factory=lambda: itertools.count(1))
    attach_every: int = 4
    refused_page: str | None = None  # the first appeal form sent back with errors, kept for a look


def appeal_form_data(run, token, csrf, submission_token, captcha_key, attach):
    # Built anew for every POST: aiohttp consumes a FormData once.
    data = aiohttp.FormData(default_to_multipart=True)
    for name, value in [
        ("csrfmiddlewaretoken", csrf),
        ("submission_token", submission_token),
        ("category", "complaint"),
        ("subject", f"路燈故障 {token}"),
        ("content", f"住家附近的路燈已經壞了兩週，晚上行人很危險，請盡快修理。（{token}）"),
        ("name", "王小明"),
        ("phone", "0912 345 678"),
        ("email", ""),
        ("address", ""),
        ("reply_channel", "web"),
        ("consent", "on"),
        ("captcha_0", captcha_key),
        ("captcha_1", "PASSED"),
        ("website", ""),
    ]:
        data.add_field(name, value)
    if attach:
        data.add_field("attachments", run.png, filename="streetlight.png", content_type="image/png")
    return data


async def file_one(client, run):
    """One citizen files one appeal; the Receipt, or None when the citizen got no receipt."""
    stats = client.stats
    status, _h, html = await client.request("form GET", "GET", APPEAL)
    if status != 200:
        stats.problems["form page not shown"] += 1
        return None
    csrf, submission_token, captcha_key = hidden_values(
        html, "csrfmiddlewaretoken", "submission_token", "captcha_0"
    )
    if not (csrf and submission_token and captcha_key):
        stats.problems["form page without its hidden fields"] += 1
        stats.note_error("form GET", status, "csrf, submission_token or captcha_0 missing")
        return None
    serial = next(run.filing_serial)
    token = f"{run.tag}-{serial}"
    attach = serial % run.attach_every == 0
    headers = {"Referer": run.base + APPEAL}
    status, response_headers, body = await client.request(
        "appeal POST",
        "POST",
        APPEAL,
        data=appeal_form_data(run, token, csrf, submission_token, captcha_key, attach),
        headers=headers,
    )
    if not isinstance(status, int) or status >= 500:
        # What a citizen does after an error page: send the same form again (reload, "resend").
        # The submission token must make this safe, so it is also how duplicates would appear.
        stats.problems["appeal POST failed, sent again"] += 1
        await asyncio.sleep(1.0)
        status, response_headers, body = await client.request(
            "appeal POST (again)",
            "POST",
            APPEAL,
            data=appeal_form_data(run, token, csrf, submission_token, captcha_key, attach),
            headers=headers,
        )
    if status == 429:
        stats.problems["appeal refused by rate limit (429)"] += 1
        return None
    if status == 200:
        stats.problems["appeal form refused: " + form_errors(body)] += 1
        if run.refused_page is None:
            run.refused_page = body
        return None
    if status != 302:
        return None
    location = response_headers.get("Location", "")
    if not location.endswith("receipt/"):
        stats.problems[f"appeal POST redirected elsewhere ({location[:40]})"] += 1
        return None
    status, _h, html = await client.request("receipt GET", "GET", urllib.parse.urlsplit(location).path)
    if status != 200:
        stats.problems["receipt page not shown"] += 1
        return None
    reference, code = REFERENCE_RE.search(html), CODE_RE.search(html)
    if not (reference and code):
        # The POST was accepted, yet no receipt: a citizen left without reference or code.
        stats.problems["receipt page without reference and code"] += 1
        return None
    return Receipt(token, reference.group(1).strip(), code.group(1).strip(), attach)


async def filing_loop(client, run, deadline):
    for _ in range(MAX_ITERATIONS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        client.new_citizen()
        start = time.perf_counter()
        receipt = await file_one(client, run)
        if receipt is not None:
            client.stats.latencies.append(time.perf_counter() - start)
            client.stats.completed += 1
            run.receipts.append(receipt)


async def tracking_form(client):
    status, _h, html = await client.request("track GET", "GET", TRACK)
    if status != 200:
        return None
    (csrf,) = hidden_values(html, "csrfmiddlewaretoken")
    return csrf


def split_receipts(run):
    """(tracked, attacked): right codes are looked up on the first, wrong codes aimed at the second.

    Wrong codes for a reference lead to a captcha and then a pause of that reference's online lookup;
    keeping the two apart measures right-code lookups as an ordinary citizen meets them, while the
    attacked half still exercises wrong codes against real cases.
    """
    return run.receipts[0::2], run.receipts[1::2] or run.receipts


def wrong_lookup(run, attacked, rng):
    # Half against a real case with a wrong code, half against a reference that does not exist: both
    # must answer the same way and take as long.
    if attacked and rng.random() < 0.5:
        return rng.choice(attacked).reference, secrets.token_hex(6).upper(), False
    return f"{run.tag.upper()}-{rng.randrange(10**8):08d}", secrets.token_hex(6).upper(), False


ALERT_RE = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.S)


async def tracking_loop(client, run, deadline, right_share, seed):
    rng = random.Random(seed)
    stats = client.stats
    tracked, attacked = split_receipts(run)
    csrf = None
    for _ in range(MAX_ITERATIONS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        if csrf is None:
            # One page view per citizen, then lookups: the form's cost is in the filing phase.
            client.new_citizen()
            csrf = await tracking_form(client)
            if csrf is None:
                stats.problems["tracking page not shown"] += 1
                await asyncio.sleep(0.5)
                continue
        if tracked and rng.random() < right_share:
            receipt = rng.choice(tracked)
            reference, code, right = receipt.reference, receipt.access_code, True
        else:
            reference, code, right = wrong_lookup(run, attacked, rng)
        # A fresh address per lookup: measures the lookup itself, as many distinct citizens (or a
        # distributed guesser) would cause it, not the cheap 429 page one address soon gets.
        client.address = next_address()
        data = {"csrfmiddlewaretoken": csrf, "action": "lookup", "reference": reference, "access_code": code}
        start = time.perf_counter()
        status, _h, html = await client.request(
            "lookup POST", "POST", TRACK, data=data, headers={"Referer": run.base + TRACK}
        )
        (captcha_key,) = hidden_values(html or "", "captcha_0")
        if status == 200 and captcha_key:
            # The form now asks for a captcha: a citizen types it and sends the form again.
            stats.problems["lookup asked for a captcha, answered"] += 1
            data.update(captcha_0=captcha_key, captcha_1="PASSED")
            status, _h, html = await client.request(
                "lookup POST (captcha)", "POST", TRACK, data=data, headers={"Referer": run.base + TRACK}
            )
        if status == 302:
            status, _h, html = await client.request("tracked GET", "GET", TRACK)
            found = TRACKED_RE.search(html or "")
            if status == 200 and found and found.group(1).strip() == reference:
                outcome = "found"
            else:
                outcome = "redirected but case not shown"
            # The session now shows one case; the next citizen starts afresh.
            csrf = None
        elif status == 200:
            alert = ALERT_RE.search(html)
            outcome = "not found: " + (" ".join(alert.group(1).split())[:80] if alert else "no message")
        elif status == 429:
            stats.problems["lookup refused by rate limit (429)"] += 1
            continue
        elif status == 403:
            stats.problems["lookup refused by CSRF (403)"] += 1
            csrf = None
            continue
        else:
            csrf = None
            continue
        stats.latencies.append(time.perf_counter() - start)
        stats.completed += 1
        if right and outcome != "found":
            stats.problems[f"right code: {outcome}"] += 1
        elif not right and not outcome.startswith("not found"):
            stats.problems[f"wrong code: {outcome} (a case was shown for a wrong code!)"] += 1
        elif not right:
            stats.problems[f"wrong code, {outcome}"] += 1


async def reference_loop(client, deadline):
    stats = client.stats
    for n in range(MAX_ITERATIONS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        client.new_citizen()
        start = time.perf_counter()
        status, _h, html = await client.request("reference GET", "GET", REFERENCE)
        if status != 200:
            continue
        (csrf,) = hidden_values(html, "csrfmiddlewaretoken")
        status, _h, html = await client.request(
            "reference POST",
            "POST",
            REFERENCE,
            data={"csrfmiddlewaretoken": csrf or "", "text": f"參考表單 {n}"},
            headers={"Referer": client.base + REFERENCE},
        )
        if status == 200 and "saved" in html:
            stats.latencies.append(time.perf_counter() - start)
            stats.completed += 1
        elif isinstance(status, int):
            stats.problems[f"reference POST answered {status}"] += 1


async def health_probe(base, stats, deadline, interval=0.1):
    """Times /healthz one request at a time, as a load balancer would, while others load the server."""
    client = Client(base, stats)
    try:
        for _ in range(MAX_ITERATIONS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            start = time.perf_counter()
            status, _h, _body = await client.request("healthz GET", "GET", HEALTHZ)
            elapsed = time.perf_counter() - start
            stats.latencies.append(elapsed)
            stats.completed += 1
            if status != 200:
                stats.problems[f"healthz answered {status}"] += 1
            await asyncio.sleep(max(0.0, interval - elapsed))
    finally:
        await client.close()


async def run_clients(name, count, duration, make_task, base, extra=()):
    """Start `count` clients on make_task(client, deadline); returns the phase's PhaseStats."""
    stats = PhaseStats(name)
    clients = [Client(base, stats) for _ in range(count)]
    stats.started = time.monotonic()
    cpu_started = time.process_time()
    deadline = stats.started + duration
    try:
        tasks = [asyncio.ensure_future(make_task(client, deadline, i)) for i, client in enumerate(clients)]
        tasks += [asyncio.ensure_future(coroutine(deadline, stats)) for coroutine in extra]
        # Requests started before the deadline may finish after it, within their own timeout.
        done, pending = await asyncio.wait(tasks, timeout=duration + REQUEST_TIMEOUT * 2 + 5)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if pending:
            stats.problems[f"clients stopped at the phase's hard limit: {len(pending)}"] += 1
        for task in done:
            if task.exception() is not None:
                raise task.exception()
    finally:
        stats.elapsed = time.monotonic() - stats.started
        stats.client_cpu = time.process_time() - cpu_started
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
    return stats


# --- The stack: PostgreSQL database, Redis, gunicorn, Celery --------------------------------------


class Stack:
    def __init__(self, workdir, workers, worker_class):
        self.workdir = Path(workdir)
        self.workers = workers
        self.worker_class = worker_class
        self.admin_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
        self.dbname = f"bench_submissions_{os.getpid()}_{secrets.token_hex(3)}"
        self.database_created = False
        self.redis_port = free_port()
        self.http_port = free_port()
        self.redis = self.gunicorn = self.celery = None
        self.private_root = self.workdir / "private"
        self.logs = {}
        self.baseline_case_id = 0

    # Database

    def admin_connect(self):
        return psycopg.connect(self.admin_url, autocommit=True)

    @property
    def database_url(self):
        parts = urllib.parse.urlsplit(self.admin_url)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{self.dbname}"))

    def connect(self):
        return psycopg.connect(self.database_url, autocommit=True)

    def create_database(self):
        with self.admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{self.dbname}"')
        self.database_created = True

    def drop_database(self):
        if not self.database_created:
            return
        with self.admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        self.database_created = False

    def kill_app_connections(self):
        with self.admin_connect() as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.dbname],
            ).fetchall()
        return len(rows)

    # Processes

    def env(self):
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            PRIVATE_STORAGE_ROOT=str(self.private_root),
            MEDIA_ROOT=str(self.workdir / "media"),
            STATIC_ROOT=str(self.workdir / "static"),
            LOG_LEVEL="WARNING",
        )
        return env

    def log(self, name):
        if name not in self.logs:
            self.logs[name] = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
        return self.logs[name]

    def spawn(self, name, argv):
        # A session of its own, so that stopping it also stops the workers it forked.
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self.log(name),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def manage(self, *args):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self.log("manage"),
            stderr=subprocess.STDOUT,
            timeout=1800,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed; see manage.log:\n{self.tail('manage')}")
        return time.monotonic() - started

    def start_redis(self):
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise RuntimeError("redis-server is not installed")
        self.redis = self.spawn(
            "redis",
            [
                redis_server,
                "--port", str(self.redis_port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
                # DEBUG SLEEP is the "Redis hangs" fault; Redis 7 refuses it unless allowed.
                "--enable-debug-command", "local",
            ],
        )  # fmt: skip
        self.wait_redis()

    def redis_cli(self, *args, timeout=5):
        return subprocess.run(
            [shutil.which("redis-cli") or "redis-cli", "-h", "127.0.0.1", "-p", str(self.redis_port), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def wait_redis(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.redis_cli("PING", timeout=2).stdout.strip() == "PONG":
                    return
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"redis-server did not answer:\n{self.tail('redis')}")

    def stop_redis_process(self):
        if self.redis is None:
            return
        try:
            self.redis_cli("SHUTDOWN", "NOSAVE", timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.stop_process(self.redis)
        self.redis = None

    def start_gunicorn(self):
        argv = [
            str(BIN / "gunicorn"),
            "appeals.wsgi:application",
            "--bind", f"127.0.0.1:{self.http_port}",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--timeout", "30",
            "--graceful-timeout", "5",
            "--pythonpath", str(ROOT),
            # Its default control socket is one fixed path per user, shared with any other gunicorn.
            "--no-control-socket",
        ]  # fmt: skip
        if self.worker_class == "gthread":
            argv += ["--threads", "4"]
        self.gunicorn = self.spawn("gunicorn", argv)

    def start_celery(self):
        # One worker with one process: the office's smallest real deployment, and it leaves the two
        # cores to gunicorn; the outbox backlog it leaves is reported.
        self.celery = self.spawn(
            "celery",
            [
                str(BIN / "celery"), "-A", "appeals", "worker",
                "--concurrency", "1", "--loglevel", "WARNING",
                "--without-gossip", "--without-mingle", "-n", f"bench-{os.getpid()}@%h",
            ],
        )  # fmt: skip

    def wait_http(self, timeout=180):
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.tail('gunicorn')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}{HEALTHZ}", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer:\n{self.tail('gunicorn')}")

    @staticmethod
    def stop_process(process, grace=15):
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(10)

    def log_size(self, name="gunicorn"):
        path = self.workdir / f"{name}.log"
        return path.stat().st_size if path.exists() else 0

    def server_errors(self, since=0):
        """The exceptions behind the 500s Django logged since byte `since` of gunicorn.log, counted."""
        path = self.workdir / "gunicorn.log"
        if not path.exists():
            return Counter()
        with path.open("rb") as handle:
            handle.seek(since)
            lines = handle.read().decode(errors="replace").splitlines()
        causes, current = Counter(), None
        for line in lines + ["0000-00-00 end"]:
            if LOG_RECORD_RE.match(line):
                if current is not None:
                    causes[current[:160]] += 1
                current = "(no traceback)" if "Internal Server Error" in line else None
            elif current is not None and line and not line[0].isspace() and not line.startswith(CHAIN_LINES):
                # The last unindented line of a chained traceback is the exception that escaped.
                current = line.strip()
        return causes

    def tail(self, name, lines=25):
        path = self.workdir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        for process in (self.gunicorn, self.celery):
            self.stop_process(process)
        self.gunicorn = self.celery = None
        self.stop_redis_process()
        for handle in self.logs.values():
            handle.close()
        self.logs.clear()


LOG_RECORD_RE = re.compile(r"^(\d{4}-\d\d-\d\d |\[\d{4}-)")
CHAIN_LINES = ("Traceback", "During handling", "The above exception")


# --- Faults --------------------------------------------------------------------------------------


async def fault_script(stack, stats, mode, redis_at=3.0, postgres_after=4.0):
    """Redis away for REDIS_FAULT_SECONDS, back, then every app connection to PostgreSQL killed."""

    def event(text):
        stats.events.append(f"t={time.monotonic() - stats.started:6.2f}s {text}")

    await asyncio.sleep(redis_at)
    if mode == "sleep":
        event(f"Redis hangs: DEBUG SLEEP {REDIS_FAULT_SECONDS}")
        # redis-cli blocks for the whole sleep; run it off the event loop.
        await asyncio.to_thread(stack.redis_cli, "DEBUG", "SLEEP", str(REDIS_FAULT_SECONDS), timeout=30)
        event("Redis answers again")
    else:
        event("Redis stopped (SHUTDOWN NOSAVE: its keys are lost, as in a restart without persistence)")
        await asyncio.to_thread(stack.stop_redis_process)
        await asyncio.sleep(REDIS_FAULT_SECONDS)
        await asyncio.to_thread(stack.start_redis)
        event("Redis restarted")
    await asyncio.sleep(postgres_after)
    killed = await asyncio.to_thread(stack.kill_app_connections)
    event(f"PostgreSQL: {killed} app connections terminated")


# --- Audit ---------------------------------------------------------------------------------------


@dataclass
class Audit:
    receipts: int
    web_cases: int
    bench_cases: int
    lost: list
    duplicates: list
    unreceipted: int
    missing_event: int
    missing_search: int
    orphans: list
    missing_files: int
    attachments_missing: int
    reference_rows: int
    outbox: dict

    @property
    def clean(self):
        return not (
            self.lost
            or self.duplicates
            or self.missing_event
            or self.missing_search
            or self.orphans
            or self.missing_files
            or self.attachments_missing
        )


def audit(stack, run):
    with stack.connect() as conn:
        web_cases = conn.execute(
            "SELECT count(*) FROM casework_case WHERE channel = 'web' AND id > %s", [stack.baseline_case_id]
        ).fetchone()[0]
        rows = conn.execute(
            "SELECT id, reference, substring(subject from %s) FROM casework_case WHERE id > %s",
            [f"{run.tag}-[0-9]+", stack.baseline_case_id],
        ).fetchall()
        bench_rows = [r for r in rows if r[2]]
        by_token = Counter(token for _id, _ref, token in bench_rows)
        duplicates = sorted(token for token, n in by_token.items() if n > 1)
        references = {ref for _id, ref, _t in bench_rows}
        issued = {r.reference for r in run.receipts}
        lost = sorted(issued - references)
        missing_event = conn.execute(
            "SELECT count(*) FROM casework_case c WHERE c.id > %s AND NOT EXISTS "
            "(SELECT 1 FROM casework_event e WHERE e.case_id = c.id AND e.kind = 'registered')",
            [stack.baseline_case_id],
        ).fetchone()[0]
        missing_search = conn.execute(
            "SELECT count(*) FROM casework_case c WHERE c.id > %s AND NOT EXISTS "
            "(SELECT 1 FROM case_search_casesearchentry s WHERE s.case_id = c.id)",
            [stack.baseline_case_id],
        ).fetchone()[0]
        attached = {r.reference for r in run.receipts if r.attached}
        with_files = {
            ref
            for (ref,) in conn.execute(
                "SELECT DISTINCT c.reference FROM casework_attachment a JOIN casework_case c ON c.id = a.case_id "
                "WHERE c.id > %s",
                [stack.baseline_case_id],
            ).fetchall()
        }
        referenced = {name for (name,) in conn.execute("SELECT file FROM casework_attachment").fetchall()}
        reference_rows = conn.execute(f"SELECT count(*) FROM {REFERENCE_TABLE}").fetchone()[0]
        outbox = dict(
            conn.execute("SELECT status, count(*) FROM casework_outboxmessage GROUP BY status").fetchall()
        )
    on_disk = set()
    if stack.private_root.exists():
        for path in stack.private_root.rglob("*"):
            if path.is_file():
                on_disk.add(path.relative_to(stack.private_root).as_posix())
    return Audit(
        receipts=len(issued),
        web_cases=web_cases,
        bench_cases=len(bench_rows),
        lost=lost,
        duplicates=duplicates,
        unreceipted=len(references - issued),
        missing_event=missing_event,
        missing_search=missing_search,
        orphans=sorted(on_disk - referenced),
        missing_files=len(referenced - on_disk),
        attachments_missing=len(attached - with_files),
        reference_rows=reference_rows,
        outbox=outbox,
    )


def print_audit(title, result):
    mark = "ok" if result.clean else "PROBLEM"
    print(f"  audit after {title}: {mark}")
    print(
        f"    receipts issued {result.receipts} | web cases created {result.web_cases} "
        f"(bench-tagged {result.bench_cases}) | cases with no receipt shown {result.unreceipted}"
    )
    print(
        f"    lost {len(result.lost)} | duplicates {len(result.duplicates)} | missing registration event "
        f"{result.missing_event} | missing search entry {result.missing_search} | orphaned files "
        f"{len(result.orphans)} | attachment rows without file {result.missing_files} | receipts whose "
        f"attachment is missing {result.attachments_missing}"
    )
    for label, items in (
        ("lost", result.lost),
        ("duplicated", result.duplicates),
        ("orphaned", result.orphans),
    ):
        if items:
            print(f"    {label}: {', '.join(items[:10])}{' …' if len(items) > 10 else ''}")
    sys.stdout.flush()


# --- Reporting -----------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:8.0f} ms" if seconds == seconds else "     n/a"


def print_phase(stats, unit):
    lat = stats.latencies
    print(
        f"\n[{stats.name}] {stats.completed} {unit} in {stats.elapsed:.1f} s = {stats.rate():.2f}/s; "
        f"p50 {ms(percentile(lat, 0.5)).strip()}, p95 {ms(percentile(lat, 0.95)).strip()}, "
        f"max {ms(max(lat) if lat else float('nan')).strip()}"
    )
    by_status = ", ".join(
        f"{label} {status}: {n}" for (label, status), n in sorted(stats.statuses.items(), key=str)
    )
    print(f"  responses: {by_status}")
    if stats.client_cpu:
        # The client shares the cores it measures: this says how much of them it took.
        print(
            f"  load client CPU: {stats.client_cpu:.1f} s = {100 * stats.client_cpu / stats.elapsed:.0f}% of one core"
        )
    if stats.problems:
        print("  outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.problems.items())))
    if stats.deliberate_503:
        print(f"  deliberate 503 (try again): {stats.deliberate_503}")
    for line in stats.events:
        print(f"  fault {line}")
    if stats.server_causes:
        print("  500s in gunicorn.log, by exception:")
        for cause, count in stats.server_causes.most_common(8):
            print(f"    {count:5d} × {cause}")
    if stats.error_count:
        print(f"  ERRORS (5xx other than a deliberate 503, or no response): {stats.error_count}")
        for line in stats.errors:
            print(f"    {line}")
        if stats.error_count > len(stats.errors):
            print(f"    … {stats.error_count - len(stats.errors)} more")
    sys.stdout.flush()


def worker_timeouts(stack):
    path = stack.workdir / "gunicorn.log"
    if not path.exists():
        return 0
    return path.read_text(errors="replace").count("WORKER TIMEOUT")


# --- Main ----------------------------------------------------------------------------------------


async def bench(args, stack, run, results):
    base = run.base
    n = args.clients

    # Warm every worker: first requests import code and compile templates in each process.
    warm = await run_clients(
        "warm-up", min(n, 2 * args.workers), 3, lambda c, d, i: reference_loop(c, d), base
    )
    print(f"warm-up: {warm.completed} reference pairs, {warm.error_count} errors")

    idle = PhaseStats("healthz idle")
    idle.started = time.monotonic()
    await health_probe(base, idle, time.monotonic() + 2, interval=0.05)
    results["healthz_idle"] = idle

    print(f"\nphase filing: {n} clients, {args.duration} s")
    mark = stack.log_size()
    filing = await run_clients("filing", n, args.duration, lambda c, d, i: filing_loop(c, run, d), base)
    filing.server_causes = stack.server_errors(mark)
    results["filing"] = filing
    print_phase(filing, "filings")
    results["audit_filing"] = audit(stack, run)
    print_audit("filing", results["audit_filing"])

    print(f"\nphase tracking: {n} clients, {args.duration} s, half right codes")
    mark = stack.log_size()
    tracking = await run_clients(
        "tracking",
        n,
        args.duration,
        lambda c, d, i: tracking_loop(c, run, d, right_share=0.5, seed=i),
        base,
    )
    tracking.server_causes = stack.server_errors(mark)
    results["tracking"] = tracking
    print_phase(tracking, "lookups")
    print_audit("tracking", audit(stack, run))

    print(f"\nphase flood: {n} clients with wrong codes, /healthz probed every 100 ms")
    probe = PhaseStats("healthz during flood")
    mark = stack.log_size()
    flood = await run_clients(
        "flood",
        n,
        args.duration,
        lambda c, d, i: tracking_loop(c, run, d, right_share=0.0, seed=1000 + i),
        base,
        extra=[lambda deadline, _phase: health_probe(base, probe, deadline)],
    )
    probe.started, probe.elapsed = flood.started, flood.elapsed
    flood.server_causes = stack.server_errors(mark)
    results["flood"], results["healthz_flood"] = flood, probe
    print_phase(flood, "wrong lookups")
    print_phase(probe, "health probes")
    print_audit("flood", audit(stack, run))

    print(f"\nphase reference: {n} clients on {REFERENCE}, {args.duration} s")
    mark = stack.log_size()
    reference = await run_clients("reference", n, args.duration, lambda c, d, i: reference_loop(c, d), base)
    reference.server_causes = stack.server_errors(mark)
    results["reference"] = reference
    print_phase(reference, "GET+POST pairs")
    results["audit_reference"] = audit(stack, run)
    print_audit("reference", results["audit_reference"])

    if not args.skip_faults:
        duration = max(args.duration, 3 + REDIS_FAULT_SECONDS + 4 + 6)
        print(
            f"\nphase fault: {n} clients filing for {duration} s; Redis {args.redis_fault} for "
            f"{REDIS_FAULT_SECONDS} s from t=3 s, then PostgreSQL connections killed"
        )
        mark = stack.log_size()
        fault = await run_clients(
            "fault",
            n,
            duration,
            lambda c, d, i: filing_loop(c, run, d),
            base,
            extra=[lambda _deadline, phase: fault_script(stack, phase, args.redis_fault)],
        )
        fault.server_causes = stack.server_errors(mark)
        results["fault"] = fault
        print_phase(fault, "filings")
        await asyncio.sleep(2)  # lets the last server-side transactions end before counting
        results["audit_fault"] = audit(stack, run)
        print_audit("fault", results["audit_fault"])


def fmt_target(value, target, higher_is_better=True, unit="", digits=2):
    if value != value:
        return "n/a"
    met = value >= target if higher_is_better else value < target
    sign = "≥" if higher_is_better else "<"
    return f"{value:10.{digits}f}{unit}   target {sign} {target:g}{unit}   {'met' if met else 'NOT MET'}"


def summary(args, stack, results, command, setup_seconds):
    filing, tracking, reference = results.get("filing"), results.get("tracking"), results.get("reference")
    probe, idle = results.get("healthz_flood"), results.get("healthz_idle")
    ratio = filing.rate() / reference.rate() if filing and reference and reference.rate() else float("nan")
    final = results.get("audit_fault") or results.get("audit_reference") or results.get("audit_filing")
    print("\n" + "=" * 100)
    print("SUMMARY  bench/submissions.py")
    print(f"  command: {command}")
    print(
        f"  stack: gunicorn {stack.workers} × {stack.worker_class} workers, 1 Celery worker, private Redis, "
        f"PostgreSQL; {os.cpu_count()} cores; {args.clients} clients; {args.duration} s per phase; "
        f"setup (migrate + load_demo + start) {setup_seconds:.0f} s"
    )
    if filing:
        print(f"  filings/s               {fmt_target(filing.rate(), TARGETS['filings_per_s'])}")
        print(
            f"  filing GET+POST+receipt p50 {ms(percentile(filing.latencies, 0.5))}   "
            f"p95 {ms(percentile(filing.latencies, 0.95))}   ({filing.completed} filings)"
        )
    if reference:
        print(
            f"  reference pairs/s       {reference.rate():10.2f}   p95 {ms(percentile(reference.latencies, 0.95))}"
        )
        print(f"  ratio filings/reference {fmt_target(ratio, TARGETS['ratio'], digits=4)}")
    if tracking:
        print(f"  lookups/s               {fmt_target(tracking.rate(), TARGETS['lookups_per_s'])}")
        print(
            f"  lookup p50 {ms(percentile(tracking.latencies, 0.5))}   "
            f"p95 {ms(percentile(tracking.latencies, 0.95))}   ({tracking.completed} lookups)"
        )
    if probe:
        p95 = percentile(probe.latencies, 0.95) * 1000
        print(f"  /healthz p95 in flood   {fmt_target(p95, TARGETS['healthz_p95_ms'], False, ' ms')}")
        print(
            f"  /healthz idle p95 {ms(percentile(idle.latencies, 0.95)).strip()}; in flood p50 "
            f"{ms(percentile(probe.latencies, 0.5)).strip()}, max {ms(max(probe.latencies or [float('nan')])).strip()}, "
            f"{probe.completed} probes; flood {results['flood'].rate():.2f} wrong lookups/s"
        )
    errors = sum(
        s.error_count for k, s in results.items() if isinstance(s, PhaseStats) and k != "healthz_idle"
    )
    print(f"  unexpected 5xx / failed requests, all phases: {errors}")
    if "fault" in results:
        fault = results["fault"]
        statuses = Counter()
        for (_label, status), count in fault.statuses.items():
            statuses[status] += count
        print(
            f"  fault phase: {fault.completed} filings ({fault.rate():.2f}/s); responses by status "
            + ", ".join(f"{s}: {c}" for s, c in sorted(statuses.items(), key=str))
            + f"; deliberate 503: {fault.deliberate_503}; errors: {fault.error_count}"
        )
        if fault.problems:
            print("    outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(fault.problems.items())))
        for cause, count in fault.server_causes.most_common(5):
            print(f"    500 cause: {count} × {cause}")
    print(f"  gunicorn worker timeouts (killed workers): {worker_timeouts(stack)}")
    if final:
        print(
            f"  audit (end): receipts {final.receipts}, web cases created {final.web_cases}, "
            f"cases with no receipt shown {final.unreceipted}"
        )
        print(
            f"    LOST {len(final.lost)}   DUPLICATES {len(final.duplicates)}   missing registration event "
            f"{final.missing_event}   missing search entry {final.missing_search}   ORPHANED FILES "
            f"{len(final.orphans)}   (all must be 0)"
        )
        print(
            f"    attachment rows without file {final.missing_files}; receipts whose attachment is missing "
            f"{final.attachments_missing}; reference rows {final.reference_rows}; outbox "
            + ", ".join(f"{k} {v}" for k, v in sorted(final.outbox.items()))
        )
    print("=" * 100)
    return final


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent simulated citizens")
    parser.add_argument("--duration", type=float, default=30, help="seconds per phase")
    parser.add_argument("--skip-faults", action="store_true", help="no Redis outage, no killed connections")
    parser.add_argument(
        "--redis-fault",
        choices=["stop", "sleep"],
        default="stop",
        help="stop: shut Redis down and restart it (refused connections); sleep: DEBUG SLEEP (a hung Redis)",
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    # sync by default: the appeal path is CPU-bound (templates, hashing, image re-encoding) on two cores,
    # so threads would only queue on the GIL; 2 × cores processes already overlap one process's database
    # waits with another's work. gthread stays selectable to check that claim.
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    if args.clients < 1 or args.duration <= 0:
        parser.error("--clients and --duration must be positive")

    executable = sys.executable
    if Path(executable).is_relative_to(ROOT):
        executable = str(Path(executable).relative_to(ROOT))
    command = shlex.join([executable, "bench/submissions.py", *sys.argv[1:]])

    # SIGTERM ends the bench like Ctrl-C: through the finally blocks that stop everything. SIGINT is
    # set too, since a shell starts background jobs with it ignored, and asyncio would leave it so.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)

    workdir = tempfile.mkdtemp(prefix="submissions-bench-")
    stack = Stack(workdir, args.workers, args.worker_class)
    run = Run(base=f"http://127.0.0.1:{stack.http_port}", tag=f"BENCH{secrets.token_hex(3)}", png=tiny_png())
    results = {}
    status = 2
    try:
        t0 = time.monotonic()
        print(f"database {stack.dbname}, work dir {workdir}", flush=True)
        stack.create_database()
        stack.start_redis()
        print(f"migrate: {stack.manage('migrate', '--noinput'):.0f} s", flush=True)
        print(f"load_demo: {stack.manage('load_demo'):.0f} s", flush=True)
        with stack.connect() as conn:
            conn.execute(
                f"CREATE TABLE {REFERENCE_TABLE} (id bigserial PRIMARY KEY, text varchar(200) NOT NULL, "
                "created_at timestamptz NOT NULL DEFAULT now())"
            )
            stack.baseline_case_id = conn.execute(
                "SELECT coalesce(max(id), 0) FROM casework_case"
            ).fetchone()[0]
        for folder in (stack.private_root, stack.workdir / "media", stack.workdir / "static"):
            folder.mkdir(parents=True, exist_ok=True)
        stack.start_gunicorn()
        stack.start_celery()
        stack.wait_http()
        setup_seconds = time.monotonic() - t0
        print(
            f"gunicorn on {run.base}, Celery worker and Redis :{stack.redis_port} up ({setup_seconds:.0f} s)"
        )
        asyncio.run(bench(args, stack, run, results))
        if stack.celery is not None and stack.celery.poll() is not None:
            print(f"warning: the Celery worker exited:\n{stack.tail('celery')}")
        final = summary(args, stack, results, command, setup_seconds)
        status = 1 if final and (final.lost or final.duplicates) else 0
        if run.refused_page is not None:
            (stack.workdir / "refused-appeal.html").write_text(run.refused_page)
            print("the first refused appeal form is in refused-appeal.html in the work dir (see --keep)")
        if status or not final or not final.clean:
            print("\nlast lines of gunicorn.log:\n" + stack.tail("gunicorn", 15))
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        status = 2
    except Exception as error:  # noqa: BLE001 - the bench broke: say why, then clean up
        print(f"\nthe bench itself failed: {error!r}", file=sys.stderr)
        for name in ("gunicorn", "celery", "redis"):
            tail = stack.tail(name, 15)
            if tail:
                print(f"--- {name}.log ---\n{tail}", file=sys.stderr)
        status = 2
    finally:
        # Each step on its own, so one failing still lets the others clean up.
        for step in (stack.stop, stack.drop_database):
            try:
                step()
            except Exception as error:  # noqa: BLE001
                print(f"cleanup: {step.__name__} failed: {error!r}", file=sys.stderr)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
