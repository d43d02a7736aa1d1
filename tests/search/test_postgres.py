"""PostgreSQL only: Python's analysis is what PostgreSQL itself would index."""

from __future__ import annotations

import pytest
from django.db import connection

from priemnaya.search.text import analyse, stem

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WORDS = [
    "обращение",
    "обращения",
    "обращений",
    "жалоба",
    "жалобы",
    "операторов",
    "оператора",
    "подтверждения",
    "приходит",
    "приходят",
    "кабинета",
    "кабинетом",
    "госуслуги",
    "госуслугах",
    "электронной",
    "подписи",
    "сертификата",
    "сертификаты",
    "горячей",
    "линии",
    "звонки",
    "звонков",
    "документов",
    "загрузка",
    "загрузить",
    "статус",
    "статуса",
    "заявления",
    "заявлений",
    "бесплатно",
    "медленно",
    "красивейший",
    "перестройка",
]


def test_stems_are_those_of_postgresqls_russian_dictionary():
    with connection.cursor() as cursor:
        for word in WORDS:
            cursor.execute("SELECT ts_lexize('russian_stem', %s)", [word])
            (lexemes,) = cursor.fetchone()
            assert lexemes == [stem(word)], word


def test_stop_words_are_those_of_the_russian_configuration():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('russian', 'и в на не что он как по для')")
        assert cursor.fetchone()[0] == ""
    assert analyse("и в на не что он как по для") == ""


@pytest.mark.parametrize(
    "text",
    [
        "Жалоба на операторов горячей линии: № 26-0001234-9, тел. 8 (916) 123-45-67.",
        "ivan.petrov@mail.ru abcабв ÉCOLE 1e5 v2.0 x86_64 ½ ² 中文 😊 Ёлка",
        "http://example.ru/path?q=1 <b>тег</b> &amp; 12:30 1.5 -3 +7",
    ],
)
def test_postgresql_splits_the_analysed_text_exactly_as_sqlite_does(text):
    # given the text as analysed in Python (what SQLite's FTS5 indexes, split on spaces)
    analysed = analyse(text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(lexeme ORDER BY lexeme) FROM unnest(to_tsvector('simple', %s))",
            [analysed],
        )
        (lexemes,) = cursor.fetchone()
    # then PostgreSQL's parser finds the same tokens, none split, none dropped
    assert sorted(set(lexemes or [])) == sorted(set(analysed.split()))
