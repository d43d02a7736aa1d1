"""The download links of a signed answer (web/includes/answer_downloads.html)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()

FORMATS = (("pdf", "PDF"), ("json", "JSON"), ("xml", "XML"))


@register.simple_tag
def answer_download_links(answer, staff: bool = False) -> list[dict[str, str]]:
    """Each format's file and signature URLs; an earlier (superseded) answer by ``?answer=``."""
    prefix = "web:console_answer" if staff else "web:answer"
    number = answer.appeal.number
    query = f"?answer={answer.pk}" if answer.superseded_at else ""
    return [
        {
            "label": label,
            "file": reverse(f"{prefix}_download", args=[number, fmt]) + query,
            "signature": reverse(f"{prefix}_signature", args=[number, fmt]) + query,
        }
        for fmt, label in FORMATS
    ]
