"""Back-office inboxes and lists at a city's scale: p50/p95 per page and role.

Brings the database named by DATABASE_URL to --cases cases (generate_cases adds what is missing and
indexes them for staff search), then requests each list through Django's test client with the real
views and templates, signed in as each role: my tasks, my department, unassigned, overdue, due
soon, all cases, the ledger and the case search page. Prints p50 and p95 in milliseconds per page
and role, and over everything (goal: p95 < 300 ms at 1M cases).

    createdb -h 127.0.0.1 -U postgres inbox_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inbox_bench \\
        .venv/bin/python bench/inbox_latency.py --cases 100000 [--repeat 5]

Generating 1M cases takes hours on two cores; it resumes where it stopped when run again.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {
    "my tasks": "/admin/cases/?inbox=mine",
    "my department": "/admin/cases/?inbox=department",
    "unassigned": "/admin/cases/?inbox=unassigned",
    "overdue": "/admin/cases/?inbox=overdue",
    "due soon": "/admin/cases/?inbox=all&sla=due_soon",
    "all cases": "/admin/cases/?inbox=all",
    "ledger": "/admin/ledger/",
    "case search": "/admin/case-search/?q=噪音",
}
ROLES = ("intake", "supervisor", "manager", "handler", "reviewer")

from bench.search_latency import ensure_cases, ensure_index, percentile  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appeals.settings.dev")
    # As it runs in production: no debug bookkeeping (every query kept in memory, debug pages).
    os.environ.setdefault("DEBUG", "0")
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django

    django.setup()
    # Each sign-in of the test client is logged by django-axes: not what this bench prints.
    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from casework.models import Case
    from demo.cases import load_staff

    call_command("migrate", verbosity=0)
    load_staff()
    ensure_cases(args.cases)
    ensure_index()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Case.objects.count()
    users = {role: get_user_model().objects.get(username=role) for role in ROLES}
    everything = []
    print(f"{total} cases; {args.repeat} requests per page and role (after one to warm up)")
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for page, url in PAGES.items():
            response = client.get(url)
            if response.status_code != 200:
                print(f"  {role:<10} {page:<14} HTTP {response.status_code}")
                continue
            timings = []
            for _round in range(args.repeat):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            everything += timings
            print(
                f"  {role:<10} {page:<14} p50={statistics.median(timings):6.0f} ms "
                f"p95={percentile(timings, 0.95):6.0f} ms"
            )
    print(
        f"cases={total} requests={len(everything)} "
        f"p50={statistics.median(everything):.0f}ms p95={percentile(everything, 0.95):.0f}ms"
    )


if __name__ == "__main__":
    main()
