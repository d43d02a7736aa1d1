"""The sender's queue: claim due notifications, hand them to their channel, record what happened.

One round (``deliver_once``) is three short steps:

1. **claim**: in one transaction, pending rows that are due and not leased are locked
   (``SKIP LOCKED`` on PostgreSQL; on SQLite the IMMEDIATE transaction serialises claimers),
   leased for ``PRIEMNAYA_NOTIFY_LEASE`` seconds and their attempt counted;
2. **send**: outside any transaction, one batch per channel (one SMTP connection per batch);
3. **record**: per batch, one transaction writes every attempt and the rows' new state — sent,
   retried later with exponential back-off and full jitter, or parked as failed with the reason.

A sender that dies between 2 and 3 leaves its rows leased; the lease expires and another round
sends them again — at least once; the stable ``Message-ID`` lets mail clients drop the repeat.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q

from priemnaya.core import clock
from priemnaya.notifications import channels
from priemnaya.notifications.channels.base import SendResult
from priemnaya.notifications.models import (
    Audience,
    Channel,
    DeliveryAttempt,
    Notification,
    Preference,
    State,
)

logger = logging.getLogger("priemnaya.notifications.sender")

DEFAULT_LEASE_SECONDS = 120
DEFAULT_RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600
DEFAULT_MAX_ATTEMPTS = 8
# Staff e-mails to one address in one claim from which a digest is sent instead.
DIGEST_MIN = 3
LOOP_BATCH = 200
POLL_SECONDS = 0.5
ERROR_MAX = 2000


class _Signal:
    """Like ``threading.Event``, but ``set`` wakes one waiting loop, not all of them.

    The planner signals once per committed batch; one loop claiming it is enough, and every loop
    waking would make the others pay an empty claim each. A signal set while no loop waits is
    kept for the next one that does.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._set = False

    def set(self) -> None:
        with self._condition:
            self._set = True
            self._condition.notify()

    def wake_all(self) -> None:
        """Wake every waiting loop without setting the signal (to let them see a stop)."""
        with self._condition:
            self._condition.notify_all()

    def wait(self, timeout: float) -> bool:
        """Sleep until set or the timeout; return True if set (and take the signal)."""
        with self._condition:
            if not self._set:
                self._condition.wait(timeout)
            woken, self._set = self._set, False
        return woken


_wakeup = _Signal()


def wake() -> None:
    """Tell a sender loop in this process that notifications were planned (``on_commit``)."""
    _wakeup.set()


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off with full jitter: random in [0, min(cap, base·2^(attempts−1))]."""
    base = _setting("PRIEMNAYA_NOTIFY_RETRY_BASE", DEFAULT_RETRY_BASE_SECONDS)
    ceiling = min(RETRY_CAP_SECONDS, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(0, ceiling))  # noqa: S311 — not crypto


# ---- claim --------------------------------------------------------------------------------------


def claim(*, channel: str | None = None, limit: int = 100) -> list[Notification]:
    """Lease up to ``limit`` due pending notifications to this sender and count the attempt."""
    now = clock.now()
    lease = timedelta(seconds=_setting("PRIEMNAYA_NOTIFY_LEASE", DEFAULT_LEASE_SECONDS))
    with transaction.atomic():
        rows = Notification.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            state=State.PENDING, next_attempt_at__lte=now
        )
        rows = rows.filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        if channel is not None:
            rows = rows.filter(channel=channel)
        claimed = list(
            rows.exclude(channel=Channel.FEED)
            .select_related("appeal")
            .order_by("next_attempt_at", "id")[:limit]
        )
        if claimed:
            Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(
                leased_until=now + lease, attempts=F("attempts") + 1
            )
        for row in claimed:
            row.leased_until = now + lease
            row.attempts += 1
    return claimed


# ---- digest -------------------------------------------------------------------------------------


def _digest_groups(rows: Sequence[Notification]) -> list[list[Notification]]:
    """Staff e-mails to one address, DIGEST_MIN or more, whose owner wants a digest."""
    by_address: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.audience == Audience.STAFF:
            by_address[row.address].append(row)
    many = {a: group for a, group in by_address.items() if len(group) >= DIGEST_MIN}
    if not many:
        return []
    users = {row.user_id for group in many.values() for row in group if row.user_id}
    no_digest = set(
        Preference.objects.filter(user_id__in=users, digest=False).values_list("user_id", flat=True)
    )
    return [group for group in many.values() if group[0].user_id not in no_digest]


# ---- send and record ----------------------------------------------------------------------------


def _send(channel: str, rows: list[Notification]) -> list[SendResult]:
    """Send one channel's batch; a sender that raises fails the whole batch as temporary."""
    sender = channels.sender_for(channel)
    groups = _digest_groups(rows) if channel == Channel.EMAIL else []
    digest_of = getattr(sender, "send_with_digests", None)
    try:
        results = digest_of(rows, groups) if groups and digest_of else sender.send(rows)
        if len(results) != len(rows):
            raise RuntimeError(f"{len(results)} results for {len(rows)} notifications")
    except Exception as exc:
        logger.warning("%s sender failed on a batch of %d: %s", channel, len(rows), exc)
        error = f"{type(exc).__name__}: {exc}"
        return [SendResult(ok=False, error=error) for _ in rows]
    return results


def _failure_reason(row: Notification, result: SendResult, max_attempts: int) -> str | None:
    """Return why the row is parked as failed, or None if it is to be retried."""
    error = result.error or result.provider_answer or "неизвестная ошибка / unknown error"
    if result.permanent:
        return f"Адрес отклонён, повтор не поможет / permanent failure: {error}"
    if row.attempts >= max_attempts:
        return f"Не доставлено за {row.attempts} попыток / gave up after {row.attempts}: {error}"
    return None


