"""The query plans behind the staff case search, as PostgreSQL runs them: the reason for each index.

Runs each shape of search (a frequent term, a rare one, a phone number, a handler's department,
a filter, both orders) through search.cases as the latency bench does, captures every SQL statement
it sends, and writes `EXPLAIN (ANALYZE, BUFFERS)` of each into bench/plans/search.txt, slowest
statements first within each shape. Use the database the latency bench built:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench \\
        .venv/bin/python bench/explain_search.py
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUTPUT = ROOT / "bench" / "plans" / "search.txt"


def shapes():
    from casework.models import Department
    from search import cases

    busiest = Department.objects.filter(cases__isnull=False).order_by("pk").first()
    supervisor = cases.Scope(departments=None, personal=None)
    handler = cases.Scope(departments=frozenset({busiest.pk}), personal=frozenset({busiest.pk}))
    everything = cases.Filters()
    return [
        ("frequent term, best match, supervisor", supervisor, "中山路", everything, "relevance"),
        ("frequent term, newest first, supervisor", supervisor, "中山路", everything, "date"),
        ("frequent term, best match, handler", handler, "噪音", everything, "relevance"),
        ("two terms, best match, supervisor", supervisor, "大安區 路燈", everything, "relevance"),
        (
            "frequent term and a status filter",
            supervisor,
            "漏水",
            cases.Filters(status="closed"),
            "relevance",
        ),
        (
            "frequent term and a channel filter, handler",
            handler,
            "垃圾车",
            cases.Filters(channel="hotline"),
            "date",
        ),
        ("frequent term, overdue only", supervisor, "噪音", cases.Filters(sla="overdue"), "relevance"),
        ("rare term (no case has it)", supervisor, "罰單", everything, "relevance"),
        ("phone number (personal data)", supervisor, "0912345678", everything, "relevance"),
    ]


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appeals.settings.dev")
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.models import Case
    from search import cases

    total = Case.objects.count()
    out = [
        f"EXPLAIN (ANALYZE, BUFFERS) of each statement of a staff case search, over {total} cases.",
        "Written by bench/explain_search.py; see the README (Search) for what each index is for.",
        "",
    ]
    for name, scope, query, filters, sort in shapes():
        cases.database_search(scope, query, filters, sort, 1, cases.PER_PAGE)  # warm
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            results = cases.database_search(scope, query, filters, sort, 1, cases.PER_PAGE)
            list(results.cases)
            elapsed = (time.perf_counter() - start) * 1000
        about = "about " if results.estimated else ""
        out += [
            "=" * 100,
            f"{name}: {query!r}, {about}{results.total} found, {elapsed:.0f} ms in all",
            "=" * 100,
        ]
        # The plans are read with the search's own session settings (cases.SEARCH_SESSION); its
        # settings statements and the planner's estimates (EXPLAIN) are not plans to show.
        statements = sorted(
            (
                q
                for q in captured.captured_queries
                if q["sql"].startswith("SELECT") and "set_config" not in q["sql"]
            ),
            key=lambda q: -float(q["time"]),
        )
        with cases._search_session():
            for statement in statements:
                out += ["", f"-- {float(statement['time']) * 1000:.1f} ms", statement["sql"], ""]
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement["sql"])
                    out += [row[0] for row in cursor.fetchall()]
        out.append("")
        print(f"{name}: {elapsed:.0f} ms, {len(statements)} statements")
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"written: {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
