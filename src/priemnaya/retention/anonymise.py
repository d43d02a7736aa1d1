"""What the other contexts keep about an appeal, anonymised with it at the end of retention.

``appeals.services.retention.appeal_anonymise`` handles the appeal, its conversation, answers and
journal; this module the copies elsewhere: answer drafts and their rendered PDFs, files (the
stored content is deleted, the metadata kept without names), the public status lookup's row,
notifications (rendered texts and addresses) and provider replies, webhook responses, chats linked
to the appeal, e-mail intake letters and identity checks, hotline calls and deferred requests,
collective issues' signers and their delivery log, and the search index. Rows stay, so what is
counted about them survives.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from priemnaya.answers.models import AnswerDraft, Rendition
from priemnaya.appeals.models import Appeal, StatusAccess
from priemnaya.appeals.services.retention import MARKER
from priemnaya.attachments.models import Attachment
from priemnaya.attachments.services import storage
from priemnaya.chat.models import Chat, ChatFile, ChatMessage
from priemnaya.collective.models import Delivery as CollectiveDelivery
from priemnaya.collective.models import Signer
from priemnaya.hotline.models import Call, CtiEvent, DeferredRequest
from priemnaya.mail_intake.models import IdentityCheck, InboundMessage
from priemnaya.notifications.models import DeliveryAttempt as NotificationAttempt
from priemnaya.notifications.models import Notification
from priemnaya.search.documents import appeals_reindex
from priemnaya.webhooks.models import DeliveryAttempt as WebhookAttempt

ATTACHMENT_NAME = "обезличено"


def _forget_files(keys: list[str]) -> None:
    store = storage()
    for key in keys:
        store.delete(key)


def copies_anonymise(*, appeal_ids: list[int]) -> dict[str, int]:
    """Anonymise what other contexts keep about these (already anonymised) appeals.

    Run inside the batch's transaction; stored files are deleted after it commits.
    """
    counts: dict[str, int] = {}
    numbers = list(Appeal.objects.filter(pk__in=appeal_ids).values_list("number", flat=True))

    drafts = AnswerDraft.objects.filter(appeal_id__in=appeal_ids)
    counts["drafts"] = drafts.update(text=MARKER)
    drafts.exclude(review_comment="").update(review_comment=MARKER)
    drafts.exclude(decision="").update(decision=MARKER)
    # The answer's PDF and its signature name the applicant: the rendition goes, the answer stays.
    counts["renditions"] = Rendition.objects.filter(answer__appeal_id__in=appeal_ids).delete()[0]

    chats = Chat.objects.filter(appeal_id__in=appeal_ids)
    chat_ids = list(chats.values_list("pk", flat=True))
    counts["chat_messages"] = ChatMessage.objects.filter(chat_id__in=chat_ids).update(
        text=MARKER, articles=[]
    )
    chats.update(citizen=None, visitor="", rating_comment="")

    files = Attachment.objects.filter(appeal_id__in=appeal_ids) | Attachment.objects.filter(
        pk__in=ChatFile.objects.filter(message__chat_id__in=chat_ids).values("attachment_id")
    )
    keys = list(files.values_list("key", flat=True))
    counts["files"] = Attachment.objects.filter(key__in=keys).update(name=ATTACHMENT_NAME)
    transaction.on_commit(lambda: _forget_files(keys))

    StatusAccess.objects.filter(number__in=numbers).delete()

    notifications = Notification.objects.filter(appeal_id__in=appeal_ids)
    counts["notifications"] = notifications.update(address="", subject="", body="", html="")
    NotificationAttempt.objects.filter(notification__in=notifications).update(
        provider_answer="", error=""
    )
    responses = WebhookAttempt.objects.filter(delivery__event__appeal_id__in=appeal_ids)
    responses.update(response="", error="")

    letters = InboundMessage.objects.filter(appeal_id__in=appeal_ids)
    counts["letters"] = letters.update(
        raw=b"",
        mail_from="",
        rcpt_to="",
        sender="",
        subject="",
        message_id="",
        remarks="",
        reason="",
    )
    checks = IdentityCheck.objects.filter(
        Q(appeal_id__in=appeal_ids) | Q(request_id__in=appeal_ids)
    )
    checks.update(details=MARKER)

    calls = Call.objects.filter(Q(appeal_id__in=appeal_ids) | Q(deferred__appeal_id__in=appeal_ids))
    cti_ids = list(calls.values_list("cti_id", flat=True))
    counts["calls"] = calls.update(caller="", caller_raw="", note="")
    CtiEvent.objects.filter(cti_id__in=cti_ids).update(payload={})
    deferred = DeferredRequest.objects.filter(
        Q(appeal_id__in=appeal_ids) | Q(call__cti_id__in=cti_ids)
    )
    deferred.update(phone="", caller_name="", question=MARKER)

    # A collective issue keeps one signer row per applicant (rule 13); the appeal's own signer
    # loses name and contacts with the appeal, the row stays so the count of signers survives.
    signers = Signer.objects.filter(appeal_id__in=appeal_ids)
    CollectiveDelivery.objects.filter(signer__in=signers).update(address="", error="")
    counts["signers"] = signers.update(full_name=MARKER, phone="", email="", user=None)

    appeals_reindex(appeal_ids)
    return counts
