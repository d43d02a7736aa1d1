"""API tokens as their owner sees them: the list, revoking, and when and where each was last used.

``token_touch`` runs on every bearer call but writes at most once a minute per token: a cache
entry remembers the last write, and the UPDATE itself only matches a token not touched for a
minute, so several processes still write once.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from priemnaya.accounts.models import ApiToken, User
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import NotFound

TOUCH_EVERY = timedelta(minutes=1)


def _touch_cache_key(key_hash: str) -> str:
    return f"priemnaya:api-token-touch:{key_hash}"


# This process's own memory of the last write per token, checked before the shared cache: a busy
# token then costs no cache round trip at all for the rest of its minute.
_touched_here: dict[str, float] = {}
_TOUCHED_HERE_MAX = 10_000


def _recent(last: object, now: float) -> bool:
    return isinstance(last, int | float) and 0 <= now - last < TOUCH_EVERY.total_seconds()


def token_touch(*, key: str, ip: str | None) -> None:
    """Keep ``last_used_at`` and ``last_used_ip`` of the token, at most once a minute."""
    key_hash = ApiToken.hash_key(key)
    now = clock.now()
    stamp = now.timestamp()
    if _recent(_touched_here.get(key_hash), stamp):
        return
    last = cache.get(_touch_cache_key(key_hash))
    if _recent(last, stamp):
        _remember(key_hash, float(last))
        return
    ApiToken.objects.filter(key_hash=key_hash).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOUCH_EVERY)
    ).update(last_used_at=now, last_used_ip=ip)
    cache.set(_touch_cache_key(key_hash), stamp, timeout=120)
    _remember(key_hash, stamp)


def _remember(key_hash: str, stamp: float) -> None:
    if len(_touched_here) >= _TOUCHED_HERE_MAX:
        _touched_here.clear()  # a crude bound: forgetting only costs one cache read per token
    _touched_here[key_hash] = stamp


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, marked so)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_id_for_key(key: str) -> int | None:
    return (
        ApiToken.objects.filter(key_hash=ApiToken.hash_key(key))
        .values_list("pk", flat=True)
        .first()
    )


@transaction.atomic
def token_revoke(*, user: User, token_id: int, reason: str = "owner") -> ApiToken:
    """Revoke one of the user's own tokens; another's (or an unknown id) is NotFound."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("Такого токена нет.", field="token")
    if token.revoked_at is None:
        now = clock.now()
        token.revoked_at = now
        # A revoked token has also expired: every check of the expiry refuses it from now on.
        token.expires_at = min(token.expires_at, now, timezone.now())
        token.save(update_fields=["revoked_at", "expires_at"])
        audit_record(
            action="token.revoked",
            actor=user,
            target_type="api_token",
            target_id=token.pk,
            details={"reason": reason},
        )
    return token


def tokens_purge(*, older_than: timedelta) -> int:
    """Delete tokens expired or revoked more than ``older_than`` ago; return how many.

    A revoked token's expiry is its revocation (``token_revoke``), so one condition covers both.
    Until then the owner still sees them on the security page; the audit log keeps only the id.
    """
    deleted, _ = ApiToken.objects.filter(expires_at__lt=clock.now() - older_than).delete()
    return deleted


def token_state(token: ApiToken) -> str:
    """«active», «revoked» or «expired», for the list."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= clock.now():
        return "expired"
    return "active"
