"""Small-count suppression of disclosure figures: no hidden count can be worked back."""

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.disclosure import TABLES, suppress_counts, suppress_figures, suppress_linked
from tests.portal.disclosure_audit import narrowed, possible_values


def test_suppress_small_counts_and_a_second_cell_in_its_row():
    values, total = suppress_counts({"a": 3, "b": 7, "c": 20}, k=5)
    # 3 is hidden; with the total shown it could be worked out, so the smallest other (7) goes too.
    assert values == {"a": None, "b": None, "c": 20}
    assert total == 30


def test_suppress_nothing_when_every_count_is_large_or_zero():
    values, total = suppress_counts({"a": 0, "b": 5, "c": 12}, k=5)
    assert values == {"a": 0, "b": 5, "c": 12}
    assert total == 17


def test_suppress_two_small_counts_adding_up_below_the_threshold_take_a_third():
    values, total = suppress_counts({"a": 1, "b": 2, "c": 50, "d": 9}, k=5)
    # 1 + 2 hidden would still say "the two hidden add up to 3": the 9 is hidden with them.
    assert values == {"a": None, "b": None, "c": 50, "d": None}
    assert total == 62


def test_suppress_two_small_counts_adding_up_to_the_threshold_are_enough():
    values, _total = suppress_counts({"a": 1, "b": 4, "c": 50, "d": 9}, k=5)
    assert values == {"a": None, "b": None, "c": 50, "d": 9}


def test_suppress_secondary_prefers_a_non_zero_cell():
    values, _total = suppress_counts({"a": 0, "b": 4, "c": 6, "d": 30}, k=5)
    assert values == {"a": 0, "b": None, "c": None, "d": 30}


def test_suppress_small_total_hides_the_whole_table_zeros_too():
    values, total = suppress_counts({"a": 0, "b": 3, "c": 0}, k=5)
    assert total is None
    assert values == {"a": None, "b": None, "c": None}


def test_suppress_threshold_is_configurable():
    values, _total = suppress_counts({"a": 6, "b": 20, "c": 30}, k=10)
    assert values == {"a": None, "b": None, "c": 30}


def issue_example():
    """The issue's third quarter: 8 complaints on the web, 6 closed, 1 withdrawn, 1 open."""
    counts = {key: dict.fromkeys(labels, 0) for key, _title, labels in TABLES}
    counts["category"]["complaint"] = 8
    counts["channel"]["web"] = 8
    counts["outcome"].update(closed=6, withdrawn=1, open=1)
    return counts


def test_audit_solves_the_issues_example_as_it_used_to_be_published():
    # What the old rule published: both small counts hidden, every other count and the total shown.
    published = {
        key: {"values": dict(values), "total": 8}
        for key, values in issue_example().items()
        if key in ("category", "channel", "outcome")
    }
    published["outcome"]["values"].update(withdrawn=None, open=None)
    for key in ("satisfaction", "timeliness"):
        published[key] = {"values": dict.fromkeys(issue_example()[key], 0), "total": 0}
    found = narrowed({"tables": published}, 5)
    # 0 to 2 each: three possible values, not five.
    assert found == {("outcome", "withdrawn"): {0, 1, 2}, ("outcome", "open"): {0, 1, 2}}


def test_suppress_the_issues_example_so_it_cannot_be_worked_back():
    tables = suppress_figures(issue_example(), 5)
    outcome = tables["outcome"]["values"]
    # The 6 closed are hidden with the two single cases: the three add up to 8.
    assert outcome == {"closed": None, "rejected": 0, "duplicate": 0, "withdrawn": None, "open": None}
    assert tables["outcome"]["total"] == 8
    assert tables["category"]["values"]["complaint"] == 8
    assert narrowed({"tables": tables}, 5) == {}
    assert possible_values({"tables": tables}, 5)[("outcome", "open")] == set(range(9))


def test_suppress_linked_hides_every_table_when_their_shared_total_is_small():
    linked = suppress_linked({"type": {"a": 3, "b": 0}, "channel": {"x": 1, "y": 2}}, k=5)
    assert linked == {"type": ({"a": None, "b": None}, None), "channel": ({"x": None, "y": None}, None)}


def test_suppress_figures_hide_the_parts_when_the_shared_total_is_small():
    counts = {key: dict.fromkeys(labels, 0) for key, _title, labels in TABLES}
    counts["category"]["help"] = counts["channel"]["email"] = counts["outcome"]["open"] = 2
    tables = suppress_figures(counts, 5)
    for table in tables.values():
        assert table["total"] is None
        assert set(table["values"].values()) == {None}


@st.composite
def period_counts(draw):
    """The raw counts of a random period: cases with a type, channel, outcome, perhaps a rating and
    a reply, counted into every table as raw_counts does."""
    cases = draw(
        st.lists(
            st.tuples(
                st.integers(0, 4),
                st.integers(0, 3),
                st.integers(0, 4),
                st.integers(-1, 2),
                st.integers(-1, 1),
            ),
            max_size=60,
        )
    )
    counts = {key: dict.fromkeys(labels, 0) for key, _title, labels in TABLES}
    keys = {key: list(labels) for key, _title, labels in TABLES}
    for case in cases:
        for table, index in zip(
            ("category", "channel", "outcome", "satisfaction", "timeliness"), case, strict=True
        ):
            if index >= 0:
                counts[table][keys[table][index % len(keys[table])]] += 1
    return counts


@settings(max_examples=300, deadline=None)
@given(period_counts(), st.integers(min_value=2, max_value=10))
def test_suppress_figures_never_let_a_hidden_count_be_narrowed_below_the_threshold(counts, k):
    tables = suppress_figures(counts, k)
    for key, table in tables.items():
        for value_key, value in counts[key].items():
            shown = table["values"][value_key]
            assert shown is None or shown == value
            if 0 < value < k:
                assert shown is None
        assert table["total"] in (None, sum(counts[key].values()))
    possible = possible_values({"tables": tables}, k)
    # The true figures are among the solutions the audit finds, and none is pinned down.
    for (key, name), values in possible.items():
        truth = sum(counts[key].values()) if name == "total" else counts[key][name]
        assert truth in values
    assert narrowed({"tables": tables}, k) == {}
