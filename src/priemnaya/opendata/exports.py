"""Machine-readable open data: the summary as CSV (one long table) and its Table Schema.

The CSV and the JSON carry the same suppressed numbers as the page; the schema (Frictionless
Table Schema, https://specs.frictionlessdata.io/table-schema/) is served at
/open-data/schema.json and described in docs/open-data.md.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from priemnaya.opendata.summary import COUNTS, LABELS, SHARES

DIMENSIONS = {
    "total": "Всего за период",
    "theme": "Тема обращения",
    "region": "Субъект Российской Федерации (код ФНС)",
    "month": "Месяц регистрации (ГГГГ-ММ)",
}
SECTIONS = (("theme", "by_theme"), ("region", "by_region"), ("month", "by_month"))
VALUE_COLUMNS: tuple[str, ...] = (*COUNTS, *SHARES)
FIELDS: tuple[str, ...] = (
    "period_from",
    "period_to",
    "dimension",
    "code",
    "name",
    *(name for column in VALUE_COLUMNS for name in (column, f"{column}_suppressed")),
)


def csv_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary as flat rows: the total first, then each dimension's rows."""
    period = data["period"]
    rows = [{"dimension": "total", "code": "", "name": DIMENSIONS["total"], **data["total"]}]
    for dimension, section in SECTIONS:
        rows += [{"dimension": dimension, **row} for row in data[section]]
    out = []
    for row in rows:
        flat: dict[str, Any] = {
            "period_from": period["from"],
            "period_to": period["to"],
            "dimension": row["dimension"],
            "code": row["code"],
            "name": row["name"],
        }
        for column in VALUE_COLUMNS:
            value = row[column]
            # A withheld number is an empty field (the schema's missing value), never a zero.
            flat[column] = "" if value is None else value
            flat[f"{column}_suppressed"] = "true" if row[f"{column}_suppressed"] else "false"
        out.append(flat)
    return out


def summary_csv(data: dict[str, Any]) -> str:
    """CSV, comma-separated, UTF-8, a header row; withheld numbers empty and flagged."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_rows(data))
    return buffer.getvalue()


def _value_field(column: str) -> dict[str, Any]:
    if column in SHARES:
        num, den = SHARES[column]
        return {
            "name": column,
            "title": LABELS[column],
            "type": "number",
            "description": (
                f"{LABELS[num]} / {LABELS[den]} × 100, one decimal; empty when either count is"
                " withheld or the denominator is 0."
            ),
            "unit": "percent",
            "constraints": {"minimum": 0, "maximum": 100},
        }
    return {
        "name": column,
        "title": LABELS[column],
        "type": "integer",
        "description": "Number of appeals; empty when withheld (see the *_suppressed field).",
        "unit": "appeals",
        "constraints": {"minimum": 0},
    }


def table_schema(min_cell: int) -> dict[str, Any]:
    """The Table Schema of the CSV (and of each row of the JSON's sections)."""
    fields: list[dict[str, Any]] = [
        {"name": "period_from", "type": "date", "title": "Начало периода (первый день месяца)"},
        {"name": "period_to", "type": "date", "title": "Конец периода (последний день месяца)"},
        {
            "name": "dimension",
            "type": "string",
            "title": "Разрез",
            "constraints": {"enum": list(DIMENSIONS)},
            "description": "; ".join(f"{k}: {v}" for k, v in DIMENSIONS.items()),
        },
        {
            "name": "code",
            "type": "string",
            "title": "Код",
            "description": "Theme code, two-digit region code ('' — not given), month YYYY-MM.",
        },
        {"name": "name", "type": "string", "title": "Название"},
    ]
    for column in VALUE_COLUMNS:
        fields.append(_value_field(column))
        fields.append(
            {
                "name": f"{column}_suppressed",
                "type": "boolean",
                "title": f"{LABELS[column]}: скрыто",
                "description": (
                    f"true when the value is withheld: a count from 1 to {min_cell - 1}, a"
                    " complementary cell that would let it be recovered from the total, or a"
                    " share computed from such a count."
                ),
            }
        )
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "title": "Обращения граждан: сводка открытых данных",
        "description": (
            "Appeals registered in whole calendar months (Moscow time), in their current state;"
            f" small-cell suppression threshold {min_cell}."
        ),
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["period_from", "period_to", "dimension", "code"],
        "x-suppression": {
            "min_cell": min_cell,
            "marker": "empty value (null in JSON) and <field>_suppressed = true",
        },
    }
