"""The person's notifications: the feed (read, mark read) and the preferences of SPEC §9."""

from __future__ import annotations

from datetime import datetime, time

from ninja import Field, Query, Router, Schema

from priemnaya.api.routers.appeals import ERRORS, PAGE_SIZE
from priemnaya.appeals.selectors import page_of
from priemnaya.notifications import feed as services
from priemnaya.notifications import selectors
from priemnaya.notifications.models import Notification, Preference

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    appeal: str = Field(description="the appeal's number")
    title: str
    body: str
    created_at: datetime
    read: bool
    read_at: datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    page: int
    has_next: bool


class FeedFilters(Schema):
    page: int = 1
    unread: bool = Field(False, description="only the unread ones")


class MarkedOut(Schema):
    marked: int


class PreferencesIn(Schema):
    email: bool
    sms: bool
    push: bool
    kinds: list[str] = Field(
        default_factory=list, description="codes of appeal kinds to be told about; empty: all"
    )
    quiet_from: time = Field(description="SMS quiet hours start, HH:MM in `timezone`")
    quiet_to: time = Field(description="SMS quiet hours end, HH:MM in `timezone`")
    timezone: str = Field(description="an IANA zone, e.g. Europe/Moscow")
    digest: bool = Field(True, description="staff: several notices at once come as one e-mail")


class PreferencesOut(Schema):
    email: bool
    sms: bool
    push: bool
    kinds: list[str]
    quiet_from: time
    quiet_to: time
    timezone: str
    digest: bool


def notification_of(n: Notification) -> dict:
    return {
        "id": n.pk,
        "appeal": n.appeal.number,
        "title": n.subject or n.body,
        "body": n.body,
        "created_at": n.created_at,
        "read": n.read_at is not None,
        "read_at": n.read_at,
    }


def preferences_of(p: Preference) -> dict:
    return {
        "email": p.email,
        "sms": p.sms,
        "push": p.push,
        "kinds": list(p.kinds),
        "quiet_from": p.quiet_from,
        "quiet_to": p.quiet_to,
        "timezone": p.timezone,
        "digest": p.digest,
    }


@router.get("", response={200: NotificationPageOut} | ERRORS)
def notification_list(request, filters: Query[FeedFilters]):
    """Own feed, newest first, a page at a time (no total count); `?unread=true` for unread."""
    services.feed_require(request.auth)
    rows, has_next = page_of(
        selectors.feed(request.auth, unread_only=filters.unread), page=filters.page, size=PAGE_SIZE
    )
    return {
        "items": [notification_of(n) for n in rows],
        "page": max(filters.page, 1),
        "has_next": has_next,
    }


@router.post("/read-all", response={200: MarkedOut} | ERRORS)
def notification_read_all(request):
    """Mark every unread item of the own feed read; answer how many were."""
    services.feed_require(request.auth)
    return {"marked": services.feed_mark_read(request.auth, ids=None)}


@router.post("/{notification_id}/read", response={200: NotificationOut} | ERRORS)
def notification_read(request, notification_id: int):
    """Mark one item of the own feed read (404 for anyone else's)."""
    services.feed_require(request.auth)
    found = selectors.notification_of(request.auth, notification_id)
    services.feed_mark_read(request.auth, ids=[found.pk])
    return notification_of(selectors.notification_of(request.auth, notification_id))


@router.get("/preferences", response={200: PreferencesOut} | ERRORS)
def preferences_read(request):
    """Own preferences (the defaults until first saved)."""
    services.feed_require(request.auth)
    return preferences_of(services.preferences_get(request.auth))


@router.put("/preferences", response={200: PreferencesOut} | ERRORS)
def preferences_write(request, payload: PreferencesIn):
    """Replace own preferences; 422 naming the field (`sms` without a phone, an unknown
    `kinds` code, a `timezone` that is not an IANA zone, …)."""
    services.feed_require(request.auth)
    saved = services.preferences_update(request.auth, **payload.dict())
    return preferences_of(saved)
