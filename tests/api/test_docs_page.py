"""The interactive API docs work offline: every asset is ours; the page is Russian with an h1."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

ATTR_URL = re.compile(r"""\b(?:src|href|action)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@pytest.fixture
def page(db) -> str:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    return response.content.decode()


def test_docs_page_references_no_other_host(page):
    # Neither absolute nor protocol-relative URLs: the docs must load without the internet.
    assert "https://" not in page
    assert "http://" not in page
    assert not [u for u in ATTR_URL.findall(page) if u.startswith("//")]


def test_docs_page_is_russian_and_has_a_heading(page):
    assert re.search(r"<html[^>]*\blang=\"ru\"", page)
    assert re.search(r"<h1[^>]*>[^<]*API[^<]*</h1>", page)


def test_docs_page_turns_off_the_online_validator(page):
    # Swagger UI would otherwise fetch a badge from validator.swagger.io.
    assert '"validatorUrl": null' in page


def test_every_docs_asset_is_served_by_us(page):
    assets = [u for u in ATTR_URL.findall(page) if u.startswith("/static/")]
    assert any(u.endswith(".js") for u in assets)
    assert any(u.endswith(".css") for u in assets)
    client = Client()
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url
        response = client.get(url)
        assert response.status_code == 200, url
