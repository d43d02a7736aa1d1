"""Downloads of the applicant's documents (issue 10, exports): PDF of one appeal or of the whole
history, the evidence ZIP. Registered before the appeals router: «/appeals/export.pdf» must not be
read as an appeal numbered «export.pdf»."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from priemnaya.answers.exports import (
    HISTORY_FILENAME,
    appeal_summary_pdf,
    applicant_history_pdf,
    attachment_disposition,
    bundle_filename,
    evidence_bundle,
    summary_filename,
)
from priemnaya.api.routers.appeals import ERRORS
from priemnaya.appeals.selectors import appeal_get
from priemnaya.core.errors import NotPermitted

router = Router(tags=["appeals"])

PDF = "application/pdf"
ZIP = "application/zip"
OWN_ONLY = "Выгрузка доступна только заявителю."


def _file(content: bytes, content_type: str, names: tuple[str, str]) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(*names)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _binary(content_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": "the file",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get("/export.pdf", response=ERRORS, openapi_extra=_binary(PDF))
def history_pdf(request: HttpRequest):
    """Every appeal the caller sent (not drafts), one PDF: a list, then each appeal in full."""
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_citizen:
        raise NotPermitted(OWN_ONLY)
    return _file(applicant_history_pdf(user), PDF, HISTORY_FILENAME)


@router.get("/{number}/export.pdf", response=ERRORS, openapi_extra=_binary(PDF))
def appeal_pdf(request: HttpRequest, number: str):
    """The appeal as PDF: data, answers, public journal, messages, files with SHA-256.

    The applicant, or staff whose departments hold the appeal (audited); others 404.
    """
    user = request.auth  # type: ignore[attr-defined]
    appeal = appeal_get(user=user, number=number)
    return _file(appeal_summary_pdf(appeal, for_user=user), PDF, summary_filename(appeal))


@router.get("/{number}/evidence.zip", response=ERRORS, openapi_extra=_binary(ZIP))
def evidence_zip(request: HttpRequest, number: str):
    """The evidence bundle: summary PDF, files, signed answers, MANIFEST.json, SHA256SUMS, README.

    The applicant only: staff 403, another citizen 404.
    """
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_citizen:
        raise NotPermitted(OWN_ONLY)
    appeal = appeal_get(user=user, number=number)
    return _file(evidence_bundle(appeal, for_user=user), ZIP, bundle_filename(appeal))
