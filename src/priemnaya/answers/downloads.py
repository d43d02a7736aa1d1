"""The HTTP answer of a rendition or signature download, the same for the pages and the API."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from priemnaya.answers.models import Rendition
from priemnaya.answers.renditions import content_type, download_name, rendition_get
from priemnaya.appeals.models import Answer


def rendition_response(answer: Answer, fmt: str, *, signature: bool = False) -> HttpResponse:
    """The stored signed bytes (or their detached signature) as a download, never cached."""
    rendition: Rendition = rendition_get(answer, fmt)
    if signature:
        body = rendition.signature.encode()
        kind = "application/json"
    else:
        body = bytes(rendition.content)
        kind = content_type(rendition.format)
    response = HttpResponse(body, content_type=kind)
    name = download_name(answer, rendition.format, signature=signature)
    response["Content-Disposition"] = content_disposition_header(True, name)
    # The applicant's personal data: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response
