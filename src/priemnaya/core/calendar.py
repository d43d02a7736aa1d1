"""A working calendar: which days are worked and for how many hours (pure, no database).

The data comes from the production calendar (catalog's calendar tables, seeded from the
``holidays`` package); this module only answers questions about it. A day of a year the calendar
has no data for is an error — never a guess from plain weekends (LEGAL.md §6 rule 23).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

# A full working day and the weekday of Saturday, as the Labour Code counts them.
STANDARD_HOURS = 8
SATURDAY = 5


class CalendarMissing(LookupError):
    """The working calendar has no data for a year a deadline needs."""

    def __init__(self, year: int, calendar: str = "") -> None:
        self.year = year
        self.calendar = calendar
        where = f" «{calendar}»" if calendar else ""
        super().__init__(
            f"В производственном календаре{where} нет данных за {year} год: "
            "загрузите его (priemnaya manage calendar_import) или внесите дни вручную."
        )


@dataclass(frozen=True)
class DayInfo:
    """How a day differs from a plain Monday–Friday week."""

    working: bool
    hours: int
    note: str = ""


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of the years it covers; days not listed follow the Monday–Friday week."""

    years: frozenset[int]
    days: Mapping[date, DayInfo] = field(default_factory=dict)
    name: str = ""

    @classmethod
    def of(
        cls, years: Iterable[int], days: Mapping[date, DayInfo] | None = None, name: str = ""
    ) -> WorkCalendar:
        return cls(years=frozenset(years), days=dict(days or {}), name=name)

    def covers(self, year: int) -> bool:
        return year in self.years

    def _check(self, day: date) -> None:
        if day.year not in self.years:
            raise CalendarMissing(day.year, self.name)

    def day(self, day: date) -> DayInfo:
        """Return what the calendar says of a day (raises CalendarMissing outside its years)."""
        self._check(day)
        info = self.days.get(day)
        if info is not None:
            return info
        if day.weekday() < SATURDAY:
            return DayInfo(working=True, hours=STANDARD_HOURS)
        return DayInfo(working=False, hours=0)

    def is_working(self, day: date) -> bool:
        return self.day(day).working

    def hours(self, day: date) -> int:
        return self.day(day).hours

    def working_days_in(self, year: int) -> int:
        """Return the number of working days of a year (247 for 2025–2027 in Russia)."""
        start = date(year, 1, 1)
        return sum(
            self.is_working(date.fromordinal(start.toordinal() + i))
            for i in range((date(year + 1, 1, 1) - start).days)
        )
