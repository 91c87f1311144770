"""Small-count suppression of disclosure figures: primary and secondary."""

from hypothesis import given
from hypothesis import strategies as st

from portal.disclosure import suppress_counts, suppress_table


def test_suppress_small_counts_and_a_second_cell_in_its_row():
    values, total = suppress_counts({"a": 3, "b": 7, "c": 20}, k=5)
    # 3 is hidden; with the total shown it could be worked out, so the smallest other (7) goes too.
    assert values == {"a": None, "b": None, "c": 20}
    assert total == 30


def test_suppress_nothing_when_every_count_is_large_or_zero():
    values, total = suppress_counts({"a": 0, "b": 5, "c": 12}, k=5)
    assert values == {"a": 0, "b": 5, "c": 12}
    assert total == 17


def test_suppress_two_small_counts_need_no_secondary():
    values, total = suppress_counts({"a": 1, "b": 2, "c": 50, "d": 9}, k=5)
    assert values == {"a": None, "b": None, "c": 50, "d": 9}
    assert total == 62


def test_suppress_secondary_prefers_a_non_zero_cell():
    values, _total = suppress_counts({"a": 0, "b": 4, "c": 6, "d": 30}, k=5)
    assert values == {"a": 0, "b": None, "c": None, "d": 30}


def test_suppress_small_total_hides_everything_non_zero():
    values, total = suppress_counts({"a": 0, "b": 3, "c": 0}, k=5)
    assert total is None
    assert values["b"] is None


def test_suppress_threshold_is_configurable():
    values, _total = suppress_counts({"a": 6, "b": 20, "c": 30}, k=10)
    assert values == {"a": None, "b": None, "c": 30}


def test_suppress_table_secondary_in_rows_and_columns():
    rows = [
        [2, 10, 20],
        [8, 12, 30],
        [9, 15, 40],
    ]
    cells, row_totals, column_totals, total = suppress_table(rows, k=5)
    assert cells[0][0] is None
    # Row 0 and column 0 each need a second hidden cell.
    assert cells[0][1] is None  # smallest other in row 0
    assert cells[1][0] is None  # smallest other in column 0
    # Which then leaves row 1 and column 1 with one hidden each: they get a second one too.
    assert_no_line_with_one_hidden(cells, row_totals, column_totals, total)
    assert total == 146


def assert_no_line_with_one_hidden(cells, row_totals, column_totals, total):
    for r, row in enumerate(cells):
        assert sum(v is None for v in [*row, row_totals[r]]) != 1
    for c, column in enumerate(zip(*cells, strict=True)):
        assert sum(v is None for v in [*column, column_totals[c]]) != 1
    assert sum(v is None for v in [*row_totals, total]) != 1
    assert sum(v is None for v in [*column_totals, total]) != 1


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=3, max_size=3), min_size=1, max_size=5
    ),
    st.integers(min_value=2, max_value=10),
)
def test_suppress_table_never_shows_a_small_count_or_leaves_one_hidden_cell_alone(rows, k):
    cells, row_totals, column_totals, total = suppress_table(rows, k=k)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if 0 < value < k:
                assert cells[r][c] is None
            if cells[r][c] is not None:
                assert cells[r][c] == value
    assert_no_line_with_one_hidden(cells, row_totals, column_totals, total)
