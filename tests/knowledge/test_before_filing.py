"""Issue 12 item 5 (SPEC §6): help before filing — articles, «уже есть такая проблема», one
question per appeal. Offered as a step before submit without JavaScript, as a fragment with it,
and through the API; never forced."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Status
from priemnaya.knowledge.before_filing import before_filing
from priemnaya.search import suggest
from priemnaya.search.earlier import similar_open_appeals
from priemnaya.search.split import Part, question_parts
from tests import factories
from tests.factories import APPEAL_FORM, api, signed_in
from tests.search.suggest_corpus import corpus

SMS = "Третий день не приходит смс с кодом подтверждения на телефон."
PAYMENT = "Оплата госпошлины не проходит картой, деньги списали дважды."
TWO_QUESTIONS = f"{SMS}\n\n{PAYMENT}"

pytestmark = pytest.mark.usefixtures("fresh_suggest_model")


@pytest.fixture
def model(catalog):
    return suggest.train(extra=corpus())


def _form(**changes) -> dict:
    data = {**APPEAL_FORM, "theme": "tech-sms", "subject": "Нет СМС", "text": SMS}
    data.update(changes)
    return data


# ---- one question per appeal --------------------------------------------------------------------


def test_a_text_of_two_unrelated_questions_splits_into_two_parts_on_their_themes(model):
    parts = question_parts(TWO_QUESTIONS)
    assert [p.theme for p in parts] == ["tech-sms", "services-payment"]
    assert [p.text for p in parts] == [SMS, PAYMENT]
    assert parts[0].subject == "Третий день не приходит смс с кодом подтверждения на телефон"
    assert all(p.percent >= 40 for p in parts)


def test_numbered_questions_split_and_sentences_too(model):
    numbered = f"Здравствуйте!\n1. {SMS}\n2) {PAYMENT}"
    assert [p.theme for p in question_parts(numbered)] == ["tech-sms", "services-payment"]
    one_line = f"{SMS} {PAYMENT}"
    assert [p.theme for p in question_parts(one_line)] == ["tech-sms", "services-payment"]


def test_several_sentences_on_one_theme_are_one_question(model):
    text = f"{SMS}\n\nКод из СМС не приходит, хотя номер телефона верный. Не могу получить смс код."
    assert question_parts(text) == []


@pytest.mark.parametrize("text", ["", "   ", SMS, "а" * 5001, "\x00\x00", "1.\n2.\n3."])
def test_one_question_short_or_bad_text_offers_no_split(model, text):
    assert question_parts(text) == []


def test_without_a_model_nothing_is_split(catalog):
    assert question_parts(TWO_QUESTIONS) == []


def test_a_long_first_sentence_makes_a_subject_that_fits():
    part = Part("Слово " * 80 + ". Второе предложение.", "tech-sms", "СМС", 0.9)
    assert len(part.subject) <= 200
    assert part.subject.endswith("…")


# ---- «уже есть такая проблема» ------------------------------------------------------------------


def test_the_citizens_own_open_appeal_on_the_same_problem_is_found(catalog, citizen, other_citizen):
    mine = factories.submit_appeal(citizen, subject="Нет СМС", text=SMS)
    factories.submit_appeal(other_citizen, subject="Нет СМС", text=SMS)
    factories.submit_appeal(citizen, subject="Оплата", text=PAYMENT)
    found = similar_open_appeals(user=citizen, subject="", text="Не приходит код подтверждения смс")
    assert [s.appeal.pk for s in found] == [mine.pk]
    assert found[0].words == ["приходит", "код", "подтверждения", "смс"]


def test_closed_appeals_and_drafts_are_not_offered(catalog, citizen, operator):
    factories.make_appeal(Status.CLOSED, applicant=citizen, staff=operator, text=SMS)
    factories.save_draft(citizen, text=SMS)
    assert similar_open_appeals(user=citizen, subject="", text=SMS) == []


def test_staff_and_anonymous_callers_get_no_appeals(catalog, operator):
    from django.contrib.auth.models import AnonymousUser

    assert similar_open_appeals(user=operator, subject="", text=SMS) == []
    assert similar_open_appeals(user=AnonymousUser(), subject="", text=SMS) == []


def test_before_filing_gathers_articles_appeals_parts_and_the_theme(model, citizen, sms):
    factories.submit_appeal(citizen, subject="Нет СМС", text=SMS)
    found = before_filing(user=citizen, subject="", text=TWO_QUESTIONS, theme_code="tech-login")
    assert [a.title for a in found.articles][:1] == ["Не приходит код из СМС"]
    assert len(found.appeals) == 1
    assert [p.theme for p in found.parts] == ["tech-sms", "services-payment"]
    assert found.theme is not None
    assert found.offers
    # The chosen theme is not suggested back; a short text offers nothing at all.
    assert before_filing(user=citizen, subject="", text=SMS, theme_code="tech-sms").theme is None
    assert not before_filing(user=citizen, subject="СМС", text="нет смс").offers


# ---- the form without JavaScript: a step before submit ------------------------------------------


def test_a_first_send_with_offers_shows_them_and_files_nothing(model, citizen, sms):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", _form(offer_help="1", submit=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="before-filing-step"' in page
    assert "Не приходит код из СМС" in page
    assert 'href="/help/' in page
    assert '<input type="hidden" name="help_seen" value="1">' in page
    assert not Appeal.objects.filter(applicant=citizen).exists()
    # The second send goes through, with the citizen's own theme.
    response = client.post("/cabinet/new/", _form(offer_help="1", help_seen="1", submit=""))
    assert response.status_code == 302
    assert Appeal.objects.get(applicant=citizen).theme.code == "tech-sms"


def test_the_step_shows_the_similar_open_appeal_with_a_link(model, citizen):
    earlier = factories.submit_appeal(citizen, subject="Нет СМС", text=SMS)
    response = signed_in(citizen).post("/cabinet/new/", _form(offer_help="1", submit=""))
    page = response.content.decode()
    assert "Уже есть такая проблема" in page
    assert f'href="/cabinet/appeals/{earlier.number}/"' in page
    assert Appeal.objects.filter(applicant=citizen).count() == 1


def test_nothing_to_offer_sends_at_once(model, citizen):
    response = signed_in(citizen).post("/cabinet/new/", _form(offer_help="1", submit=""))
    assert response.status_code == 302
    assert Appeal.objects.filter(applicant=citizen).count() == 1


def test_a_form_with_mistakes_shows_them_with_the_offers(model, citizen, sms):
    data = _form(offer_help="1", submit="", contact_email="", contact_phone="")
    response = signed_in(citizen).post("/cabinet/new/", data)
    assert response.status_code == 400
    assert 'data-testid="before-filing-step"' not in response.content.decode()
    assert response.context["help"].articles


def test_the_check_button_shows_the_offers(model, citizen, sms):
    response = signed_in(citizen).post("/cabinet/new/", _form(suggest_check=""))
    assert response.status_code == 200
    assert 'data-testid="kb-articles"' in response.content.decode()


# ---- splitting ----------------------------------------------------------------------------------


def test_split_saves_one_draft_per_question_and_opens_the_first(model, citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", _form(text=TWO_QUESTIONS, offer_help="1", submit=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="split-offer"' in page
    assert "Разделить на 2 черновика" in page

    response = client.post("/cabinet/new/", _form(text=TWO_QUESTIONS, split="1"))
    drafts = list(Appeal.objects.filter(applicant=citizen).order_by("pk"))
    assert [(d.status, d.theme.code, d.text) for d in drafts] == [
        (Status.DRAFT, "tech-sms", SMS),
        (Status.DRAFT, "services-payment", PAYMENT),
    ]
    assert all(d.contact_email == APPEAL_FORM["contact_email"] for d in drafts)
    assert response.status_code == 302
    assert response["Location"] == f"/cabinet/drafts/{drafts[0].pk}/"
    assert "Сохранено черновиков: 2" in client.get(response["Location"]).content.decode()


def test_split_of_a_single_question_is_refused_politely(model, citizen):
    response = signed_in(citizen).post("/cabinet/new/", _form(split="1"))
    assert response.status_code == 400
    assert "похоже, в нём один вопрос" in response.content.decode()
    assert not Appeal.objects.filter(applicant=citizen).exists()


def test_split_without_a_kind_names_the_field_and_saves_nothing(model, citizen):
    response = signed_in(citizen).post(
        "/cabinet/new/", _form(text=TWO_QUESTIONS, split="1", kind="")
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Appeal.objects.filter(applicant=citizen).exists()


# ---- the page script's fragment and the API -----------------------------------------------------


def test_the_fragment_renders_the_offers(model, citizen, sms):
    response = signed_in(citizen).post("/cabinet/new/help/", {"text": SMS, "theme": "tech-login"})
    assert response.status_code == 200
    assert 'data-testid="kb-articles"' in response.content.decode()
    empty = signed_in(citizen).post("/cabinet/new/help/", {"text": "привет"})
    assert empty.content.decode().strip() == ""


def test_the_fragment_is_for_signed_in_citizens_with_csrf(model, citizen, client):
    assert client.post("/cabinet/new/help/", {"text": SMS}).status_code == 302
    guarded = signed_in(citizen, enforce_csrf_checks=True)
    assert guarded.post("/cabinet/new/help/", {"text": SMS}).status_code == 403


def test_the_api_offers_articles_appeals_parts_and_theme(model, citizen, sms):
    earlier = factories.submit_appeal(citizen, subject="Нет СМС", text=SMS)
    response = api(citizen)(
        "post", "/suggestions/before-filing", {"text": TWO_QUESTIONS, "theme": "tech-login"}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body["articles"][0]) == {"id", "title", "url", "snippet"}
    assert body["appeals"][0]["number"] == earlier.number
    assert body["appeals"][0]["url"] == f"/api/v1/appeals/{earlier.number}"
    assert [p["theme"] for p in body["parts"]] == ["tech-sms", "services-payment"]
    assert body["theme"]["theme"] in {"tech-sms", "services-payment"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"text": "а" * 5001}, "text"), ({"text": SMS, "subject": "б" * 201}, "subject")],
)
def test_the_api_refuses_too_long_input_naming_the_field(model, citizen, payload, field):
    response = api(citizen)("post", "/suggestions/before-filing", payload)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize("text", ["", '"*NEAR:', "ж" * 4000, "Смс не приходит 短信 SMS"])
def test_the_api_answers_odd_text_with_an_empty_offer(model, citizen, text):
    response = api(citizen)("post", "/suggestions/before-filing", {"text": text})
    assert response.status_code == 200
    assert response.json()["parts"] == []
    assert response.json()["appeals"] == []


def test_the_api_refuses_a_nul_byte_naming_the_field(model, citizen):
    response = api(citizen)("post", "/suggestions/before-filing", {"text": "смс\x00код"})
    assert response.status_code == 422
    assert "text" in {e["field"] for e in response.json()["errors"]}


def test_the_api_needs_a_caller(model):
    assert api()("post", "/suggestions/before-filing", {"text": SMS}).status_code == 401
