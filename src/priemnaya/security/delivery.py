"""Sending one-time codes: SMS through the notifications gateway, e-mail through Django's mail.

Codes go out at once, not through the outbox: a person is waiting at the form, and a code that
arrives after its 10 minutes is useless. A failed send raises ``CodeNotSent``; the code is then
dead (a new one can be asked for after the pause).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from priemnaya.accounts.codes import code_issue
from priemnaya.accounts.models import CodePurpose, User
from priemnaya.core.errors import ServiceUnavailable
from priemnaya.notifications.sms import SmsError, sms_gateway

logger = logging.getLogger(__name__)

_WHAT: dict[str, str] = {
    CodePurpose.CONFIRM_PHONE: "подтверждения телефона",
    CodePurpose.CONFIRM_EMAIL: "подтверждения e-mail",
    CodePurpose.RESET: "восстановления пароля",
    CodePurpose.SECOND_FACTOR: "входа",
    CodePurpose.UNLOCK: "разблокировки учётной записи",
}


class CodeNotSent(ServiceUnavailable):
    """The gateway or the mail server did not take the message."""

    code = "code_not_sent"


def code_text(purpose: str, code: str) -> str:
    """The SMS with a code: what it is for and the warning not to tell it to anyone."""
    return (
        f"Приёмная: код {_WHAT.get(purpose, 'подтверждения')} {code}. "
        "Действует 10 минут. Никому не сообщайте его, даже сотрудникам."
    )


def confirm_email_url(user: User, secret: str) -> str:
    """The absolute link that confirms the account's e-mail address."""
    path = reverse("web:confirm_email", kwargs={"user_id": user.pk, "secret": secret})
    return settings.PRIEMNAYA_SITE_URL.rstrip("/") + path


def code_send_sms(*, user: User, purpose: str, phone: str) -> None:
    """Issue a six-digit code for ``purpose`` and send it to ``phone`` by SMS."""
    code = code_issue(user=user, purpose=purpose, channel="sms", destination=phone)
    try:
        sms_gateway().send(phone, code_text(purpose, code))
    except SmsError as exc:
        logger.warning("one-time code SMS not sent: %s", exc)
        raise CodeNotSent("Не удалось отправить SMS. Попробуйте позже.", field="code") from exc


def code_send_email(*, user: User, purpose: str, email: str) -> None:
    """Send a link (to confirm the address) or a six-digit code (any other purpose) by e-mail."""
    link = purpose == CodePurpose.CONFIRM_EMAIL
    secret = code_issue(user=user, purpose=purpose, channel="email", destination=email, link=link)
    if link:
        subject = "Подтвердите адрес электронной почты"
        body = (
            "Здравствуйте!\n\nЧтобы подтвердить адрес для Приёмной, откройте ссылку:\n"
            f"{confirm_email_url(user, secret)}\n\nСсылка действует 10 минут. "
            "Если вы не регистрировались, просто удалите это письмо.\n"
        )
    else:
        subject = f"Код {_WHAT.get(purpose, 'подтверждения')}"
        body = (
            f"Здравствуйте!\n\n{code_text(purpose, secret)}\n\n"
            "Если вы не запрашивали код, просто удалите это письмо.\n"
        )
    try:
        send_mail(subject, body, None, [email], fail_silently=False)
    except Exception as exc:
        logger.warning("one-time code e-mail not sent: %s", exc)
        raise CodeNotSent("Не удалось отправить письмо. Попробуйте позже.", field="code") from exc
