"""The planner: the journal's outbox consumer that decides who is told what, by which channel.

For each event it writes one ``Notification`` per (channel, address), rendered at once, inside the
outbox's consume transaction; the sender delivers them later from its own queue. The delivery key
(event, channel, address) and ``ignore_conflicts`` make a replayed event harmless.

Rules (docs/notification-delivery.md): the applicant hears of public events they did not cause
themselves (the registration confirmation excepted) in the feed and by the channels they chose;
the notices the law requires go out by e-mail or SMS whatever the preferences; an applicant
without an account is reached at the contacts on the appeal; staff hear of assignments, answered
clarifications, escalations, nearing deadlines and breaches. SMS respect quiet hours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType, Outcome
from priemnaya.catalog.models import Membership
from priemnaya.core import clock
from priemnaya.notifications import rendering
from priemnaya.notifications.models import (
    Audience,
    Channel,
    Notification,
    Preference,
    PushSubscription,
    State,
    Suppression,
)

logger = logging.getLogger("priemnaya.notifications")

# Public events the applicant is told of (SPEC §9): every change they see in the journal except
# what only they can do (edit, add details, rate), which they know already.
APPLICANT_EVENTS = frozenset(
    {
        EventType.REGISTERED,
        EventType.TAKEN,
        EventType.INFO_REQUESTED,
        EventType.ANSWERED,
        EventType.CLOSED,
        EventType.WITHDRAWN,
        EventType.COMMENTED,
        EventType.REDIRECTED,
        EventType.ESCALATED,
        EventType.EXTENDED,
        EventType.REOPENED,
        EventType.ANSWER_CONFIRMED,
        EventType.INCIDENT_LINKED,
        EventType.FORWARDED,
        EventType.OVERDUE,
        EventType.REGIME_CHANGED,
        # Issue 14: merged into a collective issue — one answer will go to all.
        EventType.COLLECTIVE_JOINED,
    }
)

# Events staff are told of (SPEC §9): new assignment, clarification answered, escalation, due
# soon, breaches.
STAFF_EVENTS = frozenset(
    {
        EventType.ASSIGNED,
        EventType.INFO_PROVIDED,
        EventType.DOCUMENTS_ADDED,
        EventType.ESCALATED,
        EventType.DUE_SOON,
        EventType.OVERDUE,
        EventType.FIRST_RESPONSE_OVERDUE,
        # The head's review of answers (internal): the heads review, the author revises.
        EventType.ANSWER_SUBMITTED,
        EventType.ANSWER_RETURNED,
    }
)

# Notices the law requires (59-FZ arts. 8, 11, 12): sent by e-mail or SMS whatever the choices.
REQUIRED_EVENTS = frozenset({EventType.REDIRECTED, EventType.EXTENDED, EventType.OVERDUE})

# Quiet hours for an applicant without an account (no preferences to read).
DEFAULT_QUIET_FROM = time(22, 0)
DEFAULT_QUIET_TO = time(8, 0)

# What changes who holds the appeal, read back through the journal (see ``_assignee_at``).
_HOLDER_EVENTS = (
    EventType.ASSIGNED,
    EventType.TAKEN,
    EventType.REDIRECTED,
    EventType.ESCALATED,
    EventType.ANSWERED,
)


def is_required(event: Event) -> bool:
    """Return True if the law requires the applicant to receive this event's notice."""
    if event.type in REQUIRED_EVENTS:
        return True
    return event.type == EventType.ANSWERED and event.data.get("outcome") == Outcome.NO_ANSWER


@dataclass(frozen=True)
class Target:
    """One planned message before it is rendered: whom, where, by which channel, from when."""

    channel: str
    address: str
    audience: str
    user_id: int | None = None
    required: bool = False
    not_before: datetime | None = None


# ---- quiet hours --------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def quiet_until(moment: datetime, *, start: time, end: time, zone: str) -> datetime | None:
    """Return when the quiet hours around ``moment`` end (local ``end``), or None outside them."""
    if start == end:
        return None
    tz = _zone(zone)
    local = moment.astimezone(tz)
    now = local.time()
    quiet = start <= now < end if start < end else (now >= start or now < end)
    if not quiet:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz)


# ---- what a batch of events needs to know about its applicants -----------------------------------


