"""Idempotency-Key handling for creating calls (SPEC §6, §19).

The first request with a key claims it in its own committed row; a retry with the same payload gets
the stored response, a different payload gets 422, and a retry while the first still runs gets 409.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from priemnaya.api.models import IdempotencyRecord
from priemnaya.core.errors import Conflict, ValidationFailed

KEY_MAX = 255


def _fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user, key=key, endpoint=endpoint, request_hash=fingerprint
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(user=user, endpoint=endpoint, key=key)
        if existing.request_hash != fingerprint:
            raise ValidationFailed.single(
                "Idempotency-Key",
                "Этот ключ идемпотентности уже использован с другими данными.",
            ) from None
        if existing.state == IdempotencyRecord.State.RUNNING:
            raise Conflict(
                "Запрос с этим ключом ещё выполняется, повторите позже.", field="Idempotency-Key"
            ) from None
        return existing.response_status, existing.response_body
    try:
        status, body = call()
    except BaseException:
        # Nothing was accepted: free the key so the corrected or repeated request can run.
        record.delete()
        raise
    record.state = IdempotencyRecord.State.DONE
    record.response_status = status
    record.response_body = body
    record.save(update_fields=["state", "response_status", "response_body"])
    return status, body
