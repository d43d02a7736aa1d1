"""Reading lines for the contacts page and the API: each with its week and status now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from priemnaya.catalog.calendars import work_calendar
from priemnaya.core import clock
from priemnaya.core.calendar import WorkCalendar
from priemnaya.hotline.models import Line
from priemnaya.hotline.phones import line_phone_display
from priemnaya.hotline.schedule import (
    SUNDAY,
    Holiday,
    Hours,
    LineStatus,
    Week,
    status_at,
    week_rows,
)

HOLIDAY_SUNDAY = "в праздничные дни — по графику воскресенья"
HOLIDAY_USUAL = "в праздничные дни — по обычному графику"
HOLIDAY_CLOSED = "в праздничные дни не работает"


def service_zone() -> ZoneInfo:
    """The zone the lines' hours are written in: the service's (Moscow by default)."""
    return ZoneInfo(settings.TIME_ZONE)


def calendar_holiday(calendar: WorkCalendar) -> Holiday:
    """Return ``holiday(day)``: the name of a day off the calendar lists, else None.

    A year the calendar has no data for has no holidays here (plain weeks): the contacts page
    must not fail for it, unlike a deadline (catalog's checks warn about the missing year).
    """

    def holiday(day: date) -> str | None:
        if not calendar.covers(day.year):
            return None
        info = calendar.days.get(day)
        if info is None or info.working:
            return None
        return info.note or "нерабочий день"

    return holiday


def line_week(line: Line) -> Week:
    """Return the line's week from its hours (prefetched by ``lines_public``)."""
    return Week(
        days={h.weekday: Hours(opens=h.opens, closes=h.closes) for h in line.hours.all()},
        works_on_holidays=line.works_on_holidays,
    )


def line_calendar(line: Line) -> WorkCalendar:
    """Return the production calendar whose days off the line keeps (federal by default)."""
    return work_calendar(line.calendar.code if line.calendar_id and line.calendar else None)


def line_status(
    line: Line, now: datetime | None = None, *, calendar: WorkCalendar | None = None
) -> LineStatus:
    """Return whether the line works at ``now`` and the text for it («Откроется завтра в 08:00»)."""
    return status_at(
        line_week(line),
        now or clock.now(),
        zone=service_zone(),
        holiday=calendar_holiday(calendar or line_calendar(line)),
    )


def lines_public() -> list[Line]:
    """The active lines in their order, with their hours and calendar (2 queries)."""
    return list(
        Line.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related("hours")
        .order_by("order", "id")
    )


@dataclass(frozen=True)
class LineCard:
    """A line as the contacts page and the API show it."""

    line: Line
    status: LineStatus
    week: Week
    rows: list[tuple[str, str]]
    holidays: str

    @property
    def phone_display(self) -> str:
        return line_phone_shown(self.line)


def line_phone_shown(line: Line) -> str:
    return line.phone_display or line_phone_display(line.phone)


def holidays_text(week: Week) -> str:
    """What the line does on a holiday, in words for the page («по графику воскресенья»)."""
    sunday = week.days.get(SUNDAY)
    if week.works_on_holidays or all(week.days.get(d) == sunday for d in range(1, 8)):
        return HOLIDAY_USUAL if week.days else ""
    return HOLIDAY_SUNDAY if sunday else HOLIDAY_CLOSED


def line_cards(now: datetime | None = None) -> list[LineCard]:
    """Every active line with its status at ``now`` and its week for people."""
    moment = now or clock.now()
    cards = []
    for line in lines_public():
        week = line_week(line)
        cards.append(
            LineCard(
                line=line,
                status=line_status(line, moment),
                week=week,
                rows=week_rows(week),
                holidays=holidays_text(week),
            )
        )
    return cards
