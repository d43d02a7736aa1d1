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


# Canonical JSON: sorted keys, no spaces, UTF-8 as is.
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def entry_hash(
    *, prev_hash: str, entry_id: int, fields: dict[str, Any], key: bytes | None = None
) -> str:
    """SHA-256 (HMAC under the audit key, if set) over the previous hash, id and fields.

    The id is inside, so moving an entry to another place in the chain breaks it as an edit does.
    """
    message = f"{prev_hash}\n{_canonical({'id': entry_id, **fields})}".encode()
    key = _key() if key is None else key
    if key:
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


# The stored columns a verification reads, in this order.
COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "details",
    "prev_hash",
    "hash",
)


def _fields(at, actor_id, actor_role, action, target_type, target_id, details) -> dict[str, Any]:
    return {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_role": actor_role,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "details": details,
    }


def entry_fields(entry: AuditEntry) -> dict[str, Any]:
    """The hashed fields of a stored entry (``at`` in microsecond ISO form, UTC)."""
    return _fields(
        entry.at,
        entry.actor_id,
        entry.actor_role,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.details,
    )


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
    key = _key()
    while True:
        # Plain tuples, not model instances: a third of the time on 100 000 entries.
        rows = list(
            AuditEntry.objects.filter(id__gt=prev_id).order_by("id").values_list(*COLUMNS)[:batch]
        )
        if not rows:
            break
        for entry_id, *values, stored_prev, stored_hash in rows:
            if entry_id != prev_id + 1:
                gap = _missing(prev_id + 1, entry_id - 1)
                return VerifyResult(False, checked, prev_id + 1, gap)
            if stored_prev != prev_hash:
                return VerifyResult(
                    False, checked, entry_id, "ссылка на предыдущую запись не совпадает"
                )
            expected = entry_hash(
                prev_hash=prev_hash, entry_id=entry_id, fields=_fields(*values), key=key
            )
            if not hmac.compare_digest(stored_hash, expected):
                return VerifyResult(False, checked, entry_id, "содержимое записи изменено")
            prev_hash, prev_id = stored_hash, entry_id
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
