"""Fixtures of the hotline: the default lines (migration 0002, loaded again after a flush)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from priemnaya.hotline.models import Line
from priemnaya.hotline.services import line_load_defaults

MSK = ZoneInfo("Europe/Moscow")
MAIN = "+78005553535"  # daily 08:00–22:00
TECH = "+78005554455"  # around the clock
REGIONAL = "+74951234567"  # Mon–Fri 08–20, Sat 09–18, Sun 10–16; holidays as Sunday


def msk(text: str) -> datetime:
    """An instant in Moscow time, «2026-11-25 12:00»."""
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


@pytest.fixture
def lines(catalog) -> dict[str, Line]:
    """The seeds' lines by phone, with the federal calendar (the catalog fixture) behind them."""
    line_load_defaults()
    return {line.phone: line for line in Line.objects.prefetch_related("hours")}
