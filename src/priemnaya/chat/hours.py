"""When operators answer the chat: the hours of a hotline line, or the settings' daily hours.

Chat operators sit in the contact centre, so by default the chat keeps the hours of its main line
(``PRIEMNAYA_CHAT_LINE``, 8 800 555-35-35, daily 08:00–22:00) with the hotline's holiday rules;
without that line the daily ``PRIEMNAYA_CHAT_HOURS`` apply (docs/chat.md, «Часы»).
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings

from priemnaya.core import clock
from priemnaya.hotline.models import Line
from priemnaya.hotline.schedule import Hours, LineStatus, Week, status_at
from priemnaya.hotline.selectors import line_status, service_zone


def _daily(text: str) -> Week:
    """``"08:00-22:00"`` → the same hours every day (``00:00-00:00``: around the clock)."""
    opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-", 1))
    return Week(days=dict.fromkeys(range(1, 8), Hours(opens, closes)), works_on_holidays=True)


def operators_status(now: datetime | None = None) -> LineStatus:
    """Whether operators answer the chat now, and «Откроется завтра в 08:00» when they do not."""
    now = now or clock.now()
    phone = getattr(settings, "PRIEMNAYA_CHAT_LINE", "")
    line = (
        Line.objects.filter(phone=phone, is_active=True).prefetch_related("hours").first()
        if phone
        else None
    )
    if line is not None:
        return line_status(line, now)
    return status_at(
        _daily(getattr(settings, "PRIEMNAYA_CHAT_HOURS", "08:00-22:00")), now, zone=service_zone()
    )


def opens_text(status: LineStatus) -> str:
    """«Операторы откроются завтра в 08:00» from the line's «Откроется завтра в 08:00»."""
    if status.text.startswith("Откроется"):
        return "Операторы откроются" + status.text.removeprefix("Откроется")
    return "Операторы сейчас не работают"
