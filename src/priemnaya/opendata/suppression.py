"""Small-cell suppression of the open-data tables (pure functions, no database).

The rule (docs/open-data.md):

1. Primary: a count from 1 to ``min_cell - 1`` is not published (``None``, flagged). Zero is
   shown: it says nothing about any person. A count is also withheld for a whole period when the
   same row has such a small count in any single month of it, so that two overlapping periods
   (whole months, see ``summary``) cannot be subtracted to recover a small monthly count: each
   published count is then a sum of monthly counts that are each 0 or at least ``min_cell``.
2. Shares are computed only from published counts: a share whose numerator or denominator is
   withheld is withheld too.
3. Complementary: each column carries a total row, and the total minus the shown cells is the sum
   of the withheld ones. While that sum is a single withheld cell, or is itself small, the
   smallest other non-zero cell of the column is withheld too (a zero would hide nothing). If no
   cell is left to withhold, the total itself is withheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "suppressed"
# Why a cell is empty: below the threshold, or withheld to protect another cell.
PRIMARY = "small"
COMPLEMENTARY = "complementary"


def is_small(value: int, min_cell: int) -> bool:
    """True for a count that may point at a person: from 1 to min_cell - 1."""
    return 0 < value < min_cell


@dataclass
class Cell:
    """One published number: its value, or None and the reason it is withheld."""

    value: int | None
    reason: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass
class Table:
    """Rows of counts by key, with their column totals, after suppression."""

    columns: tuple[str, ...]
    min_cell: int = 5
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)
    totals: dict[str, Cell] = field(default_factory=dict)


def suppress_table(
    raw: Mapping[str, Mapping[str, int]],
    columns: Sequence[str],
    *,
    min_cell: int,
    monthly_small: Mapping[str, Iterable[str]] | None = None,
    totals: Mapping[str, int] | None = None,
) -> Table:
    """Apply the primary and complementary rules to ``raw`` (row key → column → count).

    ``monthly_small`` names, per row, the columns that had a small count in some single month of
    the period (rule 1's second sentence). ``totals`` are the column totals (default: the sums).
    """
    monthly_small = monthly_small or {}
    table = Table(columns=tuple(columns), min_cell=min_cell)
    for key, values in raw.items():
        flagged = set(monthly_small.get(key, ()))
        row: dict[str, Cell] = {}
        for column in columns:
            value = int(values.get(column, 0))
            if is_small(value, min_cell) or (value and column in flagged):
                row[column] = Cell(None, PRIMARY)
            else:
                row[column] = Cell(value)
        table.rows[key] = row
    for column in columns:
        total = (
            int(totals[column])
            if totals is not None
            else sum(int(v.get(column, 0)) for v in raw.values())
        )
        table.totals[column] = Cell(None, PRIMARY) if is_small(total, min_cell) else Cell(total)
        _complement(table, column, raw)
    return table


def _complement(table: Table, column: str, raw: Mapping[str, Mapping[str, int]]) -> None:
    """Withhold more cells of ``column`` until the withheld ones cannot be told from the total.

    The total minus the shown cells is the sum of the withheld ones: it must not be a single
    cell's value, nor a small number itself.
    """
    if table.totals[column].suppressed:
        return
    min_cell = table.min_cell

    def value(key: str) -> int:
        return int(raw[key].get(column, 0))

    while True:
        withheld = [k for k, row in table.rows.items() if row[column].suppressed]
        hidden = sum(value(k) for k in withheld)
        if not withheld or (len(withheld) > 1 and not is_small(hidden, min_cell)):
            return
        candidates = [
            (value(k), k)
            for k, row in table.rows.items()
            if not row[column].suppressed and value(k) > 0
        ]
        if not candidates:
            table.totals[column] = Cell(None, COMPLEMENTARY)
            return
        _, key = min(candidates)
        table.rows[key][column] = Cell(None, COMPLEMENTARY)


def share(numerator: Cell, denominator: Cell) -> Decimal | None:
    """A percentage with one decimal from two published counts; None if either is withheld."""
    if numerator.suppressed or denominator.suppressed or not denominator.value:
        return None
    assert numerator.value is not None  # noqa: S101 — checked just above
    percent = Decimal(numerator.value * 100) / Decimal(denominator.value)
    return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
