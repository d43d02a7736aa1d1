"""/healthz answers without the database; /readyz answers 503 with a reason when not ready."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from priemnaya.core import health


@pytest.mark.django_db
def test_healthz_answers_ok_with_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_even_where_database_access_would_raise(client):
    # No django_db mark: pytest-django makes any database access raise here.
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_answers_ok_on_a_migrated_database(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_503_when_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "migrations_pending", lambda: True)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "migrations pending"}


@pytest.mark.django_db
def test_migrations_pending_sees_an_unapplied_migration():
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    assert health.migrations_pending() is False
    # The latest migration of core (an applied leaf hides an unapplied one before it).
    [leaf] = [n for n in MigrationLoader(connection).graph.leaf_nodes() if n[0] == "core"]
    MigrationRecorder(connection).record_unapplied(*leaf)

    assert health.migrations_pending() is True


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unavailable"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.django_db
def test_probes_are_not_redirected_to_https(client, path):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get(path)

    assert response.status_code == 200


def test_other_pages_still_redirect_to_https(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get("/status/")

    assert response.status_code == 301


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
