"""The same corpus gives the same hits on SQLite and PostgreSQL (this file runs on both)."""

from __future__ import annotations

import pytest

from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.core.errors import ValidationFailed
from priemnaya.search.selectors import search_appeals
from tests import factories
from tests.search.helpers import relay

CORPUS = {
    "complaint": ("Жалоба на операторов", "Операторы горячей линии не отвечают на звонки."),
    "requests": ("Обращения не доходят", "Мои обращения теряются, а обращений всё больше."),
    "tree": ("Ёлка во дворе", "Просим убрать старую ЁЛКУ у подъезда."),
    "phrase": ("Вопрос", "Оператор ответил, но жалоба осталась без рассмотрения."),
    "sms": ("Не приходит SMS-код", "Код подтверждения не приходит на телефон."),
}


@pytest.fixture(autouse=True, params=["few", "many", "many-joined"])
def path(request, monkeypatch):
    """Run every test as a small list (a citizen's own appeals, checked id by id) and as a large
    one (a queue, searched from the index's side in windows; on PostgreSQL the last window
    probes each match or, past MANY_MATCHES, joins them with the list), with tiny limits."""
    if request.param == "many-joined":
        monkeypatch.setattr("priemnaya.search.backends.postgres.MANY_MATCHES", 0)
    if request.param.startswith("many"):
        monkeypatch.setattr("priemnaya.search.backends.common.SMALL_WITHIN", 0)
        monkeypatch.setattr("priemnaya.search.backends.sqlite.WALKS", (1, 2))
        monkeypatch.setattr("priemnaya.search.backends.postgres.WINDOWS", (1, 2))
    return request.param


@pytest.fixture
def corpus(citizen, operator):
    """Five appeals of one citizen, filed in CORPUS order (so later ones are newer)."""
    appeals = {
        key: factories.submit_appeal(citizen, subject=subject, text=text)
        for key, (subject, text) in CORPUS.items()
    }
    relay()
    return appeals


def found(user, term: str) -> list[int]:
    return search_appeals(term, within=appeals_visible_to(user=user))


def test_every_inflected_form_finds_every_other(citizen, corpus):
    # given «обращение» in three forms in one appeal
    target = corpus["requests"].pk
    # then each form finds it
    for term in ("обращение", "обращения", "обращений", "обращениями", "ОБРАЩЕНИЮ"):
        assert found(citizen, term) == [target], term


def test_plural_query_finds_singular_and_back(citizen, corpus):
    assert found(citizen, "жалобы на оператора") == [
        corpus["complaint"].pk,  # both words in the subject: ranked first
        corpus["phrase"].pk,
    ]


def test_yo_and_case_are_folded(citizen, corpus):
    tree = corpus["tree"].pk
    assert found(citizen, "елка") == [tree]
    assert found(citizen, "ЁЛКУ") == [tree]
    assert found(citizen, "Ёлочка") == []  # another word, not an inflection


def test_quoted_phrase_needs_adjacent_words_in_order(citizen, corpus):
    # «жалоба … оператор» are far apart in «phrase», adjacent (на is a stop word) in «complaint»
    assert found(citizen, '"жалобы на операторов"') == [corpus["complaint"].pk]
    assert found(citizen, '"операторов жалобы"') == []
    # unquoted, the words may be anywhere
    assert set(found(citizen, "операторов жалобы")) == {
        corpus["complaint"].pk,
        corpus["phrase"].pk,
    }


def test_number_with_or_without_separators(citizen, corpus):
    appeal = corpus["sms"]
    digits = appeal.number
    dashed = appeal.display_number
    for term in (digits, dashed, dashed.replace("-", " "), f"№ {dashed}", f"№{digits}"):
        assert found(citizen, term) == [appeal.pk], term


def test_phone_in_any_format(citizen, catalog):
    # given an appeal with a phone, stored as +79161234567
    appeal = factories.submit_appeal(citizen, contact_phone="8 (916) 123-45-67")
    relay()
    for term in ("+79161234567", "89161234567", "8 916 123 45 67", "+7 (916) 123-45-67"):
        assert found(citizen, term) == [appeal.pk], term
    assert found(citizen, "+7 916 000 00 00") == []


