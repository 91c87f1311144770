"""Statistics dashboard speed over many cases (goal: under 1 s at 1M cases).

Brings the database named by DATABASE_URL to --cases cases (generate_cases adds what is missing),
recomputes the daily roll-ups (rebuild_statistics; in production the Celery task refresh_statistics
keeps them current, and the dashboard asks for it when they are stale), then times the whole
dashboard page for a manager (every department) over this month and over the last twelve months,
and the statistics function alone. Prints the median of --repeat runs, in milliseconds.

A quick check on a throw-away SQLite file (about a minute for 20,000 cases on two cores):

    DATABASE_URL=sqlite:///bench.sqlite3 .venv/bin/python bench/dashboard.py --cases 20000 --repeat 3

The 1M-case measurement, on PostgreSQL:

    createdb -h 127.0.0.1 -U postgres dashboard_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dashboard_bench \\
        .venv/bin/python bench/dashboard.py --cases 1000000 --repeat 5

Generating 1M cases takes hours on two cores and resumes where it stopped when run again (the
count already in the database is kept); rebuild_statistics then reads each week's cases once. Once
the roll-ups are current, time again without recomputing:

    DATABASE_URL=... .venv/bin/python bench/dashboard.py --cases 1000000 --skip-rebuild

The dashboard reads only roll-up rows, whose number grows with days × departments × categories ×
channels × statuses × handling days, not with cases; both timings should stay well under 1000 ms.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(function, repeat):
    times = []
    for _i in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-rebuild", action="store_true", help="the roll-ups are current already")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appeals.settings.dev")
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from casework import roles
    from casework.models import Case
    from reporting import statistics as case_statistics

    setup_test_environment()  # the test client's ALLOWED_HOSTS
    call_command("migrate", verbosity=0)
    missing = args.cases - Case.objects.count()
    if missing > 0:
        print(f"Generating {missing} cases…", flush=True)
        call_command("generate_cases", missing, seed=args.cases)
    if not args.skip_rebuild:
        print("Recomputing the daily roll-ups…", flush=True)
        started = time.perf_counter()
        call_command("rebuild_statistics")
        print(f"  rebuild_statistics: {time.perf_counter() - started:.1f} s")

    User = get_user_model()
    manager, _created = User.objects.get_or_create(username="bench-manager", defaults={"is_staff": True})
    roles.ensure_role_groups()
    manager.groups.add(*roles.ensure_role_groups().values())
    client = Client()
    client.force_login(manager)

    today = timezone.localdate()
    periods = {
        "this month": (today.replace(day=1), today),
        "last 12 months": (today - timedelta(days=364), today),
    }
    print(f"Cases: {Case.objects.count()}")
    for name, (start, end) in periods.items():
        query = {"start": start.isoformat(), "end": end.isoformat()}

        def page(query=query):
            response = client.get("/admin/statistics/", query)
            assert response.status_code == 200, response.status_code

        def figures(start=start, end=end):
            case_statistics.dashboard_figures(start, end)

        print(
            f"{name:>15}: page {timed(page, args.repeat) * 1000:7.1f} ms, figures {timed(figures, args.repeat) * 1000:7.1f} ms"
        )


if __name__ == "__main__":
    main()
