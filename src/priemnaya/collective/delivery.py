"""Telling co-signers of the answer by e-mail or SMS (rule 13), outside the answer's transaction.

A signer whose own appeal got the answer is told by the notifications app, as every applicant is.
A co-signer has no appeal, and the notifications app plans only for journal events of appeals, so
their notice is a ``Delivery`` row written with the answer and sent here by the worker through
the same providers: Django's mail backend (``EMAIL_URL``) and the SMS gateway
(``notifications.sms``). A row is locked while it is sent (another worker skips it), then marked
sent or failed; a temporary failure is retried on the next run, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from priemnaya.collective.models import Delivery
from priemnaya.core import clock
from priemnaya.notifications.sms import SmsPermanentError, SmsTemporaryError, sms_gateway

logger = logging.getLogger("priemnaya.collective")

MAX_ATTEMPTS = 8
BATCH = 100


def _public_url(issue_id: int) -> str:
    return f"{settings.PRIEMNAYA_SITE_URL.rstrip('/')}/collective/{issue_id}/"


def notice_text(delivery: Delivery) -> tuple[str, str]:
    """Return the subject and body told to one co-signer."""
    issue, signer = delivery.issue, delivery.signer
    subject = f"Ответ на коллективное обращение № {issue.pk}"
    role = "Вы — представитель заявителей. " if delivery.to_representative else ""
    body = (
        f"Здравствуйте, {signer.full_name}!\n\n"
        f"Дан ответ на коллективное обращение № {issue.pk} «{issue.title}», которое вы "
        f"подписали. {role}\n\n{issue.answer_text}\n\n"
        f"Страница обращения: {_public_url(issue.pk)}\n"
        "Ответ также виден в личном кабинете, в разделе «Коллективные обращения»."
    )
    return subject, body


def _sms_text(delivery: Delivery) -> str:
    return (
        f"Дан ответ на коллективное обращение № {delivery.issue_id}. "
        f"Подробнее: {_public_url(delivery.issue_id)}"
    )


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.EMAIL:
        subject, body = notice_text(delivery)
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.address]).send()
    else:
        sms_gateway().send(delivery.address, _sms_text(delivery))


def deliveries_send(*, limit: int = BATCH) -> int:
    """Send pending e-mail and SMS notices to signers; return how many were sent."""
    sent = 0
    ids = list(
        Delivery.objects.filter(
            state=Delivery.State.PENDING,
            channel__in=[Delivery.Channel.EMAIL, Delivery.Channel.SMS],
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            row = (
                Delivery.objects.select_for_update(skip_locked=True)
                .select_related("issue", "signer")
                .filter(pk=pk, state=Delivery.State.PENDING)
                .first()
            )
            if row is None:
                continue
            row.attempts += 1
            try:
                _send(row)
            except SmsPermanentError as exc:
                row.state, row.error = Delivery.State.FAILED, str(exc)[:300]
            except (SmsTemporaryError, OSError) as exc:
                row.error = str(exc)[:300]
                if row.attempts >= MAX_ATTEMPTS:
                    row.state = Delivery.State.FAILED
                logger.warning("collective notice %s not sent: %s", row.pk, exc)
            else:
                row.state, row.sent_at, row.error = Delivery.State.SENT, clock.now(), ""
                sent += 1
            row.save(update_fields=["state", "sent_at", "error", "attempts"])
    return sent
