"""Characters no database can store (NUL, lone surrogates) are 422 on the field, never a 500."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from tests.factories import APPEAL_BODY, api

SURROGATE = "\ud800"
NUL = "\x00"


def assert_invalid_characters(response, field: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    item = next(e for e in body["errors"] if e["field"] == field)
    assert item["code"] == "invalid_characters"
    assert item["message"] == "Недопустимые символы в поле."


@pytest.mark.parametrize("char", [SURROGATE, NUL], ids=["surrogate", "nul"])
@pytest.mark.parametrize("field", ["kind", "theme", "subject", "contact_email", "repeat_of"])
def test_filing_with_unstorable_characters_names_the_field(citizen, field, char):
    response = api(citizen)("post", "/appeals", {**APPEAL_BODY, field: f"a{char}b"})
    assert_invalid_characters(response, field)
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("char", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_withdraw_reason_with_unstorable_characters_is_422(citizen, submit, char):
    appeal = submit(citizen)
    response = api(citizen)("post", f"/appeals/{appeal.number}/withdraw", {"reason": f"x{char}"})
    assert_invalid_characters(response, "reason")
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"


@pytest.mark.parametrize("char", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_rating_comment_with_unstorable_characters_is_422(citizen, answered, char):
    response = api(citizen)(
        "post", f"/appeals/{answered.number}/rate", {"rating": 5, "comment": f"ok{char}"}
    )
    assert_invalid_characters(response, "comment")


@pytest.mark.parametrize("char", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_confirm_comment_with_unstorable_characters_is_422(citizen, head, answered, char):
    api(citizen)("post", f"/appeals/{answered.number}/rate", {"rating": 1, "comment": "Нет."})
    response = api(head)(
        "post", f"/staff/appeals/{answered.number}/confirm", {"comment": f"Верно{char}"}
    )
    assert_invalid_characters(response, "comment")


@pytest.mark.parametrize("char", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_token_password_with_unstorable_characters_is_422(citizen, char):
    response = api()("post", "/auth/token", {"login": citizen.email, "password": f"pass{char}"})
    assert_invalid_characters(response, "password")


@pytest.mark.parametrize("field", ["q", "status", "theme", "kind"])
def test_own_list_filter_with_nul_is_422(citizen, field):
    response = api(citizen)("get", f"/appeals?{field}=a%00b")
    assert_invalid_characters(response, field)


@pytest.mark.parametrize("field", ["q", "status", "theme", "department"])
def test_queue_filter_with_nul_is_422(operator, field):
    response = api(operator)("get", f"/staff/appeals?{field}=a%00b")
    assert_invalid_characters(response, field)


def test_ordinary_text_still_passes(citizen):
    # Typographic signs, other scripts and emoji are text, not hostile characters.
    body = {**APPEAL_BODY, "subject": "«Жалоба» № 5 — 1 500 ₽ ½ 😊 中文"}
    response = api(citizen)("post", "/appeals", body)
    assert response.status_code == 201, response.content


def test_idempotency_key_with_nul_is_422_on_the_header(citizen):
    response = api(citizen)("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k\x00"})
    assert_invalid_characters(response, "Idempotency-Key")
    assert Appeal.objects.count() == 0
