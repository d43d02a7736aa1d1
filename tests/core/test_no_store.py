"""Answers with personal data are never stored by browsers or proxies; static files are."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import api, signed_in, submit_appeal

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get(
        "Cache-Control", ""
    )


def test_pages_of_the_cabinet_and_console_are_not_stored(citizen, operator):
    appeal = submit_appeal(citizen)
    for client, path in (
        (signed_in(citizen), "/cabinet/"),
        (signed_in(citizen), f"/cabinet/appeals/{appeal.number}/"),
        (signed_in(citizen), "/cabinet/notifications/"),
        (signed_in(operator), "/console/"),
        (signed_in(operator), f"/console/appeals/{appeal.number}/"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert _no_store(response), (path, response.get("Cache-Control"))


def test_api_answers_and_public_forms_are_not_stored(citizen):
    appeal = submit_appeal(citizen)
    own = api(citizen)("get", f"/appeals/{appeal.number}")
    assert own.status_code == 200
    assert _no_store(own)
    # the status page says whether a number exists: not for a proxy to keep either
    assert _no_store(Client().get("/status/"))
    # and refusals too
    assert _no_store(Client().get("/api/v1/appeals"))


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/web/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
