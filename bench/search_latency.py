"""Staff case search latency on PostgreSQL, at a city's scale.

Brings the database named by DATABASE_URL to --cases cases (generate_cases adds what is missing),
indexes the cases that have no search entry yet, then times whole searches (matching, count, facets
and the first page, as the admin page asks for them) for a mix of queries (typed as they are, then
narrowed by filters or listed newest first), as a supervisor (every case, personal data) and as a
department handler. Prints p50 and p95 in milliseconds (goal: p95 < 200 ms
at 1M cases).

    createdb -h 127.0.0.1 -U postgres search_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench \\
        .venv/bin/python bench/search_latency.py --cases 100000 [--repeat 5]

For 1M cases use --cases 1000000 (generating and indexing take hours on two cores; both resume
where they stopped when run again).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "投诉 噪音",
    "噪音",
    "工地 夜間施工",
    "中山路",
    "大安區 路燈",
    "垃圾车",
    "低收入戶 補助",
    "建議 公車站",
    "獨居長者",
    "漏水",
    "罰單",  # no case has it
    "0912345678",
]
# Filters and the other order, as staff narrow a search: (query, filters, sort). A filter the search
# entries hold (status, dates) and one only the cases hold (category, channel, SLA state).
NARROWED = [
    ("中山路", {}, "date"),
    ("噪音", {}, "date"),
    ("漏水", {"status": "closed"}, "relevance"),
    ("路燈", {"category": "complaint"}, "relevance"),
    ("垃圾车", {"channel": "hotline"}, "date"),
    ("噪音", {"sla": "overdue"}, "relevance"),
    ("獨居長者", {"received_from": 180}, "relevance"),  # days ago
    ("中山路", {"status": "in_progress"}, "date"),
]


def searches():
    """(query, Filters, sort) of the bench's mix: each query as typed, then the narrowed ones."""
    from datetime import timedelta

    from django.utils import timezone

    from search import cases

    mix = [(query, cases.Filters(), "relevance") for query in QUERIES]
    for query, filters, sort in NARROWED:
        if "received_from" in filters:
            filters = {
                **filters,
                "received_from": timezone.localdate() - timedelta(days=filters["received_from"]),
            }
        mix.append((query, cases.Filters(**filters), sort))
    return mix


def ensure_cases(count):
    from django.core.management import call_command

    from casework.models import Case

    missing = count - Case.objects.count()
    if missing > 0:
        call_command("generate_cases", missing, seed=count)


def ensure_index():
    from django.db import connection
    from tqdm import tqdm

    from casework.models import Case
    from search import cases

    todo = Case.objects.filter(search_entry__isnull=True).count()
    with tqdm(total=todo, unit="case", desc="indexing") as bar:
        cases.index_missing(batch_size=1000, progress=bar.update)
    with connection.cursor() as cursor:
        # What autovacuum does to tables that took a million rows: statistics for the planner, and
        # the visibility map that lets counts skip rows' pages.
        cursor.execute("VACUUM (ANALYZE) case_search_casesearchentry")
        cursor.execute("VACUUM (ANALYZE) casework_case")


def timed_searches(scope, repeat):
    from search import cases

    timings = []
    for _round in range(repeat):
        for query, filters, sort in searches():
            start = time.perf_counter()
            results = cases.database_search(scope, query, filters, sort, 1, cases.PER_PAGE)
            list(results.cases)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


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
    from django.core.management import call_command

    from casework.models import Case, Department
    from search import cases

    call_command("migrate", verbosity=0)
    ensure_cases(args.cases)
    ensure_index()
    busiest = Department.objects.filter(cases__isnull=False).order_by("pk").first()
    scopes = {
        "supervisor": cases.Scope(departments=None, personal=None),
        "handler": cases.Scope(departments=frozenset({busiest.pk}), personal=frozenset({busiest.pk})),
    }
    timed_searches(scopes["supervisor"], 1)  # warm: jieba's dictionary, OpenCC, connections
    all_timings = []
    total = Case.objects.count()
    for name, scope in scopes.items():
        timings = timed_searches(scope, args.repeat)
        all_timings += timings
        print(
            f"{name}: {len(timings)} searches over {total} cases: "
            f"p50={statistics.median(timings):.0f} ms p95={percentile(timings, 0.95):.0f} ms"
        )
    print(
        f"cases={total} searches={len(all_timings)} "
        f"p50={statistics.median(all_timings):.0f}ms p95={percentile(all_timings, 0.95):.0f}ms"
    )


if __name__ == "__main__":
    main()
