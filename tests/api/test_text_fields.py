"""Text rules over the API: a comment or reason that breaks them is 422 on its field."""

from __future__ import annotations

from tests.factories import api

TOO_LONG = "я" * 2001


def test_the_api_names_the_field(registered, citizen):
    response = api(citizen)("post", f"/appeals/{registered.number}/withdraw", {"reason": TOO_LONG})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"
