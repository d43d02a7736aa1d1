"""GET /api/v1/knowledge/articles: public, the Contract's fields, bad q never a 500."""

from __future__ import annotations

import pytest

from tests import factories


def test_search_lists_published_articles_with_the_contract_fields(sms, draft, client):
    # when
    answer = client.get("/api/v1/knowledge/articles", {"q": "коды"})
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert [i["id"] for i in body["items"]] == [sms.pk]
    item = body["items"][0]
    assert set(item) == {"id", "title", "url", "snippet", "section", "updated_at"}
    assert item["title"] == sms.title
    assert item["url"].endswith("/help/vhod/ne-prihodit-kod/")
    assert "код" in item["snippet"]
    assert "<mark>" not in item["snippet"]
    assert body["has_next"] is False
    assert body["next"] is None
    assert body["page"] == 1


def test_without_q_the_newest_published_come_paged(write, draft, client):
    # given 21 published articles (a page is 20)
    for n in range(21):
        write(f"Статья {n}", "Текст.", slug=f"statya-{n}")
    # when
    first = client.get("/api/v1/knowledge/articles").json()
    second = client.get("/api/v1/knowledge/articles", {"after": first["next"]}).json()
    by_page = client.get("/api/v1/knowledge/articles", {"page": 2}).json()
    # then
    assert len(first["items"]) == 20
    assert first["has_next"] is True
    assert first["items"][0]["title"] == "Статья 20"
    assert (
        [i["title"] for i in second["items"]]
        == ["Статья 0"]
        == [i["title"] for i in by_page["items"]]
    )
    assert draft.pk not in {i["id"] for i in first["items"] + second["items"]}


@pytest.mark.parametrize("term", ["", "а", "x" * 10_000, '"', "*", ":", "\x00", "и"])
def test_bad_q_is_422_naming_q(sms, client, term):
    answer = client.get("/api/v1/knowledge/articles", {"q": term})
    assert answer.status_code == 422, answer.content
    assert "q" in {e["field"] for e in answer.json()["errors"]}


@pytest.mark.parametrize("term", ["NEAR", "код*", '"код', "код OR смс", "{код}"])
def test_query_syntax_is_never_a_500(sms, client, term):
    assert client.get("/api/v1/knowledge/articles", {"q": term}).status_code == 200


def test_bad_paging_is_refused_naming_the_field(sms, client):
    broken = client.get("/api/v1/knowledge/articles", {"after": "не-курсор"})
    zero = client.get("/api/v1/knowledge/articles", {"page": 0})
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "after"
    assert zero.status_code == 422


def test_an_article_comes_with_safe_html(write, client):
    # given
    article = write("Опасная", "**жирно** <script>alert(1)</script> [x](javascript:alert(1))")
    # when
    answer = client.get(f"/api/v1/knowledge/articles/{article.pk}")
    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == article.pk
    assert body["title"] == "Опасная"
    assert "<strong>жирно</strong>" in body["html"]
    assert "<script" not in body["html"]
    assert "javascript:" not in body["html"].split("[x]")[0]
    assert 'href="javascript' not in body["html"]


def test_a_draft_or_missing_article_is_404(draft, client, citizen):
    assert client.get(f"/api/v1/knowledge/articles/{draft.pk}").status_code == 404
    assert client.get("/api/v1/knowledge/articles/999999").status_code == 404
    # signed-in callers see no more than the public
    assert factories.api(citizen)("get", f"/knowledge/articles/{draft.pk}").status_code == 404
