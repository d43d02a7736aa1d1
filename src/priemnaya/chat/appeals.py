"""«Создать обращение из чата»: the operator registers an appeal (channel «Онлайн-чат») from a chat
and the chat's transcript goes with it as a PDF file."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.inputs import AppealInput
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services import appeal_submit
from priemnaya.appeals.states import Channel
from priemnaya.attachments.models import Purpose
from priemnaya.attachments.services import attachments_forget, attachments_stage
from priemnaya.chat.models import Chat, ChatMessage, Side
from priemnaya.chat.services import may_operate
from priemnaya.chat.transcript import transcript_pdf
from priemnaya.core.errors import Conflict, NotPermitted


def appeal_initial(chat: Chat) -> dict[str, str]:
    """What the form starts with: the citizen's name and contacts, their words as the text."""
    words = [
        m.text for m in chat.messages.filter(side=Side.CITIZEN).order_by("created_at") if m.text
    ]
    citizen = chat.citizen
    return {
        "channel": Channel.CHAT,
        "subject": f"Обращение из чата №{chat.pk}",
        "text": "\n".join(words)[:5000],
        "applicant_name": citizen.full_name if citizen else "",
        "contact_email": (citizen.email or "") if citizen else "",
        "contact_phone": (citizen.phone or "") if citizen else "",
    }


def chat_to_appeal(*, chat: Chat, operator: User, data: AppealInput) -> tuple[Appeal, ChatMessage]:
    """Register the appeal with the transcript attached and link the chat to it (once)."""
    if not may_operate(operator):
        raise NotPermitted("Обращение из чата создаёт оператор.", field="chat")
    if chat.appeal_id:
        raise Conflict("Из этого чата обращение уже создано.", field="chat")
    upload = SimpleUploadedFile(
        f"chat-{chat.pk}.pdf", transcript_pdf(chat), content_type="application/pdf"
    )
    staged = attachments_stage(uploads=[upload], uploaded_by=operator, purpose=Purpose.APPEAL)
    try:
        with transaction.atomic():
            locked = Chat.objects.select_for_update().get(pk=chat.pk)
            if locked.appeal_id:
                raise Conflict("Из этого чата обращение уже создано.", field="chat")
            appeal = appeal_submit(
                actor=operator,
                data=data,
                channel=Channel.CHAT,
                client_token=f"chat-{chat.pk}",
                attachment_ids=[a.pk for a in staged],
            )
            locked.appeal = appeal
            locked.save(update_fields=["appeal"])
            note = ChatMessage.objects.create(
                chat=locked,
                side=Side.SYSTEM,
                text=f"По этому чату зарегистрировано обращение № {appeal.display_number}.",
            )
    except BaseException:
        attachments_forget(staged)
        raise
    return appeal, note
