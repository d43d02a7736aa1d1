"""«Мои данные» in the cabinet and the officers' links: who reaches what."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


def test_citizen_page_and_navigation(citizen):
    page = factories.signed_in(citizen).get("/cabinet/privacy/")
    body = page.content.decode()

    assert page.status_code == 200
    assert 'href="/cabinet/privacy/"' in body  # «Мои данные» in the navigation
    assert "Мои данные" in body
    assert 'href="/cabinet/privacy/export.json"' in body
    assert 'href="/cabinet/privacy/summary/"' in body
    assert 'href="/cabinet/privacy/delete/"' in body
    assert page["Cache-Control"].count("no-store") >= 1


def test_anonymous_is_sent_to_sign_in():
    for url in ("/cabinet/privacy/", "/cabinet/privacy/export.json", "/console/privacy/breaches/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["operator", "supervisor", "auditor"])
def test_staff_have_no_citizen_privacy_page(role, request):
    client = factories.signed_in(request.getfixturevalue(role))
    assert client.get("/cabinet/privacy/").status_code == 403
    assert client.get("/cabinet/privacy/export.json").status_code == 403


def test_officers_see_the_console_link(supervisor, operator):
    officer = factories.signed_in(supervisor).get("/console/").content.decode()
    worker = factories.signed_in(operator).get("/console/").content.decode()
    assert 'href="/console/privacy/requests/"' in officer
    assert 'href="/console/privacy/requests/"' not in worker


def test_summary_page_prints_without_chrome(citizen):
    body = factories.signed_in(citizen).get("/cabinet/privacy/summary/").content.decode()
    assert "privacy-print.css" in body
    assert 'media="print"' in body
