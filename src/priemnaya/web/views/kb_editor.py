"""The administrator's editor of the knowledge base (console pages; forms work without JS)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.accounts.roles import Role
from priemnaya.core.errors import ValidationFailed
from priemnaya.knowledge.models import Article, ArticleStatus
from priemnaya.knowledge.rendering import article_html
from priemnaya.knowledge.selectors import article_url
from priemnaya.knowledge.services import (
    ArticleData,
    article_save,
)
from priemnaya.knowledge.services import (
    article_publish as publish,
)
from priemnaya.knowledge.services import (
    article_unpublish as unpublish,
)
from priemnaya.web.forms_knowledge import ArticleForm
from priemnaya.web.views.common import _require, apply_errors

editor_required = _require(lambda user: user.role == Role.ADMINISTRATOR)
STATUS_FILTERS = {
    "": "Все",
    ArticleStatus.DRAFT: "Черновики",
    ArticleStatus.PUBLISHED: "Опубликованные",
}


def _article(article_id: int) -> Article:
    found = Article.objects.select_related("section").filter(pk=article_id).first()
    if found is None:
        raise Http404("Статья не найдена.")
    return found


@editor_required
def article_list(request):
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    articles = Article.objects.select_related("section").order_by("-updated_at", "-id")
    if status:
        articles = articles.filter(status=status)
    return render(
        request,
        "web/help/editor_list.html",
        {"articles": articles[:500], "status": status, "filters": STATUS_FILTERS},
    )


def _data(form: ArticleForm) -> ArticleData:
    c = form.cleaned_data
    return ArticleData(
        title=c["title"],
        section=c["section"],
        summary=c["summary"],
        body=c["body"],
        keywords=c["keywords"],
        themes=list(c["themes"]),
    )


def _edit(request, article: Article | None):
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                saved = article_save(actor=request.user, data=_data(form), article=article)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Статья сохранена.")
                return redirect("web:kb_edit", article_id=saved.pk)
        status = 422
    else:
        initial = {}
        if article is not None:
            initial = {
                "title": article.title,
                "section": article.section_id,
                "summary": article.summary,
                "body": article.body,
                "keywords": article.keywords,
                "themes": list(article.themes.values_list("pk", flat=True)),
            }
        form = ArticleForm(initial=initial)
        status = 200
    return render(
        request,
        "web/help/editor_form.html",
        {
            "form": form,
            "article": article,
            "public_url": article_url(article) if article else "",
        },
        status=status,
    )


@editor_required
def article_new(request):
    return _edit(request, None)


@editor_required
def article_edit(request, article_id: int):
    return _edit(request, _article(article_id))


@editor_required
def article_preview(request, article_id: int):
    article = _article(article_id)
    return render(
        request,
        "web/help/editor_preview.html",
        {"article": article, "html": article_html(article.pk, article.version, article.body)},
    )


@require_POST
@editor_required
def article_publish(request, article_id: int):
    publish(actor=request.user, article=_article(article_id))
    messages.success(request, "Статья опубликована.")
    return redirect("web:kb_edit", article_id=article_id)


@require_POST
@editor_required
def article_unpublish(request, article_id: int):
    unpublish(actor=request.user, article=_article(article_id))
    messages.success(request, "Статья снята с публикации.")
    return redirect("web:kb_edit", article_id=article_id)
