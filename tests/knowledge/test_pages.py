"""The public help pages, the vote without JavaScript, and the console's suggestions."""

from __future__ import annotations

import pytest
from django.test import Client

from priemnaya.knowledge.models import Article, ArticleFeedback
from tests import factories


def test_help_index_lists_sections_and_articles_without_sign_in(sms, draft, client):
    # when
    page = client.get("/help/")
    # then
    body = page.content.decode()
    assert page.status_code == 200
    assert sms.title in body
    assert "Вход и учётная запись" in body
    assert draft.title not in body
    assert 'href="/help/search/"' in body or 'action="/help/search/"' in body


def test_every_page_links_to_the_help(catalog, client):
    assert 'href="/help/"' in client.get("/").content.decode()
    assert 'href="/help/"' in client.get("/status/").content.decode()


def test_section_and_article_pages(sms, client):
    # when
    section = client.get("/help/vhod/")
    article = client.get("/help/vhod/ne-prihodit-kod/")
    # then
    assert section.status_code == 200
    assert sms.title in section.content.decode()
    body = article.content.decode()
    assert article.status_code == 200
    assert "Проверьте номер телефона" in body
    assert "Обновлено" in body
    assert "Помогла ли статья?" in body


def test_related_articles_share_a_theme(sms, write, client):
    # given
    related = write("Код не подходит", "Код устарел.", themes=("tech-sms",), slug="kod-ne-podhodit")
    # when
    body = client.get("/help/vhod/ne-prihodit-kod/").content.decode()
    # then
    assert "Похожие статьи" in body
    assert related.title in body


def test_unknown_section_or_article_is_404(sms, client):
    assert client.get("/help/net-takogo/").status_code == 404
    assert client.get("/help/vhod/net-takoj/").status_code == 404
    # an article under another section's address is not there either
    assert client.get("/help/drugoj/ne-prihodit-kod/").status_code == 404


def test_a_draft_is_404_to_the_public_and_staff_but_the_editor_previews_it(
    draft, client, operator, citizen, administrator
):
    url = "/help/vhod/chernovik/"
    assert client.get(url).status_code == 404
    assert factories.signed_in(citizen).get(url).status_code == 404
    assert factories.signed_in(operator).get(url).status_code == 404
    page = factories.signed_in(administrator).get(url)
    assert page.status_code == 200
    assert "Черновик" in page.content.decode()


def test_search_page_shows_highlighted_snippets(sms, client):
    # when
    page = client.get("/help/search/", {"q": "телефоны"})
    # then
    body = page.content.decode()
    assert page.status_code == 200
    assert sms.title in body
    assert "<mark>телефона</mark>" in body


@pytest.mark.parametrize("term", ["", "а", "x" * 10_000, '"', "*", "NEAR", ":", "\x00", "<script>"])
def test_search_page_never_fails_on_bad_input(sms, client, term):
    # when
    page = client.get("/help/search/", {"q": term})
    # then a message naming the field, or results; never a 500
    assert page.status_code == 200
    body = page.content.decode()
    assert "<script>" not in body.split("<main", 1)[1]
    if term in ("", "а", "x" * 10_000, '"', "*", ":", "\x00"):
        assert "Поиск по справке»:" in body


def vote(client: Client, article: Article, helpful: str = "yes", comment: str = ""):
    return client.post(
        f"/help/{article.section.slug}/{article.slug}/", {"helpful": helpful, "comment": comment}
    )


def test_a_vote_without_javascript_thanks_and_counts_once_per_session(sms, client):
    # when
    first = vote(client, sms, "yes", "Помогло, спасибо")
    thanks = client.get(first["Location"])
    second = vote(client, sms, "no")
    # then
    assert first.status_code == 302
    assert "thanks=1" in first["Location"]
    assert "Спасибо!" in thanks.content.decode()
    assert "Да</button>" not in thanks.content.decode()  # the form is gone
    assert second.status_code == 422
    assert "уже ответили" in second.content.decode()
    sms.refresh_from_db()
    assert (sms.helpful_yes, sms.helpful_no) == (1, 0)
    assert ArticleFeedback.objects.get().comment == "Помогло, спасибо"


def test_another_browser_votes_separately(sms):
    vote(Client(), sms, "yes")
    vote(Client(), sms, "no")
    sms.refresh_from_db()
    assert (sms.helpful_yes, sms.helpful_no) == (1, 1)


def test_a_bad_vote_is_refused_with_a_message_naming_the_field(sms, client):
    # when
    no_choice = client.post("/help/vhod/ne-prihodit-kod/", {"comment": "x"})
    long = vote(client, sms, "yes", "я" * 1001)
    # then
    assert no_choice.status_code == 422
    assert "«Да» или «Нет»" in no_choice.content.decode()
    assert long.status_code == 422
    assert "1000 символов" in long.content.decode()
    assert ArticleFeedback.objects.count() == 0


def test_a_draft_takes_no_votes(draft, client):
    assert vote(client, draft).status_code == 404


def test_the_vote_needs_the_csrf_token(sms):
    # given a browser that enforces CSRF as a real one does
    client = Client(enforce_csrf_checks=True)
    # when
    refused = vote(client, sms)
    # then
    assert refused.status_code == 403
    assert ArticleFeedback.objects.count() == 0


def test_votes_are_rate_limited_per_address(sms, settings):
    # given a limit of two votes an hour
    settings.PRIEMNAYA_RATE_LIMITS = {**settings.PRIEMNAYA_RATE_LIMITS, "feedback": "2/h"}
    # when three browsers from one address vote
    answers = [vote(Client(REMOTE_ADDR="203.0.113.9"), sms).status_code for _ in range(3)]
    # then
    assert answers == [302, 302, 429]


def test_console_appeal_page_suggests_articles(sms, operator, submit, citizen):
    # given an appeal about an SMS code
    appeal = submit(
        citizen, theme="tech-sms", subject="Не приходит смс", text="Код подтверждения не приходит."
    )
    # when
    body = factories.signed_in(operator).get(f"/console/appeals/{appeal.number}/").content.decode()
    # then
    assert "Статьи базы знаний" in body
    assert sms.title in body
    assert 'href="/help/vhod/ne-prihodit-kod/"' in body


def test_console_page_has_no_block_without_suggestions(catalog, operator, submit, citizen):
    appeal = submit(citizen, subject="Голуби", text="На балконе голуби.")
    body = factories.signed_in(operator).get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "Статьи базы знаний" not in body
