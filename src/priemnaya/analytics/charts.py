"""Server-drawn SVG charts: geometry only (the template writes the markup), no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

BAR_WIDTH = 400  # the viewBox is 400 wide; each row: its label above, the bar below
ROW_HEIGHT = 40
LABEL_HEIGHT = 16
COLUMN_CHART = (600, 220)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (x, label) under a column chart
    peak: int


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(items: list[tuple[str, int]]) -> Chart:
    """Horizontal bars, one row per item, scaled to the largest value."""
    peak = max((v for _, v in items), default=0) or 1
    span = BAR_WIDTH - 60
    bars = [
        Bar(
            label=_short(label),
            value=value,
            x=0,
            y=i * ROW_HEIGHT + LABEL_HEIGHT + 2,
            width=max(1.0, span * value / peak) if value else 0.0,
            height=ROW_HEIGHT - LABEL_HEIGHT - 8,
            text_x=(span * value / peak) + 6,
            text_y=i * ROW_HEIGHT + LABEL_HEIGHT + 14,
        )
        for i, (label, value) in enumerate(items)
    ]
    return Chart(BAR_WIDTH, max(ROW_HEIGHT, len(items) * ROW_HEIGHT), bars, [], peak)


def column_chart(items: list[tuple[str, int]]) -> Chart:
    """Columns over time, with every n-th period labelled so the labels do not collide."""
    width, height = COLUMN_CHART
    plot = height - 30
    peak = max((v for _, v in items), default=0) or 1
    step = width / max(1, len(items))
    every = max(1, round(len(items) / 8))
    bars = []
    ticks = []
    for i, (label, value) in enumerate(items):
        h = plot * value / peak
        bars.append(Bar(label, value, i * step + step * 0.1, plot - h + 4, step * 0.8, h, 0.0, 0.0))
        if i % every == 0:
            ticks.append((i * step + step / 2, label))
    return Chart(width, height, bars, ticks, peak)
