"""A line's week and its status at an instant: «Работает сейчас, до 22:00», «Откроется в 08:00».

Pure functions, no database: the selector gives them the line's hours, the zone of the service and
a ``holiday(day)`` function read from the production calendar (docs/hotline.md, «Правила»).

- A weekday without hours is a day off for the line. Hours whose end is at or before their start
  run into the next day (08:00–00:00 until midnight, 20:00–02:00 through the night,
  00:00–00:00 around the clock); spans that touch are one span, so a line open 00:00–00:00 every
  day «работает круглосуточно», and one open 20:00–02:00 at 01:00 works «до 02:00».
- On a non-working day of the calendar (a holiday or a transferred day off) a line follows its
  Sunday hours, unless it works on holidays by its usual week (``Week.works_on_holidays``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SUNDAY = 7
# How far ahead to look for the next opening: past the longest run of days off (New Year).
HORIZON_DAYS = 21

# «в понедельник», «во вторник»: the accusative with its preposition (ISO weekday → words).
ON_WEEKDAY = {
    1: "в понедельник",
    2: "во вторник",
    3: "в среду",
    4: "в четверг",
    5: "в пятницу",
    6: "в субботу",
    7: "в воскресенье",
}
# «до 24:00 субботы»: the genitive.
OF_WEEKDAY = {
    1: "понедельника",
    2: "вторника",
    3: "среды",
    4: "четверга",
    5: "пятницы",
    6: "субботы",
    7: "воскресенья",
}
SHORT_WEEKDAY = {1: "Пн", 2: "Вт", 3: "Ср", 4: "Чт", 5: "Пт", 6: "Сб", 7: "Вс"}
OF_MONTH = {
    1: "января",
    2: "февраля",
    3: "марта",
    4: "апреля",
    5: "мая",
    6: "июня",
    7: "июля",
    8: "августа",
    9: "сентября",
    10: "октября",
    11: "ноября",
    12: "декабря",
}

TEXT_AROUND_THE_CLOCK = "Работает круглосуточно"
TEXT_NEVER = "Сейчас не работает"

Holiday = Callable[[date], str | None]


def no_holidays(day: date) -> str | None:
    return None


@dataclass(frozen=True)
class Hours:
    """One weekday's hours; ``closes`` at or before ``opens`` is on the next day."""

    opens: time
    closes: time

    @property
    def around_the_clock(self) -> bool:
        return self.opens == self.closes

    def span(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Return the instants the line opens and closes on ``day`` (local to ``zone``)."""
        start = datetime.combine(day, self.opens, tzinfo=zone)
        end_day = day if self.closes > self.opens else day + timedelta(days=1)
        return start, datetime.combine(end_day, self.closes, tzinfo=zone)

    def text(self) -> str:
        """«08:00–22:00», «круглосуточно»; midnight at the end is written 24:00."""
        if self.around_the_clock and self.opens == time(0):
            return "круглосуточно"
        closes = "24:00" if self.closes == time(0) else f"{self.closes:%H:%M}"
        return f"{self.opens:%H:%M}–{closes}"


@dataclass(frozen=True)
class Week:
    """A line's week: ISO weekday (1 = Monday) → hours; a missing weekday is a day off."""

    days: Mapping[int, Hours] = field(default_factory=dict)
    works_on_holidays: bool = False

    def on(self, day: date, holiday: str | None) -> Hours | None:
        """Return the hours of a calendar day: Sunday's on a holiday, unless the line works."""
        if holiday and not self.works_on_holidays:
            return self.days.get(SUNDAY)
        return self.days.get(day.isoweekday())


@dataclass(frozen=True)
class LineStatus:
    """Whether a line answers now and what to tell the caller."""

    open_now: bool
    text: str
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    # Today is a day off of the calendar and the line keeps Sunday hours for it: its name.
    holiday: str = ""


def _spans(
    week: Week, today: date, zone: ZoneInfo, holiday: Holiday
) -> list[tuple[datetime, datetime]]:
    """The line's working spans from yesterday (its night may run into today) to the horizon."""
    spans = []
    for offset in range(-1, HORIZON_DAYS + 1):
        day = today + timedelta(days=offset)
        hours = week.on(day, holiday(day))
        if hours is not None:
            spans.append(hours.span(day, zone))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _when(moment: datetime, today: date) -> str:
    """«сегодня», «завтра», «в понедельник» (within the week) or «12 января»."""
    days = (moment.date() - today).days
    if days == 0:
        return "сегодня"
    if days == 1:
        return "завтра"
    if days < 7:
        return ON_WEEKDAY[moment.isoweekday()]
    return f"{moment.day} {OF_MONTH[moment.month]}"


def _until(moment: datetime, now: datetime) -> str:
    """«до 22:00», «до 24:00» (midnight), «до 08:00 понедельника» when more than a day away."""
    if moment.time() == time(0):
        day, clock_text = moment.date() - timedelta(days=1), "24:00"
    else:
        day, clock_text = moment.date(), f"{moment:%H:%M}"
    if moment - now <= timedelta(days=1):
        return f"до {clock_text}"
    if (day - now.date()).days < 7:
        return f"до {clock_text} {OF_WEEKDAY[day.isoweekday()]}"
    return f"до {clock_text} {day.day} {OF_MONTH[day.month]}"


def status_at(
    week: Week, now: datetime, *, zone: ZoneInfo, holiday: Holiday = no_holidays
) -> LineStatus:
    """Return whether the line works at ``now`` and until when, or when it opens next."""
    local = now.astimezone(zone)
    today = local.date()
    today_holiday = holiday(today) or ""
    usual = week.days.get(today.isoweekday())
    changed = today_holiday and week.on(today, today_holiday) != usual
    note = today_holiday if changed else ""
    spans = _spans(week, today, zone, holiday)
    horizon = datetime.combine(today + timedelta(days=HORIZON_DAYS), time(0), tzinfo=zone)
    for start, end in spans:
        if start <= local < end:
            if end >= horizon:
                return LineStatus(True, TEXT_AROUND_THE_CLOCK, holiday=note)
            return LineStatus(
                True, f"Работает сейчас, {_until(end, local)}", closes_at=end, holiday=note
            )
        if start > local:
            return LineStatus(
                False,
                f"Откроется {_when(start, today)} в {start:%H:%M}",
                opens_at=start,
                holiday=note,
            )
    return LineStatus(False, TEXT_NEVER, holiday=note)


def week_rows(week: Week) -> list[tuple[str, str]]:
    """The week for people: runs of days with the same hours, «Пн–Пт» → «08:00–20:00».

    Every day the same → one row «Ежедневно»; a day without hours → «выходной».
    """
    texts = {d: (week.days[d].text() if d in week.days else "выходной") for d in range(1, 8)}
    if len(set(texts.values())) == 1:
        return [("Ежедневно", texts[1])]
    rows: list[tuple[str, str]] = []
    first = 1
    for day in range(1, 8):
        if day == 7 or texts[day + 1] != texts[day]:
            if first == day:
                label = SHORT_WEEKDAY[day]
            elif day == first + 1:
                label = f"{SHORT_WEEKDAY[first]}, {SHORT_WEEKDAY[day]}"
            else:
                label = f"{SHORT_WEEKDAY[first]}–{SHORT_WEEKDAY[day]}"
            rows.append((label, texts[day]))
            first = day + 1
    return rows
