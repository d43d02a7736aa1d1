"""Messages to people outside the appeal journal: a subject's notices and breach alerts.

They go straight through Django's mail (and the SMS gateway for a subject without a confirmed
e-mail) after the transaction commits: a lost notice is logged, never a rolled-back decision.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.notifications.sms import SmsError, sms_gateway

logger = logging.getLogger("priemnaya.privacy")


def subject_channel(user: User) -> str:
    """Return how a subject can be told something: "email", "sms" or "" (no confirmed contact)."""
    if user.email and user.email_confirmed_at and user.anonymised_at is None:
        return "email"
    if user.phone and user.phone_confirmed_at and user.anonymised_at is None:
        return "sms"
    return ""


def _deliver(channel: str, address: str, subject: str, body: str, sms: str) -> None:
    try:
        if channel == "email":
            send_mail(subject, body, None, [address], fail_silently=False)
        else:
            sms_gateway().send(address, sms)
    except (SmsError, Exception) as exc:  # a lost notice must not undo the decision
        logger.warning("privacy notice by %s not sent: %s", channel, exc)


def subject_notify(*, user: User, subject: str, body: str, sms: str) -> str:
    """Tell the subject after commit by e-mail (or SMS); return the channel used or ""."""
    channel = subject_channel(user)
    if not channel:
        return ""
    address = (user.email if channel == "email" else user.phone) or ""
    transaction.on_commit(lambda: _deliver(channel, address, subject, body, sms))
    return channel


def staff_alert(*, recipients: list[str], subject: str, body: str) -> None:
    """E-mail an alert to staff addresses (one message, each address a recipient)."""
    if not recipients:
        return
    try:
        send_mail(subject, body, None, recipients, fail_silently=False)
    except Exception as exc:  # logged; the alert row is written only after a sent message
        logger.warning("breach alert not sent: %s", exc)
        raise


def site_url(path: str) -> str:
    return settings.PRIEMNAYA_SITE_URL.rstrip("/") + path