def test_email_is_found_as_a_phrase(citizen, catalog):
    appeal = factories.submit_appeal(citizen, contact_email="ivan.petrov@mail.ru")
    other = factories.submit_appeal(citizen, contact_email="petrov.ivan@mail.ru")
    relay()
    assert found(citizen, "ivan.petrov@mail.ru") == [appeal.pk]
    assert set(found(citizen, "ivan petrov")) == {appeal.pk, other.pk}


def test_ranking_head_matches_first_then_newest(citizen, corpus):
    # given «код» in the subject of «sms» and only in the text of a newer appeal
    newer = factories.submit_appeal(citizen, subject="Другое", text="Пришёл неверный код.")
    relay()
    assert found(citizen, "код") == [corpus["sms"].pk, newer.pk]
    # and among equals the newer first
    newest = factories.submit_appeal(citizen, subject="Снова код", text="Нет.")
    relay()
    assert found(citizen, "код") == [newest.pk, corpus["sms"].pk, newer.pk]


def test_a_miss_is_an_empty_list(citizen, corpus):
    assert found(citizen, "бегемот") == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("NEAR", []),
        ("жалоба:", ["complaint", "phrase"]),
        ("NEAR(жалоба оператор)", []),  # «near жалоба» is one phrase: no such words
        ("жалоба*", ["complaint", "phrase"]),
        ("жалоба OR бегемот", []),
        ("-жалоба", ["complaint", "phrase"]),
        ("{head}: жалоба", []),
        ("'; DROP TABLE x; --", []),
        ("жал\x00оба", []),
        ("abcабв", []),
    ],
)
def test_syntax_characters_are_plain_separators(citizen, corpus, term, expected):
    # «жалоба» is in the subject of «complaint» and the text of «phrase»
    assert found(citizen, term) == [corpus[key].pk for key in expected]


MANY_WORDS = "дом кот лес мост сад река поле гора парк город улица школа книга окно стол стул вода"


@pytest.mark.parametrize(
    "term", ["", "   ", "а", "и в на", '"', "*", ":", "\x00", "x" * 10_000, MANY_WORDS]
)
def test_nothing_to_search_or_too_much_names_q(citizen, corpus, term):
    with pytest.raises(ValidationFailed) as caught:
        found(citizen, term)
    assert caught.value.field == "q"


def test_newer_appeals_out_of_reach_are_skipped(citizen, other_citizen, corpus):
    # given newer matches of another citizen (the walk from the newest meets them first)
    theirs = [
        factories.submit_appeal(other_citizen, subject="Жалоба на операторов") for _ in range(3)
    ]
    relay()
    # then each sees only their own, in rank order
    assert found(citizen, "жалобы") == [corpus["complaint"].pk, corpus["phrase"].pk]
    assert found(other_citizen, "жалобы") == [a.pk for a in reversed(theirs)]


@pytest.mark.parametrize(
    "parts",
    [
        ("Жалоба на оператора", "Звонил 8 (916)", "123-45-67 вчера"),
        ("№ 26-0001234-9", "ёлка ЁЛКИ", ""),
        ("ivan.petrov@mail.ru", "Санкт-Петербург, ул. Ленина, д. 5", "и в на"),
    ],
)
def test_a_documents_analysis_is_its_parts_analyses_joined(parts):
    from priemnaya.search.documents import SEPARATOR, Raw, analyse_raw
    from priemnaya.search.text import analyse

    # Parts are analysed one by one (and cached): the same as the whole, digits never joined.
    document = analyse_raw(Raw(id=1, is_open=True, ids=(), head=(), body=parts))
    assert document.body == analyse(SEPARATOR.join(parts))


TERMS = ("жалобы", "обращение", "елка", "sms код", "оператор")


def test_a_rebuild_in_worker_processes_indexes_the_same(citizen, corpus, monkeypatch):
    from priemnaya.search import documents
    from priemnaya.search.backends import backend

    before = {t: search_appeals(t, within=appeals_visible_to(user=citizen)) for t in TERMS}
    monkeypatch.setattr(documents, "REBUILD_CHUNK", 2)
    assert documents.appeals_rebuild(clear=True, workers=2) == len(corpus)
    after = {t: search_appeals(t, within=appeals_visible_to(user=citizen)) for t in TERMS}
    assert after == before
    assert backend().count(documents.APPEALS) == len(corpus)
