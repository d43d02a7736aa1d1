"""Expired and revoked API tokens are deleted after PRIEMNAYA_API_TOKEN_KEEP_DAYS (issue 11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from priemnaya.accounts.models import ApiToken
from priemnaya.accounts.services import api_token_create
from priemnaya.accounts.tokens import token_id_for_key, token_revoke, tokens_purge
from priemnaya.audit.models import AuditEntry
from priemnaya.core.clock import travel_to

# Today: revoking takes the earlier of the service clock and the real one as the expiry.
NOW = datetime.now(UTC).replace(microsecond=0)


def _token(user, *, expires_at: datetime) -> int:
    pk = token_id_for_key(api_token_create(user, name="телефон"))
    ApiToken.objects.filter(pk=pk).update(expires_at=expires_at)
    return pk


def _revoked(user, *, at: datetime) -> int:
    pk = _token(user, expires_at=at + timedelta(days=30))
    with travel_to(at):
        token_revoke(user=user, token_id=pk)
    return pk


def test_tokens_expired_or_revoked_long_ago_go_the_rest_stay(citizen):
    active = _token(citizen, expires_at=NOW + timedelta(days=5))
    expired_lately = _token(citizen, expires_at=NOW - timedelta(days=89))
    expired_long_ago = _token(citizen, expires_at=NOW - timedelta(days=91))
    revoked_lately = _revoked(citizen, at=NOW - timedelta(days=10))
    revoked_long_ago = _revoked(citizen, at=NOW - timedelta(days=200))

    with travel_to(NOW):
        assert tokens_purge(older_than=timedelta(days=90)) == 2
        assert tokens_purge(older_than=timedelta(days=90)) == 0

    left = set(ApiToken.objects.values_list("pk", flat=True))
    assert left == {active, expired_lately, revoked_lately}
    assert expired_long_ago not in left
    assert revoked_long_ago not in left
    # The audit log keeps the revocation of a deleted token (by its id).
    assert AuditEntry.objects.filter(
        action="token.revoked", target_type="api_token", target_id=str(revoked_long_ago)
    ).exists()


def test_purge_runs_as_a_periodic_task_with_the_configured_age(citizen, settings):
    from priemnaya.accounts.tasks import api_tokens_purge

    assert "priemnaya.accounts.tasks.api_tokens_purge" in [
        path for path, _ in settings.PRIEMNAYA_PERIODIC_TASKS
    ]
    old = _token(citizen, expires_at=NOW - timedelta(days=20))
    settings.PRIEMNAYA = {**settings.PRIEMNAYA, "API_TOKEN_KEEP_DAYS": 30}
    with travel_to(NOW):
        assert api_tokens_purge.enqueue().return_value == 0
    settings.PRIEMNAYA = {**settings.PRIEMNAYA, "API_TOKEN_KEEP_DAYS": 7}
    with travel_to(NOW):
        assert api_tokens_purge.enqueue().return_value == 1
    assert not ApiToken.objects.filter(pk=old).exists()