@dataclass
class Lookups:
    """Preferences, push subscriptions and suppressions of a batch's applicants, read at once."""

    preferences: dict[int, Preference] = field(default_factory=dict)
    pushes: dict[int, list[int]] = field(default_factory=dict)
    suppressed: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, events: list[Event]) -> Lookups:
        users = {e.appeal.applicant_id for e in events if e.appeal.applicant_id is not None}
        addresses: set[str] = set()
        for event in events:
            appeal = event.appeal
            addresses |= {appeal.contact_email, appeal.contact_phone}
            if appeal.applicant is not None:
                addresses |= {appeal.applicant.email or "", appeal.applicant.phone or ""}
        addresses.discard("")
        lookups = cls()
        if users:
            lookups.preferences = {
                p.user_id: p for p in Preference.objects.filter(user_id__in=users)
            }
            for user_id, pk in PushSubscription.objects.filter(user_id__in=users).values_list(
                "user_id", "pk"
            ):
                lookups.pushes.setdefault(user_id, []).append(pk)
        if addresses:
            lookups.suppressed = set(
                Suppression.objects.filter(address__in=addresses).values_list("channel", "address")
            )
        return lookups

    def preference(self, user_id: int) -> Preference:
        # Unsaved defaults when the person never chose: reads never write.
        return self.preferences.get(user_id) or Preference(user_id=user_id)


# ---- applicants ---------------------------------------------------------------------------------


def _honour_suppressions(targets: list[Target], lookups: Lookups) -> list[Target]:
    suppressed = lookups.suppressed
    return [t for t in targets if t.required or (t.channel, t.address) not in suppressed]


def _defer_sms(targets: list[Target], *, now: datetime, start: time, end: time, zone: str):
    until = quiet_until(now, start=start, end=end, zone=zone)
    if until is None:
        return targets
    return [
        Target(t.channel, t.address, t.audience, t.user_id, t.required, until)
        if t.channel == Channel.SMS
        else t
        for t in targets
    ]


def _contact_targets(
    event: Event, *, required: bool, now: datetime, lookups: Lookups
) -> list[Target]:
    """An applicant without an account: the contacts recorded on the appeal."""
    appeal = event.appeal
    targets = []
    if appeal.contact_email:
        targets.append(
            Target(Channel.EMAIL, appeal.contact_email, Audience.APPLICANT, None, required)
        )
    if appeal.contact_phone:
        targets.append(
            Target(Channel.SMS, appeal.contact_phone, Audience.APPLICANT, None, required)
        )
    targets = _honour_suppressions(targets, lookups)
    return _defer_sms(
        targets,
        now=now,
        start=DEFAULT_QUIET_FROM,
        end=DEFAULT_QUIET_TO,
        zone=appeal.department.timezone,
    )


def _account_targets(
    event: Event, user: User, *, required: bool, now: datetime, lookups: Lookups
) -> list[Target]:
    appeal = event.appeal
    preference = lookups.preference(user.pk)
    feed = Target(Channel.FEED, f"user:{user.pk}", Audience.APPLICANT, user.pk, required)
    outward: list[Target] = []
    if not preference.kinds or appeal.kind.code in preference.kinds:
        if preference.email and user.email:
            outward.append(Target(Channel.EMAIL, user.email, Audience.APPLICANT, user.pk, required))
        if preference.sms and user.phone:
            outward.append(Target(Channel.SMS, user.phone, Audience.APPLICANT, user.pk, required))
        if preference.push:
            outward += [
                Target(Channel.PUSH, f"push:{pk}", Audience.APPLICANT, user.pk, required)
                for pk in lookups.pushes.get(user.pk, [])
            ]
    outward = _honour_suppressions(outward, lookups)
    if required and not any(t.channel in (Channel.EMAIL, Channel.SMS) for t in outward):
        # The law wants the notice to reach them: the account's e-mail, else the appeal's, else
        # a phone.
        if email := user.email or appeal.contact_email:
            outward.append(Target(Channel.EMAIL, email, Audience.APPLICANT, user.pk, True))
        elif phone := user.phone or appeal.contact_phone:
            outward.append(Target(Channel.SMS, phone, Audience.APPLICANT, user.pk, True))
    outward = _defer_sms(
        outward,
        now=now,
        start=preference.quiet_from,
        end=preference.quiet_to,
        zone=preference.timezone,
    )
    return [feed, *outward]


def applicant_targets(
    event: Event, *, now: datetime, lookups: Lookups | None = None
) -> list[Target]:
    """Return where the applicant is told of ``event`` (empty if they need not be)."""
    if not event.is_public or event.type not in APPLICANT_EVENTS:
        return []
    appeal = event.appeal
    # What they did themselves they know; the registration confirmation carries the number.
    if (
        event.type != EventType.REGISTERED
        and event.actor_id is not None
        and event.actor_id == appeal.applicant_id
    ):
        return []
    required = is_required(event)
    lookups = lookups or Lookups.of([event])
    # A deleted (anonymised) account is reached, like an applicant without one, at the contacts
    # recorded on the appeal: its own e-mail is a placeholder that delivers nowhere.
    if appeal.applicant is None or appeal.applicant.anonymised_at is not None:
        return _contact_targets(event, required=required, now=now, lookups=lookups)
    return _account_targets(event, appeal.applicant, required=required, now=now, lookups=lookups)


# ---- staff --------------------------------------------------------------------------------------


def _heads(department_code: str | None) -> set[int]:
    """The department's heads (its active members if it has none)."""
    if not department_code:
        return set()
    members = Membership.objects.filter(department__code=department_code, user__is_active=True)
    heads = set(members.filter(is_head=True).values_list("user_id", flat=True))
    return heads or set(members.values_list("user_id", flat=True))


