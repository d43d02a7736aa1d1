"""The small-cell rules as pure functions: primary, monthly, complementary, shares."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from priemnaya.opendata.suppression import COMPLEMENTARY, PRIMARY, Cell, share, suppress_table

MIN = 5


def test_small_counts_are_withheld_and_zero_is_shown():
    table = suppress_table(
        {"a": {"n": 7}, "b": {"n": 3}, "c": {"n": 0}, "d": {"n": 9}}, ("n",), min_cell=MIN
    )
    assert table.rows["b"]["n"] == Cell(None, PRIMARY)
    assert table.rows["c"]["n"] == Cell(0)
    # One withheld cell would be total − shown: the smallest other non-zero one goes too.
    assert table.rows["a"]["n"] == Cell(None, COMPLEMENTARY)
    assert table.rows["d"]["n"] == Cell(9)
    assert table.totals["n"] == Cell(19)


def test_two_small_cells_whose_sum_is_small_take_a_third():
    table = suppress_table(
        {"a": {"n": 1}, "b": {"n": 2}, "c": {"n": 8}, "d": {"n": 20}}, ("n",), min_cell=MIN
    )
    assert [table.rows[k]["n"].suppressed for k in "abcd"] == [True, True, True, False]


def test_a_small_total_is_withheld():
    table = suppress_table({"a": {"n": 3}}, ("n",), min_cell=MIN)
    assert table.totals["n"].suppressed
    assert table.rows["a"]["n"].suppressed


def test_a_lone_withheld_cell_with_nothing_beside_it_withholds_the_total():
    table = suppress_table({"a": {"n": 3}, "b": {"n": 0}, "c": {"n": 0}}, ("n",), min_cell=5)
    # The total 3 is small itself.
    assert table.totals["n"].suppressed
    table = suppress_table(
        {"a": {"n": 6}, "b": {"n": 0}}, ("n",), min_cell=5, monthly_small={"a": ["n"]}
    )
    assert table.rows["a"]["n"].suppressed
    assert table.totals["n"] == Cell(None, COMPLEMENTARY)


def test_a_small_month_withholds_the_period_count_of_that_row():
    table = suppress_table(
        {"a": {"n": 12}, "b": {"n": 30}, "c": {"n": 40}},
        ("n",),
        min_cell=MIN,
        monthly_small={"a": ["n"]},
    )
    assert table.rows["a"]["n"] == Cell(None, PRIMARY)
    assert table.rows["b"]["n"] == Cell(None, COMPLEMENTARY)
    assert table.rows["c"]["n"] == Cell(40)


def test_shares_come_only_from_published_counts():
    assert share(Cell(3), Cell(8)) == Decimal("37.5")
    assert share(Cell(None, PRIMARY), Cell(8)) is None
    assert share(Cell(5), Cell(None, COMPLEMENTARY)) is None
    assert share(Cell(0), Cell(0)) is None
    assert share(Cell(2), Cell(3)) == Decimal("66.7")


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
def test_no_small_count_is_shown_or_recoverable_from_the_total(values):
    raw = {str(i): {"n": v} for i, v in enumerate(values)}
    table = suppress_table(raw, ("n",), min_cell=MIN)
    shown = [row["n"].value for row in table.rows.values() if not row["n"].suppressed]
    for value in shown:
        assert value == 0 or value >= MIN
    withheld = [raw[k]["n"] for k, row in table.rows.items() if row["n"].suppressed]
    if not table.totals["n"].suppressed:
        total = table.totals["n"].value
        assert total is not None
        assert total == 0 or total >= MIN
        hidden = total - sum(v for v in shown if v is not None)
        assert hidden == sum(withheld)
        # The difference never names a single withheld cell nor a small group.
        assert len(withheld) != 1
        assert hidden == 0 or hidden >= MIN
