"""Articles are searched with the appeals' morphology; drafts never; suggestions for a text."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from priemnaya.core.errors import ValidationFailed
from priemnaya.knowledge.documents import ARTICLES
from priemnaya.knowledge.selectors import article_suggestions, search_articles
from priemnaya.knowledge.services import ArticleData, article_save, article_unpublish
from priemnaya.search.backends import backend


def titles(term: str) -> list[str]:
    return [h.title for h in search_articles(term)]


def test_inflected_words_find_the_article(sms):
    # when / then: «кода», «смс», «приходят» are forms of the article's words
    assert titles("коды не приходят") == [sms.title]
    assert titles("кодом") == [sms.title]
    assert titles("телефона") == [sms.title]


def test_title_and_keyword_matches_rank_above_body_matches(write):
    # given a newer article with the word in its text only, an older one with it in the title
    titled = write("Пароль и вход", "Как войти.")
    write("Уведомления", "Иногда приходит письмо со сбросом пароля.")
    # when
    found = titles("пароли")
    # then
    assert found[0] == titled.title
    assert len(found) == 2


def test_drafts_are_never_found(draft):
    assert titles("шлагбаум") == []
    assert article_suggestions("Сломался шлагбаум у подъезда") == []


def test_unpublishing_takes_the_article_out_of_search(sms, administrator):
    # when
    article_unpublish(actor=administrator, article=sms)
    # then
    assert titles("код") == []


def test_an_edit_of_a_published_article_is_searched_at_once(sms, administrator):
    # when
    article_save(
        actor=administrator,
        article=sms,
        data=ArticleData(
            title=sms.title,
            section=sms.section,
            summary="",
            body="Теперь про голубей.",
            keywords="",
            themes=[],
        ),
    )
    # then
    assert titles("голуби") == [sms.title]
    assert titles("памяти") == []


def test_snippets_mark_the_matched_words_and_escape_the_rest(write):
    # given text holding markup-looking characters
    write("Вход", "Нажмите <b>кнопку</b> «Войти» & введите пароль.")
    # when
    [hit] = search_articles("пароля")
    # then
    assert "<mark>пароль</mark>" in hit.snippet_html
    assert "<b>" not in hit.snippet_html
    assert "&amp;" in hit.snippet_html
    assert "пароль" in hit.snippet
    assert "<mark>" not in hit.snippet


@pytest.mark.parametrize("term", ["", "а", "x" * 10_000, '"', "*", ":", "\x00", "и в на"])
def test_bad_queries_are_refused_naming_q(sms, term):
    with pytest.raises(ValidationFailed) as caught:
        search_articles(term)
    assert "q" in caught.value.errors


@pytest.mark.parametrize(
    "term", ['"код', "код*", "NEAR", "код OR", "код NEAR смс", "код:смс", "код\x00смс"]
)
def test_query_syntax_characters_are_only_separators(sms, term):
    # «NEAR», «OR» are words to search for like any other, found nowhere here
    assert titles(term) == ([] if "NEAR" in term or "OR" in term else [sms.title])


def test_suggestions_take_any_informative_word_and_boost_the_theme(sms, write):
    # given another article sharing a word, on no theme
    other = write("Телефон горячей линии", "Позвоните по телефону 8 800 555-35-35.")
    text = "Здравствуйте! Не приходит смс с кодом на мой телефон, что делать?"
    # when
    plain = article_suggestions(text)
    boosted = article_suggestions(text, theme_code="tech-sms", limit=1)
    # then both are suggested though neither holds every word, the themed one first
    assert {h.id for h in plain} == {sms.pk, other.pk}
    assert [h.id for h in boosted] == [sms.pk]
    assert boosted[0].url == "/help/vhod/ne-prihodit-kod/"


def test_suggestions_for_an_empty_or_unrelated_text_are_empty(sms):
    assert article_suggestions("") == []
    assert article_suggestions("и в на с по") == []
    assert article_suggestions("Голуби на балконе") == []


def test_the_rebuild_command_rebuilds_the_articles_too(sms, draft):
    # given an index emptied behind the service's back
    backend().clear(ARTICLES)
    assert titles("код") == []
    # when
    call_command("search_rebuild", "--clear")
    # then the published article is back and the draft is still out
    assert titles("код") == [sms.title]
    assert backend().count(ARTICLES) == 1
