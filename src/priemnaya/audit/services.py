"""Appending to the audit log: every privileged or security act calls ``audit_record``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from priemnaya.audit.chain import GENESIS, entry_fields, entry_hash
from priemnaya.audit.models import AuditChainHead, AuditEntry
from priemnaya.core import clock


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
    """
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_role = getattr(actor, "role", "") if actor_id is not None else ""
    with transaction.atomic():
        # select_for_update serialises appenders on PostgreSQL; on SQLite the IMMEDIATE
        # transaction already holds the database's write lock.
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_id=0, last_hash=GENESIS)
        entry = AuditEntry(
            at=clock.now(),
            actor_id=actor_id,
            actor_role=actor_role,
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id not in (None, "") else "",
            details=details or {},
            prev_hash=head.last_hash,
            hash="pending",
        )
        # The id is part of the hash, so the row is inserted first and then sealed.
        entry.hash = f"pending-{head.last_id + 1}-{id(entry)}"
        entry.save()
        entry.refresh_from_db(fields=["at", "details"])
        entry.hash = entry_hash(
            prev_hash=head.last_hash, entry_id=entry.id, fields=entry_fields(entry)
        )
        AuditEntry.objects.filter(pk=entry.pk).update(hash=entry.hash)
        head.last_id, head.last_hash = entry.id, entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry
