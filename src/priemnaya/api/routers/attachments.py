"""Files uploaded ahead of the form that carries them (issue 10): stage, then send their ids."""

from __future__ import annotations

from ninja import File, Router, Status
from ninja.files import UploadedFile

from priemnaya.api.routers.appeals import ERRORS
from priemnaya.api.schemas import AttachmentOut
from priemnaya.attachments.models import Purpose
from priemnaya.attachments.services import attachment_discard, attachments_stage
from priemnaya.core.errors import NotPermitted

router = Router(tags=["attachments"])


@router.post("", response={201: list[AttachmentOut]} | ERRORS)
def attachments_upload(request, files: File[list[UploadedFile]]):
    """Upload files for a new appeal (multipart `files`, repeatable) and get their ids, to send
    as `attachments` with POST /api/v1/appeals. Every file is checked by its content (PDF, DOC,
    DOCX, JPG, PNG); a refused one is a 422 naming it and the reason, and then none is kept.
    Files not sent with an appeal within a day are removed."""
    user = request.auth
    if not (user.is_citizen or user.works_appeals):
        raise NotPermitted("Загружать файлы к обращениям могут заявители и операторы.")
    staged = attachments_stage(uploads=files, uploaded_by=user, purpose=Purpose.APPEAL)
    return Status(201, [AttachmentOut.of(a) for a in staged])


@router.delete("/{attachment_id}", response={204: None} | ERRORS)
def attachments_remove(request, attachment_id: int):
    """Remove one of your uploaded files not yet sent with a form."""
    attachment_discard(attachment_id=attachment_id, actor=request.auth)
    return Status(204, None)
