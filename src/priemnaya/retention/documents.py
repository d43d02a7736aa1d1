"""The destruction act as a file: PDF (the house layout, Cyrillic font) and CSV (UTF-8 BOM)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from priemnaya.answers.pdf import HousePdf
from priemnaya.appeals.presenters import format_date
from priemnaya.core.numbering import format_number
from priemnaya.retention.models import DestructionAct

CSV_COLUMNS = [
    "number",
    "kind",
    "theme",
    "registered",
    "closed",
    "retention_years",
    "basis",
]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else "—"


def act_csv(act: DestructionAct) -> bytes:
    """Return the act's rows (no personal data: numbers, kinds, themes, dates) as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in act.items.order_by("number"):
        writer.writerow(
            [
                format_number(item.number),
                item.kind,
                item.theme,
                format_date(item.registered_at),
                format_date(item.closed_at),
                item.retention_years,
                item.basis,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def act_pdf(act: DestructionAct) -> bytes:
    """Return the act as a PDF: header, the audit reference, the list, the sign-off."""
    pdf = HousePdf(title=f"Акт № {act.number} об уничтожении персональных данных")
    pdf.heading(f"Акт № {act.number} об уничтожении (обезличивании) персональных данных")
    pdf.paragraph(
        "Персональные данные заявителей в перечисленных обращениях обезличены по истечении "
        "срока хранения (152-ФЗ ст. 21 ч. 7); записи обращений сохранены для статистики."
    )
    pdf.field("Составлен", _when(act.finished_at))
    pdf.field("Обезличено обращений", str(act.count))
    pdf.field(
        "Обращения закрыты в период",
        f"{format_date(act.closed_from)} — {format_date(act.closed_to)}",
    )
    pdf.field("Записи журнала аудита", f"№ {act.audit_from} — № {act.audit_to}")
    pdf.field("Хеш головы цепочки аудита", act.audit_head_hash or "—")
    pdf.heading("Перечень обращений", size=12)
    for item in act.items.order_by("number"):
        pdf.paragraph(
            f"№ {format_number(item.number)} · {item.kind} · {item.theme} · "
            f"зарегистрировано {format_date(item.registered_at)} · закрыто "
            f"{format_date(item.closed_at)} · срок хранения {item.retention_years} лет "
            f"({item.basis})",
            size=9,
        )
    pdf.heading("Утверждение", size=12)
    if act.signed_by is not None:
        pdf.field("Утвердил", f"{act.signed_by.full_name}, {_when(act.signed_at)}")
    else:
        pdf.field("Ответственный за обработку персональных данных", "______________ (подпись)")
    return pdf.render(created_at=act.finished_at)
