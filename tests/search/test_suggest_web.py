"""The theme suggestion on the filing form, the console page and the API (issue 12 item 7)."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from priemnaya.search import suggest
from tests.factories import APPEAL_FORM, api, signed_in
from tests.search.suggest_corpus import corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_suggest_model")]

SMS_TEXT = "Третий день не приходит смс с кодом подтверждения на телефон."


@pytest.fixture
def model(catalog):
    return suggest.train(extra=corpus())


# ---- the API ------------------------------------------------------------------------------------


def test_the_api_returns_the_top_three_with_departments_confidence_and_words(model):
    response = api()("post", "/suggestions/theme", {"text": SMS_TEXT, "subject": "Нет СМС"})
    assert response.status_code == 200
    found = response.json()["suggestions"]
    assert len(found) == 3
    first = found[0]
    assert set(first) == {
        "theme",
        "theme_name",
        "department",
        "department_name",
        "confidence",
        "words",
    }
    assert (first["theme"], first["department"]) == ("tech-sms", "support")
    assert first["department_name"]
    assert 0.5 < first["confidence"] <= 1
    assert "смс" in first["words"]


def test_the_api_without_a_model_suggests_nothing(catalog):
    response = api()("post", "/suggestions/theme", {"text": SMS_TEXT})
    assert response.status_code == 200
    assert response.json() == {"suggestions": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "а" * 5001}, "text"),
        ({"text": "смс", "subject": "б" * 201}, "subject"),
        ({"subject": "без текста"}, "text"),
        ({"text": 5}, "text"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(model, body, field):
    response = api()("post", "/suggestions/theme", body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


def test_a_body_that_is_not_json_is_refused_not_a_500(model, client):
    response = client.post(
        "/api/v1/suggestions/theme", data="{не json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_the_api_with_a_model_costs_three_queries_once_loaded(model, django_assert_num_queries):
    caller = api()
    caller("post", "/suggestions/theme", {"text": SMS_TEXT})  # the model is loaded once
    with django_assert_num_queries(3):  # the newest model's id, the themes, the departments
        assert caller("post", "/suggestions/theme", {"text": SMS_TEXT}).status_code == 200


# ---- the filing form without JavaScript ---------------------------------------------------------


def _form(**changes) -> dict:
    data = {**APPEAL_FORM, "theme": "tech-login", "text": SMS_TEXT}
    data.update(changes)
    return data


def test_check_shows_the_suggestion_and_submits_nothing(model, citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", _form(suggest_check=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'Похоже, ваша тема — «<span data-role="name">Подтверждение по SMS</span>»' in page
    assert 'name="suggest_theme" value="tech-sms"' in page
    assert "уверенность" in page
    assert not Appeal.objects.filter(applicant=citizen).exists()


def test_choose_selects_the_theme_and_keeps_the_text(model, citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", _form(suggest_theme="tech-sms"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["theme"].value() == "tech-sms"
    assert form["text"].value() == SMS_TEXT
    assert form["subject"].value() == APPEAL_FORM["subject"]
    assert '<option value="tech-sms" selected>' in response.content.decode()
    # Chosen: the same suggestion is not offered again.
    assert response.context["theme_suggestion"] is None


def test_a_validation_round_shows_the_suggestion_too(model, citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", _form(contact_email="", contact_phone=""))
    assert response.status_code == 400
    assert response.context["theme_suggestion"].theme == "tech-sms"


def test_the_citizens_own_theme_is_kept_on_submit(model, citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", _form(submit=""))
    assert response.status_code == 302
    appeal = Appeal.objects.get(applicant=citizen)
    assert appeal.theme.code == "tech-login"  # not the suggested tech-sms


def test_the_empty_form_has_no_suggestion(model, citizen):
    response = signed_in(citizen).get("/cabinet/new/")
    assert response.context["theme_suggestion"] is None
    assert 'data-testid="theme-suggestion" hidden' in response.content.decode()


def test_the_form_check_with_a_model_costs(model, citizen, django_assert_num_queries):
    client = signed_in(citizen)
    client.post("/cabinet/new/", _form(suggest_check=""))  # the model is loaded once
    # the page as without a model (tests/test_query_counts.py: 14, with issue 14's lookup of the
    # public collective issues like the draft), + themes, + departments
    with django_assert_num_queries(16):
        client.post("/cabinet/new/", _form(suggest_check=""))


# ---- the console --------------------------------------------------------------------------------


def test_the_console_shows_theme_department_words_and_a_forward_hint(
    model, citizen, operator, submit
):
    appeal = submit(citizen, theme="tech-login", subject="Оплата", text="Верните деньги за пошлину")
    response = signed_in(operator).get(f"/console/appeals/{appeal.number}/")
    page = response.content.decode()
    assert 'data-testid="staff-theme-suggestion"' in page
    assert "«Оплата и возврат»" in page
    assert 'data-testid="suggest-forward"' in page  # support ≠ services-support
    assert "Слова:" in page
    appeal.refresh_from_db()
    assert appeal.theme.code == "tech-login"  # a hint changes nothing


def test_the_console_says_when_the_routing_agrees(model, citizen, operator, submit):
    appeal = submit(citizen, theme="tech-sms", subject="СМС", text=SMS_TEXT)
    page = signed_in(operator).get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "совпадает с выбранной" in page
    assert 'data-testid="suggest-forward"' not in page


def test_the_console_without_a_model_has_no_block(catalog, citizen, operator, submit):
    appeal = submit(citizen)
    page = signed_in(operator).get(f"/console/appeals/{appeal.number}/").content.decode()
    assert 'data-testid="staff-theme-suggestion"' not in page
