"""Idempotency-Key handling for creating calls (SPEC §6, §19).

The first request with a key claims it in its own committed row; a retry with the same payload gets
the stored response, a different payload gets 422, and a retry while the first still runs gets 409.

The claim is a lease: it commits before the work, so a server killed mid-request would otherwise
leave it RUNNING and every retry would get 409 forever. Once ``LEASE`` has passed, a retry takes
the claim over and runs the call again. That is safe because the creating services are idempotent
themselves: ``appeal_submit`` finds the appeal an interrupted request did commit by its client token
(``api:<key>``) and returns it instead of filing a second one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
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


def _claim(
    *, user, key: str, endpoint: str, fingerprint: str
) -> tuple[IdempotencyRecord, datetime | None]:
    """Claim the key: return its record and our lease to run the call, or no lease to replay it.

    Raises if the key was used with another payload or another request holds a live lease.
    """
    for _ in range(2):  # the holder may free the key between our insert and our read: retry once
        now = clock.now()
        lease = now + LEASE
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    endpoint=endpoint,
                    request_hash=fingerprint,
                    created_at=now,
                    lease_until=lease,
                )
            return record, lease
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(
                user=user, endpoint=endpoint, key=key
            ).first()
        if existing is None:
            continue
        if existing.request_hash != fingerprint:
            raise ValidationFailed.single(
                "Idempotency-Key",
                "Этот ключ идемпотентности уже использован с другими данными.",
            )
        if existing.state != RUNNING:
            return existing, None
        if _lease_end(existing) > now:
            raise _busy()
        # The holder died (its lease ran out): take the claim over, unless another retry just did.
        taken = IdempotencyRecord.objects.filter(
            pk=existing.pk, state=RUNNING, lease_until=existing.lease_until
        ).update(lease_until=lease)
        if not taken:
            raise _busy()
        return existing, lease
    raise _busy()


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
    record, lease = _claim(user=user, key=key, endpoint=endpoint, fingerprint=_fingerprint(payload))
    if lease is None:
        # A finished call: its status was recorded together with its state.
        return cast(int, record.response_status), record.response_body
    try:
        status, body = call()
    except BaseException:
        # Nothing was accepted: free the key so the corrected or repeated request can run, unless
        # a retry took the claim over meanwhile (then it is that request's to finish or free).
        IdempotencyRecord.objects.filter(pk=record.pk, state=RUNNING, lease_until=lease).delete()
        raise
    # Whoever finishes records the answer; a taken-over call returns the same appeal anyway.
    IdempotencyRecord.objects.filter(pk=record.pk).update(
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
