"""Documents the applicant adds to an appeal after submitting it (SPEC §4, §7)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile

from priemnaya.accounts.models import User
from priemnaya.appeals import events
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal, Message
from priemnaya.appeals.permissions import refusal, side_of
from priemnaya.appeals.services.journal import appeal_transition, optional_text
from priemnaya.appeals.states import MessageKind
from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.attachments.services import attachments_bind, attachments_forget, attachments_stage
from priemnaya.core.errors import NotFound, ValidationFailed

MESSAGE_MAX = 5000


def appeal_documents_add(
    *, appeal: Appeal, actor: User, attachment_ids: Sequence[int], text: str = ""
) -> Appeal:
    """Add the applicant's staged files (and an optional note) to their appeal under way.

    Allowed while the appeal is being considered (registered, in progress, needs info); the
    state does not change — answering a clarification request is ``appeal_provide_info``.
    """
    if not attachment_ids:
        raise ValidationFailed.single("attachments", "Приложите хотя бы один файл.")
    text = optional_text(text, field="text", max_length=MESSAGE_MAX)
    with appeal_transition(appeal=appeal, action=Action.ADD_DOCUMENTS, actor=actor) as t:
        message = None
        if text:
            message = Message.objects.create(
                appeal=t.appeal,
                author=actor,
                kind=MessageKind.COMMENT,
                text=text,
                created_at=t.now,
            )
        files = attachments_bind(
            ids=attachment_ids,
            actor=actor,
            appeal_id=t.appeal.pk,
            message_id=message.pk if message else None,
            purpose=Purpose.ADDITION,
        )
        t.journal(events.appeal_documents_added_event, attachments=files, message=message)
    return t.appeal


def _may(action: Action, appeal: Appeal, actor: User) -> None:
    """Refuse before any file is stored if the actor may not do this to the appeal now."""
    side = side_of(actor, appeal)
    if side is None:
        raise NotFound("Обращение не найдено.", field="number")
    if (refused := refusal(action, appeal, actor, side)) is not None:
        raise refused


def appeal_documents_upload(
    *, appeal: Appeal, actor: User, uploads: Sequence[UploadedFile], text: str = ""
) -> list[Attachment]:
    """Check, store and add files to the applicant's appeal in one step (a multipart form).

    Either every file is added or none is stored; each refused file is named with its reason.
    """
    _may(Action.ADD_DOCUMENTS, appeal, actor)
    staged = attachments_stage(
        uploads=uploads, uploaded_by=actor, purpose=Purpose.ADDITION, appeal_id=appeal.pk
    )
    try:
        appeal_documents_add(
            appeal=appeal, actor=actor, attachment_ids=[a.pk for a in staged], text=text
        )
    except BaseException:
        attachments_forget(staged)
        raise
    for a in staged:
        a.refresh_from_db()
    return staged


def answer_files_stage(
    *, appeal: Appeal, actor: User, uploads: Sequence[UploadedFile]
) -> list[Attachment]:
    """Check and store files for the answer the staff member is preparing on this appeal.

    They are bound when the answer is issued (``appeal_answer(attachment_ids=…)``).
    """
    _may(Action.ANSWER, appeal, actor)
    return attachments_stage(uploads=uploads, uploaded_by=actor, purpose=Purpose.ANSWER)
