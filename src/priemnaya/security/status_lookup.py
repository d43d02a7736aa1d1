"""Status without an account (issue 13): send the one-time code, check it, log every attempt.

The rules are in ``appeals.status_access``; this module sends the code at once (SMS through the
notifications gateway, e-mail through Django's mail), as ``security.delivery`` does for account
codes: a person is waiting at the form. A failed send is logged, never told: the answer for a
number whose code could not go out must be the answer for a number that does not exist.

Logs name the outcome and the appeal's id (or «-»), never a number, contact or code.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.status_access import (
    CODE_TTL,
    CodeIssued,
    status_by_key,
    status_code_check,
    status_code_issue,
)
from priemnaya.core.errors import ApplicationError
from priemnaya.core.numbering import format_number
from priemnaya.notifications.sms import sms_gateway

logger = logging.getLogger("priemnaya.security.status")

SENT = (
    "Если номер верный, код отправлен на контакт из обращения: {masked}. "
    "Код действует {minutes} минут."
)


def code_text(number: str, code: str) -> str:
    """The SMS with a status code: what it opens and the warning not to tell it to anyone."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    return (
        f"Приёмная: код {code} для просмотра статуса обращения № {format_number(number)}. "
        f"Действует {minutes} минут. Никому не сообщайте его."
    )


def _send(issued: CodeIssued) -> None:
    text = code_text(issued.number, issued.code)
    try:
        if issued.channel == "sms":
            sms_gateway().send(issued.destination, text)
        else:
            body = f"Здравствуйте!\n\n{text}\n\nЕсли вы не запрашивали код, удалите это письмо.\n"
            send_mail(
                f"Код для просмотра статуса обращения № {format_number(issued.number)}",
                body,
                None,
                [issued.destination],
                fail_silently=False,
            )
    except Exception as exc:  # SmsError, an SMTP failure: logged, never told (see above)
        logger.warning(
            "status code not sent: appeal=%s channel=%s error=%s",
            issued.appeal.pk if issued.appeal else "-",
            issued.channel,
            type(exc).__name__,
        )


def status_code_send(*, number: str) -> str:
    """Make a code for the number and send it to the appeal's contact; return the masked contact.

    The same answer (and the same refusals) whether or not the number exists.
    """
    try:
        issued = status_code_issue(number=number)
    except ApplicationError as exc:
        logger.info("status code refused: %s", exc.code)
        raise
    if issued.destination:
        _send(issued)
    logger.info(
        "status code issued: appeal=%s channel=%s",
        issued.appeal.pk if issued.appeal else "-",
        issued.channel if issued.destination else "-",
    )
    return issued.masked


def sent_message(masked: str) -> str:
    """What the page and the API say after a code was asked for (the same for any number)."""
    return SENT.format(masked=masked, minutes=int(CODE_TTL.total_seconds() // 60))


def status_code_verify(*, number: str, code: str) -> Appeal:
    """Check the code typed for the number; return the appeal or raise (each try is logged)."""
    try:
        appeal = status_code_check(number=number, code=code)
    except ApplicationError as exc:
        logger.info("status code check failed: %s", exc.code)
        raise
    logger.info("status code accepted: appeal=%s", appeal.pk)
    return appeal


def status_key_open(*, number: str, key: str) -> Appeal | None:
    """Return the appeal if the link's key is its own; a wrong key is logged and is no key."""
    appeal = status_by_key(number=number, key=key)
    logger.info(
        "status link %s: appeal=%s", "opened" if appeal else "refused", appeal.pk if appeal else "-"
    )
    return appeal
