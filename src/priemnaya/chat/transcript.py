"""The chat's transcript as a PDF (the house layout), attached to the appeal it becomes."""

from __future__ import annotations

from django.utils import timezone

from priemnaya.answers.pdf import HousePdf
from priemnaya.chat.models import Chat
from priemnaya.chat.selectors import applicant_label, author_name, chat_messages


def transcript_lines(chat: Chat) -> list[tuple[str, str]]:
    """(«27.11.2026 14:05, Бот», text) for every message, oldest first."""
    out = []
    for m in chat_messages(chat):
        when = timezone.localtime(m.created_at).strftime("%d.%m.%Y %H:%M")
        names = ", ".join(f.attachment.name for f in m.files.select_related("attachment"))
        text = m.text + (f"\n[файлы: {names}]" if names else "")
        out.append((f"{when}, {author_name(m)}", text))
    return out


def transcript_pdf(chat: Chat) -> bytes:
    """A PDF of the whole conversation with who and when."""
    pdf = HousePdf(title=f"Стенограмма чата №{chat.pk}", subject="Онлайн-чат")
    pdf.heading(f"Стенограмма чата №{chat.pk}")
    pdf.field("Заявитель", applicant_label(chat))
    started = timezone.localtime(chat.created_at).strftime("%d.%m.%Y %H:%M")
    pdf.field("Начат", started)
    pdf.ln(2)
    for who, text in transcript_lines(chat):
        pdf.field(who, text or "—")
    return bytes(pdf.output())
