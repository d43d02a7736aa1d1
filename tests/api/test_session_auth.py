"""Session (cookie) auth: anonymous calls are 401; a real session still needs the CSRF token."""

from __future__ import annotations

import json

from django.test import Client

from priemnaya.appeals.models import Appeal
from tests.factories import APPEAL_BODY, signed_in


def test_anonymous_post_is_401_not_a_csrf_error(db):
    # given a client with neither a session cookie nor a token, checking CSRF like a browser
    client = Client(enforce_csrf_checks=True)
    # when
    response = client.post(
        "/api/v1/appeals", json.dumps(APPEAL_BODY), content_type="application/json"
    )
    # then
    assert response.status_code == 401
    body = response.json()
    assert body["errors"][0]["field"] == "Authorization"
    assert body["errors"][0]["code"] == "unauthorized"


def test_bad_bearer_token_post_is_401(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/appeals",
        json.dumps(APPEAL_BODY),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert response.status_code == 401


def test_session_post_without_csrf_token_is_403_json(citizen):
    client = signed_in(citizen, enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/appeals", json.dumps(APPEAL_BODY), content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["errors"][0]["field"] == "X-CSRFToken"
    assert body["errors"][0]["code"] == "csrf_failed"
    assert "CSRF" in body["detail"]
    assert Appeal.objects.count() == 0


def test_session_post_with_csrf_token_is_accepted(citizen):
    client = signed_in(citizen, enforce_csrf_checks=True)
    client.get("/")  # the pages set the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/appeals",
        json.dumps(APPEAL_BODY),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content
