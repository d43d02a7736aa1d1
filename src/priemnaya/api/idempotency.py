"""Idempotency-Key handling for creating calls (SPEC §6, §19).

The first request with a key claims it; a retry with the same payload gets the stored response, a
different payload gets 422.

The claim, the call and its recorded answer are one transaction (since issue 11: before, the claim
committed on its own first, and the answer was written in a third). A retry that arrives while the
first request runs waits on the claim's row (PostgreSQL's unique index; SQLite's write lock) and
then replays the answer; a request that fails or whose server dies leaves nothing behind, so the
retry simply runs. Claims committed as RUNNING by the code before that still hold a lease: a retry
gets 409 until ``LEASE`` has passed, then takes the claim over and runs the call again. That is
safe because the creating services are idempotent themselves: ``appeal_submit`` finds the appeal
an interrupted request did commit by its client token (``api:<key>``) and returns it instead of
filing a second one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Q

from priemnaya.api.models import IdempotencyRecord
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, ValidationFailed

KEY_MAX = 255
# Far longer than any creating call takes, short enough that an app's retries soon get through.
LEASE = timedelta(seconds=30)
# Apps retry within minutes; a day covers a phone that was offline overnight.
KEEP = timedelta(days=1)

RUNNING = IdempotencyRecord.State.RUNNING


def _fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _busy() -> Conflict:
    return Conflict(
        "Запрос с этим ключом ещё выполняется, повторите позже.", field="Idempotency-Key"
    )


def _lease_end(record: IdempotencyRecord) -> datetime:
    # A claim from before leases existed has none: give it the lease it would have had.
    return record.lease_until or record.created_at + LEASE


def _insert_claim(
    *, user, key: str, endpoint: str, fingerprint: str, now: datetime, lease: datetime
) -> int | None:
    """Insert a RUNNING claim in one statement; return its id, or None if the key is taken.

    ON CONFLICT DO NOTHING waits for a concurrent claim of the same key to commit or roll back,
    and raises nothing, so no savepoint is needed around it.
    """
    quote = connection.ops.quote_name
    table = quote(IdempotencyRecord._meta.db_table)
    names = ["user_id", "key", "endpoint", "request_hash", "state", "created_at", "lease_until"]
    columns = ", ".join(quote(n) for n in names)  # each field's column is its attname here
    adapt = connection.ops.adapt_datetimefield_value
    values = [user.pk, key, endpoint, fingerprint, RUNNING, adapt(now), adapt(lease)]
    # Only quoted model names are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _claim(*, user, key: str, endpoint: str, fingerprint: str) -> tuple[int, Any, datetime | None]:
    """Claim the key: return its record's id, the stored answer and our lease to run the call
    (or no lease: replay the stored answer). Runs inside the caller's transaction.

    Raises if the key was used with another payload or another request holds a live lease.
    """
    for _ in range(2):  # the key may be purged between our insert and our read: retry once
        now = clock.now()
        lease = now + LEASE
        record_id = _insert_claim(
            user=user, key=key, endpoint=endpoint, fingerprint=fingerprint, now=now, lease=lease
        )
        if record_id is not None:
            return record_id, None, lease
        existing = IdempotencyRecord.objects.filter(user=user, endpoint=endpoint, key=key).first()
        if existing is not None:
            break
    else:
        raise _busy()
    if existing.request_hash != fingerprint:
        raise ValidationFailed.single(
            "Idempotency-Key",
            "Этот ключ идемпотентности уже использован с другими данными.",
        )
    if existing.state != RUNNING:
        return existing.pk, existing, None
    if _lease_end(existing) > now:
        raise _busy()
    # The holder died (its lease ran out): take the claim over, unless another retry just did.
    taken = IdempotencyRecord.objects.filter(
        pk=existing.pk, state=RUNNING, lease_until=existing.lease_until
    ).update(lease_until=lease)
    if not taken:
        raise _busy()
    return existing.pk, None, lease


def run_idempotent(
    *,
    user,
    key: str,
    endpoint: str,
    payload: dict[str, Any],
    call: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run ``call`` once per (user, endpoint, key); return its (status, body) every time."""
    key = key.strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationFailed.single(
            "Idempotency-Key", f"Ключ идемпотентности — от 1 до {KEY_MAX} символов."
        )
    fingerprint = _fingerprint(payload)
    # One transaction: a failed call rolls its claim back with it, freeing the key for the
    # corrected or repeated request.
    with transaction.atomic():
        record_id, done, lease = _claim(
            user=user, key=key, endpoint=endpoint, fingerprint=fingerprint
        )
        if lease is None:
            # A finished call: its status was recorded together with its state.
            return cast(int, done.response_status), done.response_body
        status, body = call()
        IdempotencyRecord.objects.filter(pk=record_id).update(
            state=IdempotencyRecord.State.DONE, response_status=status, response_body=body
        )
    return status, body


def idempotency_purge(older_than: timedelta = KEEP) -> int:
    """Delete keys claimed more than ``older_than`` ago (never a live claim); return how many."""
    now = clock.now()
    stale = IdempotencyRecord.objects.filter(created_at__lt=now - older_than).exclude(
        Q(state=RUNNING) & Q(lease_until__gt=now)
    )
    deleted, _ = stale.delete()
    return deleted
