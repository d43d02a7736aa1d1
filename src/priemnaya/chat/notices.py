"""«Оператор ответил в чате»: an e-mail to a citizen who had no chat open when the reply came.

The notifications engine plans its rows from appeal events (a Notification belongs to an event
of an appeal); a chat is not an appeal, so this notice goes straight through Django's mail (the
same SMTP or dev outbox), as the security notices do. One per absence (``Chat.notified_at``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from priemnaya.chat.models import Chat

logger = logging.getLogger(__name__)
SUBJECT = "Оператор ответил в чате"


def operator_replied(chat_id: int) -> bool:
    """Send the notice to the citizen's confirmed e-mail; False when there is nowhere to send."""
    chat = Chat.objects.select_related("citizen").filter(pk=chat_id).first()
    citizen = chat.citizen if chat else None
    if citizen is None or not citizen.email or citizen.email_confirmed_at is None:
        return False
    link = settings.PRIEMNAYA_SITE_URL.rstrip("/") + reverse("web:chat")
    body = (
        f"Здравствуйте, {citizen.full_name}!\n\n"
        f"Оператор ответил вам в чате №{chat_id}, пока вас не было на сайте.\n"
        f"Прочитать ответ и продолжить разговор: {link}\n\n"
        f"{settings.PRIEMNAYA_SERVICE_NAME}"
    )
    send_mail(SUBJECT, body, None, [citizen.email], fail_silently=False)
    return True
