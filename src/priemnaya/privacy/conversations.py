"""What a deleted account leaves outside its appeals: chats and letters tied to no appeal.

A chat or a letter that became (or joined) an appeal is part of that appeal's file and is kept
with it until its retention ends (``retention.anonymise``). The others belong to no file: when
the person deletes the account their texts, files and addresses go, the rows stay (counts).
"""

from __future__ import annotations

from django.db import transaction

from priemnaya.attachments.models import Attachment
from priemnaya.attachments.services import storage
from priemnaya.chat.models import Chat, ChatFile, ChatMessage
from priemnaya.mail_intake.models import InboundMessage

REMOVED = "[удалено по просьбе заявителя]"
FILE_NAME = "удалено"


def _forget_files(keys: list[str]) -> None:
    store = storage()
    for key in keys:
        store.delete(key)


def conversations_forget(*, user_id: int, confirmed_email: str | None) -> dict[str, int]:
    """Blank the chats of ``user_id`` and the letters from ``confirmed_email`` not in any appeal.

    Only a *confirmed* address counts: anyone may type someone else's address in «From».
    Stored files are deleted after the transaction commits.
    """
    chats = Chat.objects.filter(citizen_id=user_id, appeal__isnull=True)
    chat_ids = list(chats.values_list("pk", flat=True))
    messages = ChatMessage.objects.filter(chat_id__in=chat_ids).update(text=REMOVED, articles=[])
    chats.update(rating_comment="")
    files = Attachment.objects.filter(
        pk__in=ChatFile.objects.filter(message__chat_id__in=chat_ids).values("attachment_id")
    )
    keys = list(files.values_list("key", flat=True))
    Attachment.objects.filter(key__in=keys).update(name=FILE_NAME)
    transaction.on_commit(lambda: _forget_files(keys))

    letters = 0
    if confirmed_email:
        unfiled = InboundMessage.objects.filter(sender=confirmed_email.lower(), appeal__isnull=True)
        letters = unfiled.update(
            raw=b"", mail_from="", rcpt_to="", sender="", subject="", remarks="", reason=""
        )
    return {"chat_messages": messages, "letters": letters}
