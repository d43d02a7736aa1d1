"""Notification rows for the tests of pages, API and services, made with the ORM as the planner
would make them: a feed item per event and user, a parked e-mail with its reason."""

from __future__ import annotations

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal, Event
from priemnaya.core import clock
from priemnaya.notifications.models import Audience, Channel, Notification, State
from tests.factories import submit_appeal


def last_event(appeal: Appeal) -> Event:
    return appeal.events.order_by("-id").first()


def feed_item(
    user: User,
    appeal: Appeal | None = None,
    *,
    title: str = "Обращение зарегистрировано",
    read: bool = False,
    audience: str = Audience.APPLICANT,
) -> Notification:
    """A feed item for ``user`` about the latest event of ``appeal`` (a fresh appeal if none)."""
    appeal = appeal or submit_appeal(user)
    return Notification.objects.create(
        event=last_event(appeal),
        appeal=appeal,
        user=user,
        channel=Channel.FEED,
        address=f"user:{user.pk}",
        audience=audience,
        state=State.SENT,
        sent_at=clock.now(),
        # As the planner writes a feed row: the event's title, then what changed.
        subject=title,
        body="Ответ будет дан до 03.12.2026.",
        read_at=clock.now() if read else None,
    )


def failed_email(
    appeal: Appeal, *, address: str = "ivanov@example.ru", error: str = ""
) -> Notification:
    """An e-mail the sender parked after its retries."""
    return Notification.objects.create(
        event=last_event(appeal),
        appeal=appeal,
        user=None,
        channel=Channel.EMAIL,
        address=address,
        audience=Audience.APPLICANT,
        state=State.FAILED,
        attempts=8,
        last_error=error or "550 5.1.1 <ivanov@example.ru>: Recipient address rejected",
        subject="Обращение: ответ готов",
        body="Ответ готов.",
    )
