"""Server-drawn SVG bar charts of the open-data tables (no JavaScript, no outside library).

Each chart is an image with a title and a description; the numbers themselves are in the table
beside it, which the chart points at (aria-describedby). A withheld value is drawn as an outlined
empty bar labelled «скрыто», never as zero.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 460
BAR = 22
GAP = 8
LABEL_W = 200


def _fmt(value: float | int) -> str:
    text = f"{value:.1f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


def bar_chart(
    rows: list[dict[str, Any]],
    *,
    field: str,
    title: str,
    chart_id: str,
    table_id: str,
    maximum: float | None = None,
    suffix: str = "",
) -> SafeString:
    """Horizontal bars of ``field`` for each row (its ``name``); None values marked withheld."""
    values = [r[field] for r in rows if r[field] is not None]
    top = maximum if maximum is not None else max(values, default=0) or 1
    height = len(rows) * (BAR + GAP) + GAP
    span = WIDTH - LABEL_W - 62
    parts = [
        f'<svg class="od-chart" id="{chart_id}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-t" aria-describedby="{table_id}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
    ]
    for i, row in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        name = str(row["name"])
        short = name if len(name) <= 22 else name[:21] + "…"
        parts.append(
            f'<text x="2" y="{y + BAR * 0.7:.1f}" class="od-chart__label">{escape(short)}</text>'
        )
        value = row[field]
        if value is None and not row.get(f"{field}_suppressed", True):
            parts.append(
                f'<text x="{LABEL_W + 6}" y="{y + BAR * 0.7:.1f}" class="od-chart__value">—</text>'
            )
            continue
        if value is None:
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{span * 0.15:.1f}" height="{BAR}" '
                'class="od-chart__hidden"/>'
                f'<text x="{LABEL_W + span * 0.15 + 6:.1f}" y="{y + BAR * 0.7:.1f}" '
                'class="od-chart__value">скрыто</text>'
            )
            continue
        width = max(1.0, span * float(value) / float(top)) if value else 0
        parts.append(
            f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR}" '
            'class="od-chart__bar"/>'
            f'<text x="{LABEL_W + width + 6:.1f}" y="{y + BAR * 0.7:.1f}" '
            f'class="od-chart__value">{escape(_fmt(value))}{escape(suffix)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of text above is escaped
