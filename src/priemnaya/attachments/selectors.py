"""Reading attachments: what an appeal carries, and one of its files."""

from __future__ import annotations

from django.db.models import QuerySet

from priemnaya.attachments.models import Attachment
from priemnaya.core.errors import NotFound

NOT_FOUND = "Файл не найден."


def appeal_attachments(
    appeal_id: int,
    *,
    include_answer_files: bool = True,
    include_internal: bool = False,
    include_drafts: bool = False,
) -> QuerySet[Attachment]:
    """Return the files bound to the appeal, oldest first.

    Files of an answer still under review (a draft) and of internal notes are left out unless
    asked for: the applicant never sees them.
    """
    files = Attachment.objects.filter(appeal_id=appeal_id)
    if not include_answer_files:
        files = files.filter(answer__isnull=True, answer_draft__isnull=True)
    if not include_drafts:
        files = files.exclude(answer_draft__isnull=False, answer__isnull=True)
    if not include_internal:
        files = files.exclude(message__is_internal=True)
    return files.order_by("uploaded_at", "id")


def attachment_for_appeal(
    appeal_id: int,
    attachment_id: int,
    *,
    include_internal: bool = False,
    include_drafts: bool = False,
) -> Attachment:
    """Return one file of the appeal, or NotFound if the appeal carries no such (visible) file."""
    found = (
        appeal_attachments(
            appeal_id, include_internal=include_internal, include_drafts=include_drafts
        )
        .filter(pk=attachment_id)
        .first()
    )
    if found is None:
        raise NotFound(NOT_FOUND, field="attachment")
    return found


def staged_attachments(
    *, uploaded_by_id: int, ids: list[int] | None = None
) -> QuerySet[Attachment]:
    """Return the user's files uploaded but not yet bound to anything (a form in progress)."""
    files = Attachment.objects.filter(
        uploaded_by_id=uploaded_by_id, appeal__isnull=True, answer_draft__isnull=True
    )
    if ids is not None:
        files = files.filter(pk__in=ids)
    return files.order_by("uploaded_at", "id")
