"""The administrator's editor: who may use it, what it saves and audits, publishing."""

from __future__ import annotations

import pytest

from priemnaya.audit.models import AuditEntry
from priemnaya.knowledge.models import Article, ArticleStatus
from tests import factories

FORM = {
    "title": "Как сменить номер телефона",
    "summary": "Коротко.",
    "body": "## Шаги\n\n1. Откройте профиль.\n\n<script>alert(1)</script>",
    "keywords": "телефон номер",
    "themes": [],
}


@pytest.mark.parametrize("who", ["citizen", "operator", "supervisor", "auditor"])
@pytest.mark.parametrize("path", ["/console/kb/", "/console/kb/new/"])
def test_only_the_administrator_reaches_the_editor(request, who, path):
    user = request.getfixturevalue(who)
    assert factories.signed_in(user).get(path).status_code == 403


def test_anonymous_is_sent_to_sign_in(catalog, client):
    answer = client.get("/console/kb/")
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


def test_others_cannot_publish(sms, draft, operator, citizen):
    for user in (operator, citizen):
        client = factories.signed_in(user)
        assert client.post(f"/console/kb/{draft.pk}/publish/").status_code == 403
        assert client.post(f"/console/kb/{sms.pk}/unpublish/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT


def test_create_preview_publish_unpublish_with_audit(administrator, section, client):
    editor = factories.signed_in(administrator)
    # when the administrator creates an article
    created = editor.post("/console/kb/new/", {**FORM, "section": section.pk})
    article = Article.objects.get()
    # then it is a draft, not public yet
    assert created.status_code == 302
    assert article.status == ArticleStatus.DRAFT
    public = f"/help/{section.slug}/{article.slug}/"
    assert client.get(public).status_code == 404
    # the preview renders it safely
    preview = editor.get(f"/console/kb/{article.pk}/preview/").content.decode()
    assert "<h2>Шаги</h2>" in preview
    assert "<script>alert" not in preview
    # when published
    assert editor.post(f"/console/kb/{article.pk}/publish/").status_code == 302
    assert client.get(public).status_code == 200
    # when edited: the version grows
    editor.post(f"/console/kb/{article.pk}/", {**FORM, "section": section.pk, "body": "Новое."})
    article.refresh_from_db()
    assert article.version == 2
    assert article.body == "Новое."
    # when unpublished
    editor.post(f"/console/kb/{article.pk}/unpublish/")
    assert client.get(public).status_code == 404
    # then each act is audited
    actions = list(
        AuditEntry.objects.filter(target_type="knowledge.article")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "knowledge.article_created",
        "knowledge.article_published",
        "knowledge.article_edited",
        "knowledge.article_unpublished",
    ]
    assert AuditEntry.objects.filter(actor_id=administrator.pk, target_id=str(article.pk)).exists()


def test_the_list_filters_by_status(sms, draft, administrator):
    editor = factories.signed_in(administrator)
    drafts = editor.get("/console/kb/", {"status": "draft"}).content.decode()
    published = editor.get("/console/kb/", {"status": "published"}).content.decode()
    assert draft.title in drafts
    assert sms.title not in drafts
    assert sms.title in published
    assert draft.title not in published
    assert editor.get("/console/kb/", {"status": "<bad>"}).status_code == 200


def test_an_empty_form_names_the_fields(administrator):
    page = factories.signed_in(administrator).post("/console/kb/new/", {})
    body = page.content.decode()
    assert page.status_code == 422
    assert "Исправьте ошибки" in body
    assert "Заполните это поле." in body
    assert Article.objects.count() == 0


def test_the_editor_refuses_get_on_publish_and_a_missing_article(administrator):
    editor = factories.signed_in(administrator)
    assert editor.get("/console/kb/1/publish/").status_code == 405
    assert editor.get("/console/kb/999999/").status_code == 404
