"""Content-Security-Policy: every page from this server only, with no inline script or style."""

import re

import pytest

from tests.factories import make_citizen

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/catalog/kinds"])
def test_pages_and_api_answers_carry_a_strict_policy(client, path):
    policy = _policy(client.get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_no_page_of_the_cabinet_has_inline_script_or_style(client):
    client.force_login(make_citizen())
    for path in ["/", "/cabinet/", "/cabinet/new/", "/cabinet/notifications/settings/"]:
        body = client.get(path).content.decode()
        # A script element is fine only when it loads a file or holds data (json_script).
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert " style=" not in body, path
        assert "<style" not in body, path


def test_only_the_admin_lets_inline_styles_in(admin_client):
    policy = _policy(admin_client.get("/admin/"))
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]
