"""Template helpers for attachments: the appeal's files and how to name a file's type and origin."""

from __future__ import annotations

from django import template

from priemnaya.appeals.presenters import format_date
from priemnaya.attachments.services import size_text
from priemnaya.web.views.files import appeal_files as files_of

register = template.Library()

KINDS = {
    "application/pdf": "PDF",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "image/jpeg": "JPG",
    "image/png": "PNG",
}


@register.simple_tag
def appeal_files(appeal, *, staff: bool = False) -> list:
    """The appeal's files as its page shows them (the applicant: own files and issued answers')."""
    return files_of(appeal, applicant=not staff)


@register.filter
def file_kind(content_type: str) -> str:
    return KINDS.get(content_type, content_type or "—")


@register.filter
def file_size(size: int) -> str:
    return size_text(size)


@register.filter
def file_day(value) -> str:
    return format_date(value)


@register.filter
def file_origin(attachment, appeal) -> str:
    """Who gave the file, as staff see it: the applicant or a member of staff (with the role)."""
    if attachment.answer_id or attachment.answer_draft_id or attachment.purpose == "answer":
        origin = "ответ"
    elif attachment.purpose == "addition":
        origin = "дополнение"
    else:
        origin = "к обращению"
    user = attachment.uploaded_by
    if user is None:
        who = "система"
    elif appeal.applicant_id and user.pk == appeal.applicant_id:
        who = "заявитель"
    else:
        who = f"{user.full_name} ({user.get_role_display().lower()})"
    return f"{origin}; {who}"
