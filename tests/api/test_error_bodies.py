"""Every error an API client can meet is the documented JSON, also with DEBUG off (production)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from priemnaya.appeals.models import Appeal
from tests.factories import APPEAL_BODY, api

TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1


def assert_error_json(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["errors"]
    assert {"field", "message", "code"} <= set(body["errors"][0])
    return body


@pytest.fixture
def quiet_client():
    # A production-like client: errors come back as responses instead of being re-raised.
    return Client(raise_request_exception=False)


def test_body_over_the_upload_limit_is_413_json(citizen, quiet_client):
    call = api(citizen, client=quiet_client)
    response = call("post", "/appeals", {**APPEAL_BODY, "text": "ж" * TOO_BIG})
    body = assert_error_json(response, 413)
    assert body["errors"][0]["code"] == "too_large"
    assert "МБ" in body["detail"]
    assert Appeal.objects.count() == 0


def test_body_over_the_upload_limit_without_auth_is_413_json(db, quiet_client):
    call = api(client=quiet_client)
    response = call("post", "/auth/token", {"login": "x" * TOO_BIG, "password": "y"})
    assert_error_json(response, 413)


@override_settings(DEBUG=False)
def test_unhandled_error_is_500_json_without_traceback(catalog, quiet_client, monkeypatch):
    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr("priemnaya.api.routers.catalog.kinds_with_policies", broken)
    response = quiet_client.get("/api/v1/catalog/kinds")
    body = assert_error_json(response, 500)
    assert body["detail"].startswith("Внутренняя ошибка")
    assert body["errors"][0]["code"] == "server_error"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


@override_settings(DEBUG=False)
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/appeals/1/2/3", "/api/v2/appeals"])
def test_unknown_api_address_is_404_json(db, quiet_client, path):
    body = assert_error_json(quiet_client.get(path), 404)
    assert body["errors"][0]["code"] == "not_found"


@override_settings(DEBUG=False)
def test_unknown_page_outside_the_api_stays_html(db, quiet_client):
    response = quiet_client.get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@override_settings(DEBUG=False)
def test_wrong_method_is_405_json_with_allow(citizen, quiet_client):
    response = api(citizen, client=quiet_client)("delete", "/appeals")
    body = assert_error_json(response, 405)
    assert body["errors"][0]["code"] == "method_not_allowed"
    assert "DELETE" in body["detail"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
