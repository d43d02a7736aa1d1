"""Appending to the audit log: every privileged or security act calls ``audit_record``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from priemnaya.audit.chain import GENESIS, chain_verify, entry_fields, entry_hash
from priemnaya.audit.models import AuditChainHead, AuditEntry, AuditVerification
from priemnaya.core import clock

# Who is acting when a signal, not a view, writes the entry (a role changed in the admin).
_acting: ContextVar[Any] = ContextVar("audit_acting", default=None)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Name ``user`` as the actor of entries written by signal receivers inside the block."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor() -> Any:
    """The user set by ``acting_as`` around the current code, or None (the system)."""
    return _acting.get()


def _head_locked() -> AuditChainHead:
    """The chain head, locked until the transaction ends (created on the first append)."""
    # select_for_update serialises appenders on PostgreSQL; on SQLite the IMMEDIATE
    # transaction already holds the database's write lock.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # No head yet: a fresh database (or a test that emptied the tables). Continue from the last
    # entry, if any, so that the next id never collides with a stored one.
    last = AuditEntry.objects.order_by("-id").first()
    AuditChainHead.objects.get_or_create(
        pk=1,
        defaults={
            "last_id": last.id if last else 0,
            "last_hash": last.hash if last else GENESIS,
        },
    )
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _entry(
    *,
    action: str,
    actor: Any = None,
    target_type: str = "",
    target_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved, unchained entry: who, what, to what, now."""
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_role = getattr(actor, "role", "") if actor_id is not None else ""
    return AuditEntry(
        at=clock.now(),
        actor_id=actor_id,
        actor_role=actor_role or "",
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id not in (None, "") else "",
        # What the database gives back: JSON-normalised (tuples become lists, keys strings).
        details=json.loads(json.dumps(details or {}, ensure_ascii=False, default=str)),
    )


def _append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain and insert the entries after the last one, under the head lock; move the head."""
    if not entries:
        return entries
    with transaction.atomic():
        head = _head_locked()
        last_id, last_hash = head.last_id, head.last_hash
        for entry in entries:
            entry.id, entry.prev_hash = last_id + 1, last_hash
            entry.hash = entry_hash(
                prev_hash=last_hash, entry_id=entry.id, fields=entry_fields(entry)
            )
            last_id, last_hash = entry.id, entry.hash
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries)
        head.last_id, head.last_hash = last_id, last_hash
        head.save(update_fields=["last_id", "last_hash"])
    return entries


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target_type: str = "",
    target_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, linked to the last under the chain-head lock; never personal data.

    ``actor`` is a user (or None for the system and anonymous callers); ``details`` holds codes
    and ids only. Inside the caller's transaction the entry lives and dies with the act it records.

    The entry is written by one INSERT, already sealed: its id is the head's last id + 1, taken
    under the lock, so ids are gapless and the row is never updated afterwards (the database
    refuses UPDATE and DELETE on the table: migration 0002).
    """
    entry = _entry(
        action=action, actor=actor, target_type=target_type, target_id=target_id, details=details
    )
    return _append([entry])[0]


def audit_record_many(records: list[dict[str, Any]]) -> list[AuditEntry]:
    """Append several entries at once (each a dict of ``audit_record``'s arguments).

    One lock, one INSERT, one head update for the lot: what a consumer of a batch of events uses.
    """
    return _append([_entry(**record) for record in records])


def audit_verify() -> AuditVerification:
    """Walk the chain and keep the outcome (the auditor's page shows the last one)."""
    result = chain_verify()
    return AuditVerification.objects.create(
        at=clock.now(),
        ok=result.ok,
        checked=result.checked,
        broken_at=result.broken_at,
        reason=result.reason,
        head_hash=result.head_hash if result.ok else "",
    )
