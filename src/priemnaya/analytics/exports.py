"""The dashboard's numbers as rows for CSV and as an XLSX workbook."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from priemnaya.analytics.dashboard import Dashboard, duration_text, share_text

HEADER = ("Раздел", "Показатель", "Значение")


def rows_for_export(data: Dashboard) -> list[tuple[Any, ...]]:
    """One table: section, name, value (the same numbers as the page)."""
    f = data.filters
    i = data.indicators
    rows: list[tuple[Any, ...]] = [HEADER]
    rows.append(("Период", "с", f.date_from.isoformat()))
    rows.append(("Период", "по", f.date_to.isoformat()))
    rows.append(("Итого", "Обращений", data.totals["appeals"]))
    rows.append(("Итого", "Медиана до первой реакции", duration_text(i["first_response_median"])))
    rows.append(("Итого", "Среднее до первой реакции", duration_text(i["first_response_mean"])))
    rows.append(("Итого", "Медиана до ответа", duration_text(i["answer_median"])))
    rows.append(("Итого", "Среднее до ответа", duration_text(i["answer_mean"])))
    rows.append(("Итого", "Ответы в срок", share_text(i["answered_on_time_share"])))
    rows.append(("Итого", "Закрыты за 24 часа", share_text(i["closed_within_24h_share"])))
    rows.append(("Итого", "Повторные", share_text(i["repeat_rate"])))
    rows.append(
        ("Итого", "Средняя оценка", "" if i["rating_mean"] is None else round(i["rating_mean"], 2))
    )
    rows.append(("Итого", "Оценки 4–5", share_text(i["rating_high_share"])))
    rows.append(("Итого", "Оценок", data.totals["ratings"]))
    rows.append(("Итого", "Просрочено сейчас", data.overdue_now))
    for section, items in (
        ("По видам", data.by_kind),
        ("По темам", data.by_theme),
        ("По ведомствам", data.by_department),
        ("По каналам", data.by_channel),
        ("По статусам", data.by_status),
        ("По периодам", data.series),
        ("Просрочено сейчас по ведомствам", data.overdue_by_department),
    ):
        rows.extend((section, row.label, row.appeals) for row in items)
    rows.extend(("Частые слова в темах обращений", f"{stem}…", n) for stem, n in data.top_stems)
    return rows


def xlsx_bytes(data: Dashboard) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 — a new workbook has one sheet
    sheet.title = "Аналитика"
    for row in rows_for_export(data):
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 44
    sheet.column_dimensions["C"].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
