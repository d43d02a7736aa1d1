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


def test_a_clear_rebuild_puts_back_every_gin_index_with_its_condition(citizen, submit):
    from django.core.management import call_command

    def gin_indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'search_appeal' "
                "AND indexdef LIKE '%%USING gin%%'"
            )
            return {row[0] for row in cursor.fetchall()}

    submit(citizen, subject="Про лифт")
    before = gin_indexes()
    call_command("search_rebuild", "--clear")
    assert gin_indexes() == before
    assert sum("WHERE is_open" in d for d in before) == 2


def test_an_open_search_reads_the_open_only_index():
    from priemnaya.search.backends.postgres import tsquery
    from priemnaya.search.text import parse_query

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM search_appeal s WHERE all_tsv @@ %s::tsquery AND s.is_open",
            [tsquery(parse_query("шлагбаум"))],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_appeal_all_open_gin" in plan