def _assignee_at(event: Event) -> int | None:
    """Return who held the appeal when the event happened (it may have moved on since)."""
    last = (
        Event.objects.filter(appeal_id=event.appeal_id, id__lt=event.pk, type__in=_HOLDER_EVENTS)
        .order_by("-id")
        .only("type", "actor_id", "data")
        .first()
    )
    if last is None:
        return event.appeal.assignee_id
    match last.type:
        case EventType.ASSIGNED:
            return last.data.get("assignee_id")
        case EventType.TAKEN:
            return last.actor_id
        case EventType.ANSWERED:
            return event.appeal.assignee_id or last.actor_id
    return None  # redirected or escalated: nobody holds it until someone takes it


def staff_recipients(event: Event) -> set[int]:
    """Return the ids of staff told of ``event``, never its actor."""
    data = event.data
    department = data.get("department") or event.appeal.department.code
    ids: set[int | None]
    match event.type:
        case EventType.ASSIGNED:
            ids = {data.get("assignee_id")}
        case EventType.INFO_PROVIDED | EventType.DOCUMENTS_ADDED:
            ids = {_assignee_at(event)}
        case EventType.ESCALATED:
            ids = set(_heads(data.get("target")))
        case EventType.DUE_SOON:
            assignee = data.get("assignee_id")
            ids = {assignee} if assignee else set(_heads(department))
        case EventType.OVERDUE | EventType.FIRST_RESPONSE_OVERDUE:
            ids = {_assignee_at(event), *_heads(department)}
        case EventType.ANSWER_SUBMITTED:
            ids = set(_heads(department))
        case EventType.ANSWER_RETURNED:
            ids = {data.get("author_id")}
        case _:
            return set()
    return {pk for pk in ids if pk is not None and pk != event.actor_id}


def staff_targets(event: Event) -> list[Target]:
    """Return the console feed and e-mail of every member of staff told of ``event``."""
    if event.type not in STAFF_EVENTS:
        return []
    ids = staff_recipients(event)
    if not ids:
        return []
    email_off = set(
        Preference.objects.filter(user_id__in=ids, email=False).values_list("user_id", flat=True)
    )
    targets = []
    for user_id, email in (
        User.objects.filter(pk__in=ids, is_active=True).order_by("pk").values_list("pk", "email")
    ):
        targets.append(Target(Channel.FEED, f"user:{user_id}", Audience.STAFF, user_id))
        if email and user_id not in email_off:
            targets.append(Target(Channel.EMAIL, email, Audience.STAFF, user_id))
    return targets


# ---- the consumer -------------------------------------------------------------------------------


def plan(event: Event, *, lookups: Lookups | None = None) -> list[Notification]:
    """Return the event's notifications, rendered, unsaved; one per (channel, address)."""
    now = clock.now()
    contexts: dict[str, dict[str, Any]] = {}
    rendered: dict[tuple[str, str], rendering.Rendered] = {}
    rows: dict[tuple[str, str], Notification] = {}
    for target in [*applicant_targets(event, now=now, lookups=lookups), *staff_targets(event)]:
        key = (target.channel, target.address)
        if key in rows:
            continue
        look = (target.channel, target.audience)
        if look not in rendered:
            if target.audience not in contexts:
                contexts[target.audience] = rendering.context_for(event, target.audience)
            rendered[look] = rendering.render(
                event,
                channel=target.channel,
                audience=target.audience,
                context=contexts[target.audience],
            )
        text = rendered[look]
        feed = target.channel == Channel.FEED
        rows[key] = Notification(
            event=event,
            appeal_id=event.appeal_id,
            user_id=target.user_id,
            channel=target.channel,
            address=target.address,
            audience=target.audience,
            required=target.required,
            # The feed is written, not sent: it is delivered the moment it exists.
            state=State.SENT if feed else State.PENDING,
            sent_at=now if feed else None,
            created_at=now,
            next_attempt_at=target.not_before or now,
            subject=text.subject[:300],
            body=text.text,
            html=text.html,
        )
    return list(rows.values())


class Planner:
    """The outbox consumer «notifications»: plans the messages of each journal event."""

    name = "notifications"

    def wants(self, event: Event) -> bool:
        return (event.is_public and event.type in APPLICANT_EVENTS) or event.type in STAFF_EVENTS

    def handle(self, event: Event) -> None:
        self.handle_many([event])

    def handle_many(self, events: list[Event]) -> None:
        """Plan a batch: one read of the applicants' choices, one INSERT of every row."""
        lookups = Lookups.of(events)
        rows = [row for event in events for row in plan(event, lookups=lookups)]
        if not rows:
            return
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        if any(row.state == State.PENDING for row in rows):
            from priemnaya.notifications.sender import wake

            transaction.on_commit(wake)
