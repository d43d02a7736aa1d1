"""The monthly report in the shape bodies send upward: themes × outcomes, deadlines, in work.

Rows are themes; columns are what «Информация о результатах рассмотрения обращений граждан»
forms carry: received, answered, the answers' outcomes (поддержано, не поддержано, разъяснено,
оставлено без ответа, направлено по компетенции), answered on time, deadline missed, still in
work. The numbers come from the rollups (``rows``: ``analytics.selectors.rollup_rows`` or the
same interface); the cohort is the appeals registered in the period, in their current state.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from priemnaya.answers.pdf import FAMILY, FONTS
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.states import OPEN_STATUSES
from priemnaya.catalog.models import Department, Theme
from priemnaya.core import clock
from priemnaya.core.errors import ValidationFailed

Rows = Callable[[Any, tuple[str, ...]], list[dict[str, Any]]]

# (key, heading): the report's columns after the theme.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("appeals", "Поступило"),
    ("answered", "Дан ответ"),
    ("outcome_resolved", "Поддержано"),
    ("outcome_rejected", "Не поддержано"),
    ("outcome_clarify", "Разъяснено"),
    ("outcome_no_answer", "Оставлено без ответа"),
    ("outcome_forwarded", "Направлено по компетенции"),
    ("answered_on_time", "Ответ в срок"),
    ("overdue", "Срок нарушен"),
    ("in_work", "На рассмотрении"),
)
MEASURES = tuple(k for k, _ in COLUMNS if k != "in_work")
TITLE = "Информация о результатах рассмотрения обращений граждан"
MONTHS_GENITIVE = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year} г."

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def last_full_month(today: date | None = None) -> Month:
    today = today or clock.today()
    previous = date.fromordinal(today.replace(day=1).toordinal() - 1)
    return Month(previous.year, previous.month)


def month_parse(value: str | None, *, field_name: str = "month") -> Month:
    """«ГГГГ-ММ» (what <input type=month> sends); empty → the last full month."""
    if not value:
        return last_full_month()
    try:
        year, month = (int(part) for part in value.strip().split("-"))
        result = Month(year, month)
        result.first  # noqa: B018 — raises ValueError on month 13 or year 0
    except ValueError:
        raise ValidationFailed.single(
            field_name, f"Месяц «{value}» не читается: нужен вид ГГГГ-ММ, например 2026-10."
        ) from None
    if result.first > clock.today():
        raise ValidationFailed.single(field_name, "Отчёт за будущий месяц составить нельзя.")
    if year < 2000:
        raise ValidationFailed.single(field_name, "Укажите месяц не раньше 2000 года.")
    return result


@dataclass
class ReportRow:
    theme: str
    values: dict[str, int]


@dataclass
class MonthlyReport:
    month: Month
    departments: list[str]
    rows: list[ReportRow] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=dict)
    generated_at: datetime | None = None

    @property
    def period_text(self) -> str:
        first, last = self.month.first, self.month.last
        return (
            f"с {first.day} {MONTHS_GENITIVE[first.month - 1]} по {last.day} "
            f"{MONTHS_GENITIVE[last.month - 1]} {last.year} г."
        )

    @property
    def departments_text(self) -> str:
        return ", ".join(self.departments) if self.departments else "все отделы"


def monthly_report(
    month: Month,
    *,
    department_ids: Iterable[int] | None,
    rows: Rows,
    filters_type: type,
) -> MonthlyReport:
    """Count the month's appeals by theme (rows) and outcome, deadline and state (columns).

    ``department_ids`` None means every department; ``rows`` is the rollups' ``rollup_rows``
    with its ``Filters`` class as ``filters_type``.
    """
    ids = frozenset(department_ids) if department_ids is not None else None
    filters = filters_type(date_from=month.first, date_to=month.last, department_ids=ids)
    sums: dict[int, dict[str, int]] = {}
    empty = dict.fromkeys((k for k, _ in COLUMNS), 0)
    for row in rows(filters, ("theme", "status")):
        target = sums.setdefault(row["theme"], dict(empty))
        for key in MEASURES:
            target[key] += int(row.get(key) or 0)
        in_work = int(row.get("appeals") or 0) if row["status"] in OPEN_STATUSES else 0
        target["in_work"] += in_work
    names = dict(Theme.objects.filter(pk__in=sums).values_list("pk", "name"))
    departments = (
        list(Department.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))
        if ids is not None
        else []
    )
    report = MonthlyReport(month=month, departments=departments, generated_at=clock.now())
    for theme_id, values in sums.items():
        name = names.get(theme_id, f"Тема #{theme_id}")
        report.rows.append(ReportRow(theme=name, values=values))
    report.rows.sort(key=lambda r: (-r.values["appeals"], r.theme))
    report.total = {k: sum(r.values[k] for r in report.rows) for k, _ in COLUMNS}
    return report


def report_filename(report: MonthlyReport, ext: str) -> str:
    return f"monthly-report-{report.month.code}.{ext}"


# ---- XLSX -----------------------------------------------------------------------------------


def report_xlsx(report: MonthlyReport) -> bytes:
    """The report as one worksheet: a title block, the table with its heading row and totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 — a new workbook has one sheet
    sheet.title = "Отчёт"
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"за {report.month.label} ({report.period_text})"])
    sheet.append([f"Отделы: {report.departments_text}"])
    sheet.append([])
    header = ["Тема", *(title for _, title in COLUMNS)]
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in report.rows:
        sheet.append([row.theme, *(row.values[k] for k, _ in COLUMNS)])
    sheet.append(["Итого", *(report.total[k] for k, _ in COLUMNS)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 44
    for letter in "BCDEFGHIJK":
        sheet.column_dimensions[letter].width = 14
    sheet.freeze_panes = f"B{header_row + 1}"
    generated = report.generated_at or clock.now()
    sheet.append([])
    sheet.append([f"Сформировано {format_date(generated)} — {settings.PRIEMNAYA_SERVICE_NAME}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- PDF ------------------------------------------------------------------------------------


class _ReportPdf(FPDF):
    """A4 landscape with the house font; page numbers at the bottom."""

    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(TITLE)
        self.set_author(settings.PRIEMNAYA_SERVICE_NAME)
        self.set_creator("Priemnaya")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(12, 12, 12)
        self.alias_nb_pages()
        self.add_page()

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"Страница {self.page_no()} из {{nb}}", align="R")


def report_pdf(report: MonthlyReport) -> bytes:
    """The report as a landscape A4 table; text extracts exactly (pdftotext)."""
    pdf = _ReportPdf()
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 6, settings.PRIEMNAYA_SERVICE_NAME, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, TITLE, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(
        0,
        5,
        f"за {report.month.label} ({report.period_text})\nОтделы: {report.departments_text}",
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 7.5)
    widths = (73, *(20.3,) * len(COLUMNS))
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", *("RIGHT",) * len(COLUMNS)),
        line_height=4,
        first_row_as_headings=True,
    ) as table:
        table.row(["Тема", *(title for _, title in COLUMNS)])
        for row in report.rows:
            table.row([row.theme, *(str(row.values[k]) for k, _ in COLUMNS)])
        table.row(["Итого", *(str(report.total[k]) for k, _ in COLUMNS)])
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 8)
    generated = report.generated_at or clock.now()
    pdf.cell(0, 5, f"Сформировано {format_date(generated)}")
    pdf.set_creation_date(generated)
    return bytes(pdf.output())
