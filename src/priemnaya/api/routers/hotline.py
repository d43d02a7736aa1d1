"""Hotline lines, public (issue 13): number, purpose, the week and whether a line works now."""

from __future__ import annotations

from datetime import datetime, time

from ninja import Field, Router, Schema

from priemnaya.hotline.selectors import LineCard, line_cards

router = Router(tags=["hotline"])


class LineHoursOut(Schema):
    weekday: int = Field(description="день недели ISO: 1 — понедельник … 7 — воскресенье")
    closed: bool = Field(description="в этот день линия не работает")
    opens: str | None = Field(None, description="«08:00»; null — не работает")
    closes: str | None = Field(
        None, description="«22:00»; «24:00» — до полуночи; не позже opens — следующего дня"
    )


class LineOut(Schema):
    id: int
    name: str
    purpose: str
    phone: str = Field(description="номер для набора, +7XXXXXXXXXX (ссылка tel:)")
    phone_display: str = Field(description="номер, как его пишут: «8 800 555-35-35»")
    open_now: bool
    status_text: str = Field(description="«Работает сейчас, до 22:00», «Откроется завтра в 08:00»")
    opens_at: datetime | None = Field(None, description="ближайшее открытие, если закрыта")
    closes_at: datetime | None = Field(None, description="когда закроется, если работает")
    works_on_holidays: bool = Field(
        description="в праздники — по обычному графику (иначе — по графику воскресенья)"
    )
    notes: str
    hours: list[LineHoursOut]


def _clock(value: time, *, end: bool = False) -> str:
    return "24:00" if end and value == time(0) else f"{value:%H:%M}"


def _line(card: LineCard) -> dict:
    line, status, days = card.line, card.status, card.week.days
    hours: list[dict[str, object]] = []
    for weekday in range(1, 8):
        span = days.get(weekday)
        if span is None:
            hours.append({"weekday": weekday, "closed": True, "opens": None, "closes": None})
        else:
            opens, closes = _clock(span.opens), _clock(span.closes, end=True)
            hours.append({"weekday": weekday, "closed": False, "opens": opens, "closes": closes})
    return {
        "id": line.pk,
        "name": line.name,
        "purpose": line.purpose,
        "phone": line.phone,
        "phone_display": card.phone_display,
        "open_now": status.open_now,
        "status_text": status.text,
        "opens_at": status.opens_at,
        "closes_at": status.closes_at,
        "works_on_holidays": line.works_on_holidays,
        "notes": line.notes,
        "hours": hours,
    }


@router.get("/lines", auth=None, response=list[LineOut])
def lines(request):
    """List the hotline's lines in their order, each with its week and its status now."""
    return [_line(card) for card in line_cards()]
