"""API tokens: listed without secrets, revoked by their owner, last use kept once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from priemnaya.accounts.models import ApiToken, UserSession
from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from tests.factories import api, make_citizen, signed_in

pytestmark = pytest.mark.django_db


def _call(token: str, method: str, path: str, **extra):
    return getattr(Client(), method)(
        f"/api/v1{path}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        content_type="application/json",
        **extra,
    )


def test_the_owner_lists_own_tokens_without_secrets():
    citizen, stranger = make_citizen(), make_citizen()
    first, second = api(citizen), api(citizen)
    api(stranger)
    response = first("get", "/auth/tokens")
    assert response.status_code == 200
    tokens = response.json()
    assert len(tokens) == 2
    assert set(tokens[0]) == {
        "id",
        "name",
        "created_at",
        "created_ip",
        "last_used_at",
        "last_used_ip",
        "expires_at",
        "revoked_at",
        "state",
        "current",
    }
    body = response.content.decode()
    assert first.token not in body
    assert second.token not in body
    assert "key_hash" not in body
    assert [t["current"] for t in tokens] == [False, True]  # newest first; this call's is marked
    assert {t["state"] for t in tokens} == {"active"}


def test_a_revoked_token_is_refused_and_the_revocation_audited():
    citizen = make_citizen()
    caller, other = api(citizen), api(citizen)
    token_id = ApiToken.objects.get(key_hash=ApiToken.hash_key(other.token)).pk
    response = caller("delete", f"/auth/tokens/{token_id}")
    assert response.status_code == 204
    assert other("get", "/appeals").status_code == 401
    assert caller("get", "/appeals").status_code == 200
    listed = {t["id"]: t for t in caller("get", "/auth/tokens").json()}
    assert listed[token_id]["state"] == "revoked"
    assert listed[token_id]["revoked_at"] is not None
    entry = AuditEntry.objects.get(action="token.revoked")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        citizen.pk,
        "api_token",
        str(token_id),
    )
    # revoking again changes nothing and records nothing
    assert caller("delete", f"/auth/tokens/{token_id}").status_code == 204
    assert AuditEntry.objects.filter(action="token.revoked").count() == 1


def test_another_persons_token_id_answers_404_and_stays_valid():
    citizen, stranger = make_citizen(), make_citizen()
    mine, theirs = api(citizen), api(stranger)
    their_id = ApiToken.objects.get(user=stranger).pk
    response = mine("delete", f"/auth/tokens/{their_id}")
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "token"
    assert mine("delete", "/auth/tokens/999999").status_code == 404
    assert theirs("get", "/appeals").status_code == 200
    assert not AuditEntry.objects.filter(action="token.revoked").exists()


def test_logout_revokes_the_token_of_the_call():
    citizen = make_citizen()
    caller, other = api(citizen), api(citizen)
    assert caller("post", "/auth/logout").status_code == 204
    assert caller("get", "/appeals").status_code == 401
    assert other("get", "/appeals").status_code == 200
    assert AuditEntry.objects.get(action="token.revoked").details == {"reason": "logout"}


def test_anonymous_calls_are_refused_with_401():
    anonymous = api()
    assert anonymous("get", "/auth/tokens").status_code == 401
    assert anonymous("delete", "/auth/tokens/1").status_code == 401
    assert anonymous("post", "/auth/logout").status_code == 401


def test_an_expired_token_is_refused():
    citizen = make_citizen()
    caller = api(citizen)
    ApiToken.objects.filter(user=citizen).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert caller("get", "/auth/tokens").status_code == 401


def test_last_use_is_kept_at_most_once_a_minute():
    citizen = make_citizen()
    caller = api(citizen)
    start = clock.now()
    with clock.travel_to(start):
        _call(caller.token, "get", "/auth/tokens", REMOTE_ADDR="198.51.100.1")
    token = ApiToken.objects.get(user=citizen)
    assert (token.last_used_at, token.last_used_ip) == (start, "198.51.100.1")
    with clock.travel_to(start + timedelta(seconds=40)):
        _call(caller.token, "get", "/auth/tokens", REMOTE_ADDR="198.51.100.2")
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (start, "198.51.100.1")
    later = start + timedelta(seconds=70)
    with clock.travel_to(later):
        _call(caller.token, "get", "/auth/tokens", REMOTE_ADDR="198.51.100.3")
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (later, "198.51.100.3")


def test_the_security_page_lists_tokens_and_revokes_them():
    citizen, stranger = make_citizen(), make_citizen()
    caller = api(citizen)
    theirs = api(stranger)
    token = ApiToken.objects.get(user=citizen)
    their_token = ApiToken.objects.get(user=stranger)
    page = signed_in(citizen)
    html = page.get("/account/security/").content.decode()
    assert f"/account/security/tokens/{token.pk}/revoke/" in html
    assert f"/account/security/tokens/{their_token.pk}/revoke/" not in html
    # another person's token: refused with a message, still valid
    response = page.post(f"/account/security/tokens/{their_token.pk}/revoke/")
    assert response.status_code == 404
    assert theirs("get", "/appeals").status_code == 200
    # one's own: revoked, refused from now on
    response = page.post(f"/account/security/tokens/{token.pk}/revoke/", follow=True)
    assert "Токен отозван" in response.content.decode()
    assert caller("get", "/appeals").status_code == 401
    assert "отозван" in page.get("/account/security/").content.decode()


def test_logout_through_the_api_from_a_browser_ends_its_session():
    citizen = make_citizen()
    browser = signed_in(citizen)
    assert browser.post("/api/v1/auth/logout").status_code == 204
    assert browser.get("/account/security/").status_code == 302
    assert UserSession.objects.get(user=citizen).ended_at is not None
