"""The hash chain: how an entry's hash is made, and the walk that finds the first broken link.

Each entry's hash covers the previous entry's hash, its own id and its fields, so an edited,
removed, reordered or inserted row breaks the chain at that row; the chain head (one row, the
last id and hash) catches a cut tail. With ``PRIEMNAYA_AUDIT_KEY`` set, the hash is an
HMAC-SHA256 under that key (kept outside the database), so someone who can write to the database
but does not know the key cannot recompute a consistent chain after a forgery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings

from priemnaya.audit.models import AuditChainHead, AuditEntry

# The chain starts from this value, so that the first entry has a previous hash too.
GENESIS = "0" * 64

VERIFY_BATCH = 5000


def _key() -> bytes:
    return str(getattr(settings, "PRIEMNAYA_AUDIT_KEY", "") or "").encode()


def entry_hash(*, prev_hash: str, entry_id: int, fields: dict[str, Any]) -> str:
    """SHA-256 (HMAC under the audit key, if set) over the previous hash, id and fields.

    The id is inside, so moving an entry to another place in the chain breaks it as an edit does.
    """
    body = json.dumps(
        {"id": entry_id, **fields}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    message = f"{prev_hash}\n{body}".encode()
    key = _key()
    if key:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


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
    # The last entry's hash: write it down elsewhere to catch a rewrite of the whole log.
    head_hash: str = GENESIS


def _missing(first: int, last: int) -> str:
    return f"запись #{first} удалена" if first == last else f"записи #{first}–#{last} удалены"


def chain_verify(*, batch: int = VERIFY_BATCH) -> VerifyResult:
    """Walk the log in id order and report the first entry whose link or hash does not hold.

    Ids are gapless (``audit_record`` takes the head's last id + 1 under the lock), so a gap is a
    deleted row; the head must point at the last entry, or the tail was cut or extended.
    """
    prev_hash, prev_id, checked = GENESIS, 0, 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=prev_id).order_by("id")[:batch])
        if not rows:
            break
        for entry in rows:
            if entry.id != prev_id + 1:
                return VerifyResult(
                    False, checked, prev_id + 1, _missing(prev_id + 1, entry.id - 1)
                )
            if entry.prev_hash != prev_hash:
                return VerifyResult(
                    False, checked, entry.id, "ссылка на предыдущую запись не совпадает"
                )
            expected = entry_hash(
                prev_hash=prev_hash, entry_id=entry.id, fields=entry_fields(entry)
            )
            if not hmac.compare_digest(entry.hash, expected):
                return VerifyResult(False, checked, entry.id, "содержимое записи изменено")
            prev_hash, prev_id = entry.hash, entry.id
            checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if checked:
            return VerifyResult(False, checked, prev_id, "голова цепочки удалена")
        return VerifyResult(True, 0)
    if head.last_id > prev_id:
        return VerifyResult(
            False,
            checked,
            prev_id + 1,
            _missing(prev_id + 1, head.last_id) + f" (голова цепочки указывает на #{head.last_id})",
        )
    if head.last_id < prev_id:
        return VerifyResult(
            False,
            checked,
            head.last_id + 1,
            "запись добавлена в обход журнала (после головы цепочки)",
        )
    if head.last_hash != prev_hash:
        return VerifyResult(
            False, checked, prev_id, "голова цепочки не совпадает с последней записью"
        )
    return VerifyResult(True, checked, head_hash=prev_hash)
