"""An attacker's view of published disclosure figures: every table solved as a system of equations.

What a reader knows: the counts shown; that a table's counts add up to its total; that the type,
channel and outcome tables count the same cases (one shared total) while the satisfaction and
timeliness tables count a part of them (a total no larger); that counts are whole and never
negative; and, from the published rule, that a hidden total is below the threshold (zero included). From this the
audit works out every value each hidden count (and total) can still take, exactly: given the shared
total, each table is one equation, and its hidden counts range from 0 to the hidden sum when there
are several, or equal the hidden sum when there is one.
"""

from portal.disclosure import LINKED_TABLES


def _hidden_sum_values(table, total):
    """Each hidden key's possible values in ``table`` when its total is ``total`` (None: impossible)."""
    shown_sum = sum(value for value in table["values"].values() if value is not None)
    hidden = [key for key, value in table["values"].items() if value is None]
    rest = total - shown_sum
    if rest < 0 or (not hidden and rest != 0):
        return None
    values = {rest} if len(hidden) == 1 else set(range(rest + 1))
    return {key: values for key in hidden} | {"total": {total}}


def _total_candidates(table, k, upper):
    if table["total"] is not None:
        return [table["total"]] if table["total"] <= upper else []
    return range(0, min(k - 1, upper) + 1)


def possible_values(figures, k):
    """{(table, key or "total"): set of values it can take} for every hidden count and total."""
    tables = figures["tables"]
    linked = [tables[key] for key in LINKED_TABLES]
    shared = [t["total"] for t in linked if t["total"] is not None]
    candidates = shared[:1] or range(k)
    result = {}
    for grand in candidates:
        per_table = {key: _hidden_sum_values(tables[key], grand) for key in LINKED_TABLES}
        if any(values is None for values in per_table.values()):
            continue
        parts = {}
        for key, table in tables.items():
            if key in LINKED_TABLES:
                continue
            found = [_hidden_sum_values(table, total) for total in _total_candidates(table, k, grand)]
            found = [values for values in found if values is not None]
            if not found:
                break
            parts[key] = {name: set().union(*(values[name] for values in found)) for name in found[0]}
        else:
            per_table.update(parts)
            for key, values in per_table.items():
                for name, options in values.items():
                    hidden = (
                        tables[key]["total"] is None
                        if name == "total"
                        else tables[key]["values"][name] is None
                    )
                    if hidden:
                        result.setdefault((key, name), set()).update(options)
    return result


def narrowed(figures, k):
    """The hidden counts a reader can pin down to fewer than ``k`` values: {(table, key): values}."""
    return {place: values for place, values in possible_values(figures, k).items() if len(values) < k}
