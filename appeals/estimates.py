"""Figures too costly to count at a city's scale, and how they are shown: "about N".

Counting a million rows for every page view costs more than the page; the back-office lists and
the staff search count up to a limit and, past it, show an estimate instead.
"""

import json

from django.db import connection


def about(estimate):
    """An estimate to two significant figures: 12,345 → 12,000 (more would claim a precision it lacks)."""
    if estimate < 100:
        return round(estimate)
    magnitude = 10 ** (len(str(int(estimate))) - 2)
    return int(round(estimate / magnitude) * magnitude)


def planner_estimate(queryset):
    """How many rows PostgreSQL expects ``queryset`` to hold (its statistics, no row read); None on
    other databases."""
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
