"""The hash chain: how an entry's hash is made, and the walk that finds the first broken link."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from priemnaya.audit.models import AuditChainHead, AuditEntry

# The chain starts from this value, so that the first entry has a previous hash too.
GENESIS = "0" * 64


def entry_hash(*, prev_hash: str, entry_id: int, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash, the entry's id and its fields in canonical JSON.

    The id is inside, so moving an entry to another place in the chain breaks it as an edit does.
    """
    body = json.dumps(
        {"id": entry_id, **fields}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def entry_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed fields of a stored entry (``at`` in microsecond ISO form, UTC)."""
    return {
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "details": entry.details,
    }


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a walk: ok, how many entries were checked, and the first broken link."""

    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def chain_verify(*, batch: int = 2000) -> VerifyResult:
    """Walk the log in id order and report the first entry whose link or hash does not hold."""
    prev_hash, prev_id, checked = GENESIS, 0, 0
    last_seen = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_seen).order_by("id")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != prev_hash:
                return VerifyResult(
                    False, checked, entry.id, "ссылка на предыдущую запись не совпадает"
                )
            expected = entry_hash(
                prev_hash=prev_hash, entry_id=entry.id, fields=entry_fields(entry)
            )
            if entry.hash != expected:
                return VerifyResult(False, checked, entry.id, "содержимое записи изменено")
            prev_hash, prev_id = entry.hash, entry.id
            checked += 1
        last_seen = rows[-1].id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != prev_id or head.last_hash != prev_hash):
        return VerifyResult(
            False,
            checked,
            prev_id or None,
            "последние записи удалены (голова цепочки не совпадает)",
        )
    return VerifyResult(True, checked)
