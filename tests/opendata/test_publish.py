"""Published answers (LEGAL.md §6 rule 16): the anonymiser, who may publish, refusals, audit,
the public list, withdrawal."""

from __future__ import annotations

import pytest
from django.test import Client

from priemnaya.appeals import services as appeal_services
from priemnaya.audit.models import AuditEntry
from priemnaya.opendata.anonymise import NAME, Personal, anonymise, leftovers
from priemnaya.opendata.models import PublishedAnswer
from tests import factories

PERSON = Personal(
    names=("Лаптева Серафима Игнатьевна",),
    phones=("+79031112233",),
    emails=("lapteva.s@example.ru",),
    addresses=("г. Тверь, ул. Советская, д. 5, кв. 12",),
    numbers=("2600001234",),
)


def test_the_anonymiser_removes_what_identifies_the_applicant():
    text = (
        "Уважаемая Серафима Игнатьевна! По обращению № 26-0001234-0 сообщаем: С. И. Лаптевой "
        "направлен код на 8 (903) 111-22-33 и lapteva.s@example.ru. Адрес: г. Тверь, ул. "
        "Советская, д. 5, кв. 12; также ул. Ленина, д. 7, кв. 3. Паспорт 45 12 345678, "
        "СНИЛС 123-456-789 01. Ссылка: https://example.ru/reset?token=abcdef. Справка: "
        "https://www.gosuslugi.ru/help"
    )
    out = anonymise(text, PERSON)
    for leftover in (
        "Серафим",
        "Игнатьевн",
        "Лаптев",
        "26-0001234",
        "111-22-33",
        "example.ru/reset",
        "lapteva",
        "Советская",
        "Ленина",
        "345678",
        "789 01",
        "С. И.",
    ):
        assert leftover not in out, (leftover, out)
    assert NAME in out
    assert "https://www.gosuslugi.ru/help" in out  # a link without a token stays
    assert leftovers(out, PERSON) == []


def test_leftovers_name_what_remains():
    found = leftovers("Ответ Лаптевой на +7 903 111-22-33, пишите lapteva.s@example.ru", PERSON)
    assert "имя заявителя" in found
    assert "телефон заявителя" in found
    assert "адрес электронной почты" in found


@pytest.fixture
def people(catalog):
    citizen = factories.make_citizen(full_name="Лаптева Серафима Игнатьевна")
    operator = factories.make_operator()
    appeal = factories.submit_appeal(
        citizen,
        text="Меня зовут Лаптева Серафима, телефон +79031112233. Не могу войти.",
        contact_phone="+79031112233",
    )
    appeal = appeal_services.appeal_take(appeal=appeal, actor=operator)
    appeal = appeal_services.appeal_answer(
        appeal=appeal,
        actor=operator,
        outcome="resolved",
        text="Уважаемая Серафима Игнатьевна! Сброс пароля выполнен, войдите заново.",
    )
    return {"citizen": citizen, "operator": operator, "appeal": appeal}


def _url(appeal) -> str:
    return f"/console/publish/{appeal.number}/"


def test_only_heads_quality_control_and_administrators_publish(people, head, supervisor):
    appeal = people["appeal"]
    assert factories.signed_in(people["operator"]).get(_url(appeal)).status_code == 404
    assert factories.signed_in(people["citizen"]).get(_url(appeal)).status_code == 403
    assert Client().get(_url(appeal)).status_code == 302
    other_head = factories.make_head("services")
    assert factories.signed_in(other_head).get(_url(appeal)).status_code == 404
    for user in (head, supervisor):
        page = factories.signed_in(user).get(_url(appeal))
        assert page.status_code == 200
        html = page.content.decode()
        # The form comes pre-filled with the anonymised texts.
        assert "Лаптев" not in html
        assert "Серафим" not in html
        assert "79031112233" not in html
    detail = factories.signed_in(head).get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "Опубликовать ответ как общественно значимый" in detail
    detail = factories.signed_in(people["operator"]).get(f"/console/appeals/{appeal.number}/")
    assert "Опубликовать ответ" not in detail.content.decode()


def test_publishing_needs_the_flag_and_refuses_leftovers(people, head):
    appeal, client = people["appeal"], factories.signed_in(head)
    refused = client.post(
        _url(appeal), {"question": "Не могу войти.", "text": "Сброс пароля выполнен."}
    )
    assert refused.status_code == 422
    assert "общественно значим" in refused.content.decode()
    leaked = client.post(
        _url(appeal),
        {
            "public_interest": "on",
            "question": "Не могу войти, пишет Лаптева.",
            "text": "Перезвоним на +7 903 111-22-33.",
        },
    )
    assert leaked.status_code == 422
    html = leaked.content.decode()
    assert "имя заявителя" in html
    assert "телефон заявителя" in html
    assert not PublishedAnswer.objects.exists()


def test_publish_list_detail_and_withdraw_are_audited(people, head):
    appeal, client = people["appeal"], factories.signed_in(head)
    draft = client.get(_url(appeal)).context
    response = client.post(
        _url(appeal),
        {"public_interest": "on", "question": draft["question"], "text": draft["text"]},
    )
    assert response.status_code == 302
    published = PublishedAnswer.objects.get()
    assert published.public_interest
    entry = AuditEntry.objects.filter(action="answer.published").latest("id")
    assert entry.actor_id == head.pk
    public = Client()
    listing = public.get("/open-data/answers/").content.decode()
    detail = public.get(f"/open-data/answers/{published.pk}/").content.decode()
    for html in (listing, detail):
        assert appeal.display_number not in html
        assert "Лаптев" not in html
        assert "Серафим" not in html
        assert "79031112233" not in html
    assert "Сброс пароля выполнен" in detail
    # The original answer is never shown: its greeting named the applicant.
    assert "Уважаемая Серафима" not in detail
    again = client.post(
        _url(appeal), {"public_interest": "on", "question": "Вопрос.", "text": "Ответ."}
    )
    assert again.status_code == 422
    assert PublishedAnswer.objects.count() == 1
    assert client.post(f"/console/published/{published.pk}/withdraw/").status_code == 302
    published.refresh_from_db()
    assert published.withdrawn_at is not None
    assert AuditEntry.objects.filter(action="answer.publication_withdrawn").exists()
    assert public.get(f"/open-data/answers/{published.pk}/").status_code == 404
    assert "Опубликованных ответов пока нет" in public.get("/open-data/answers/").content.decode()


def test_others_cannot_withdraw(people, head):
    appeal, client = people["appeal"], factories.signed_in(head)
    draft = client.get(_url(appeal)).context
    client.post(
        _url(appeal),
        {"public_interest": "on", "question": draft["question"], "text": draft["text"]},
    )
    published = PublishedAnswer.objects.get()
    outsider = factories.signed_in(factories.make_head("services"))
    assert outsider.post(f"/console/published/{published.pk}/withdraw/").status_code == 404
    operator = factories.signed_in(people["operator"])
    assert operator.post(f"/console/published/{published.pk}/withdraw/").status_code == 404
    published.refresh_from_db()
    assert published.withdrawn_at is None


@pytest.mark.parametrize("page", ["abc", "-3", "99999999999999999999999"])
def test_the_public_list_takes_any_page_number(catalog, page):
    assert Client().get("/open-data/answers/", {"page": page}).status_code == 200