def record(rows: list[Notification], results: list[SendResult], *, duration_ms: int) -> None:
    """Write each attempt and each row's new state in one transaction."""
    now = clock.now()
    max_attempts = _setting("PRIEMNAYA_NOTIFY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
    attempts = []
    for row, result in zip(rows, results, strict=True):
        attempts.append(
            DeliveryAttempt(
                notification_id=row.pk,
                at=now,
                ok=result.ok,
                provider_answer=result.provider_answer,
                error=result.error[:ERROR_MAX],
                duration_ms=duration_ms,
            )
        )
        row.leased_until = None
        if result.ok:
            row.state = State.SENT
            row.sent_at = now
            row.provider_id = (result.provider_id or result.provider_answer)[:200]
            row.last_error = ""
            continue
        reason = _failure_reason(row, result, max_attempts)
        if reason is None:
            row.next_attempt_at = now + retry_delay(row.attempts)
            row.last_error = (result.error or result.provider_answer)[:ERROR_MAX]
        else:
            row.state = State.FAILED
            row.last_error = reason[:ERROR_MAX]
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(attempts)
        _save_outcomes(rows)


_SENT_FIELDS = ("state", "sent_at", "provider_id", "leased_until", "last_error")
_FAILED_FIELDS = ("state", "leased_until", "last_error")
_RETRY_FIELDS = ["leased_until", "next_attempt_at", "last_error"]
# Up to this many distinct outcomes are written as one UPDATE each; beyond, one bulk CASE update.
_GROUPED_UPDATES_MAX = 8


def _save_outcomes(rows: list[Notification]) -> None:
    """Write the rows' new state. A batch mostly shares one outcome (sent, «250 OK»): one plain
    UPDATE per outcome is far cheaper than a CASE per row and column. Retries differ by their
    jittered time and are few: one bulk update."""
    groups: dict[tuple[tuple[str, object], ...], list[int]] = defaultdict(list)
    retries = []
    for row in rows:
        if row.state == State.PENDING:
            retries.append(row)
            continue
        names = _SENT_FIELDS if row.state == State.SENT else _FAILED_FIELDS
        groups[tuple((name, getattr(row, name)) for name in names)].append(row.pk)
    if retries:
        Notification.objects.bulk_update(retries, _RETRY_FIELDS)
    if len(groups) > _GROUPED_UPDATES_MAX:
        changed = [row for row in rows if row.state != State.PENDING]
        Notification.objects.bulk_update(changed, sorted({*_SENT_FIELDS, *_FAILED_FIELDS}))
        return
    for values, ids in groups.items():
        Notification.objects.filter(pk__in=ids).update(**dict(values))


def deliver_once(
    *, channel: str | None = None, limit: int = 100, on_full: Callable[[], None] | None = None
) -> int:
    """Claim due notifications, send them by channel, record the results; return how many.

    ``on_full`` is called between the claim and the sending when the claim took ``limit`` rows.
    """
    rows = claim(channel=channel, limit=limit)
    if on_full is not None and len(rows) >= limit:
        on_full()
    deliver(rows)
    return len(rows)


def deliver(rows: list[Notification]) -> None:
    """Send claimed notifications by channel and record the results, one batch per channel."""
    by_channel: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)
    for name, batch in by_channel.items():
        started = time.monotonic()
        results = _send(name, batch)
        elapsed = int((time.monotonic() - started) * 1000)
        record(batch, results, duration_ms=elapsed // max(len(batch), 1))


def next_due() -> datetime | None:
    """Return when the earliest pending notification is due (for health pages and tests)."""
    return (
        Notification.objects.filter(state=State.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def drain(*, channel: str | None = None, limit: int = LOOP_BATCH) -> int:
    """Deliver until nothing is due; return how many were handled (benchmarks, management)."""
    total = 0
    while handled := deliver_once(channel=channel, limit=limit):
        total += handled
    return total


# A helper loop looks at the queue on its own this rarely: it is woken when there is work.
HELPER_POLL_SECONDS = 30.0


def _loop(stop: threading.Event, *, poll: float = POLL_SECONDS) -> None:
    """Claim and deliver while claims come full, else wait for ``wake()`` or the poll.

    A full claim wakes another loop before sending, so that while this one waits for the SMTP
    server another claims the next batch. A claim that was not full took everything that was
    due: the loop then waits, and the rows planned meanwhile gather into the next claim instead
    of being claimed one or two at a time.
    """
    while not stop.is_set():
        full = False
        try:
            full = deliver_once(limit=LOOP_BATCH, on_full=wake) >= LOOP_BATCH
        except Exception:
            logger.exception("notification sender failed; retrying")
        finally:
            close_old_connections()
        if not full:
            _wakeup.wait(poll)


def run_forever(stop: threading.Event) -> None:
    """Deliver while there is work, then wait for ``wake()`` or the poll; survive any error.

    ``PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER`` loops share the queue through their claims: while
    one waits for the SMTP server's replies, another builds and records its batch. Only this one
    polls; the helpers wait to be woken (by the planner or by a full claim).
    """
    extra = [
        threading.Thread(
            target=_loop,
            args=(stop,),
            kwargs={"poll": HELPER_POLL_SECONDS},
            daemon=True,
            name=f"notify-sender-{n}",
        )
        for n in range(1, max(_setting("PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER", 4), 1))
    ]
    for thread in extra:
        thread.start()
    _loop(stop)
    # The helpers may be asleep for their long poll: wake them until they have seen the stop.
    deadline = time.monotonic() + 10
    for thread in extra:
        while thread.is_alive() and time.monotonic() < deadline:
            _wakeup.wake_all()
            thread.join(0.05)
