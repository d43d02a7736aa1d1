"""The public help (issue 12): sections, articles, search, «Помогла ли статья?»."""

from __future__ import annotations

import secrets

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from priemnaya.core.errors import NotFound, ValidationFailed
from priemnaya.knowledge.rendering import article_html
from priemnaya.knowledge.selectors import (
    article_for,
    popular_articles,
    related_articles,
    search_articles,
    section_page,
    sections_with_articles,
)
from priemnaya.knowledge.services import feedback_record
from priemnaya.web.forms_knowledge import FeedbackForm

VOTED_KEY = "knowledge_voted"
BROWSER_KEY = "knowledge_browser"


def index(request):
    return render(
        request,
        "web/help/index.html",
        {"sections": sections_with_articles(), "popular": popular_articles()},
    )


def section(request, section_slug: str):
    try:
        found, articles = section_page(section_slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "web/help/section.html", {"section": found, "articles": articles})


def search(request):
    term = request.GET.get("q", "")
    hits, error = [], ""
    if "q" in request.GET:
        try:
            hits = search_articles(term)
        except ValidationFailed as exc:
            error = next(iter(exc.errors.get("q", [exc.message])))
    return render(request, "web/help/search.html", {"q": term, "hits": hits, "error": error})


def _article_page(request, article, form=None, status=200):
    voted = article.pk in request.session.get(VOTED_KEY, [])
    context = {
        "article": article,
        "html": article_html(article.pk, article.version, article.body),
        "related": related_articles(article),
        "form": form or FeedbackForm(),
        "voted": voted,
        "thanks": request.GET.get("thanks") == "1" and voted,
    }
    return render(request, "web/help/article.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def article(request, section_slug: str, slug: str):
    try:
        found = article_for(section_slug=section_slug, slug=slug, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.method != "POST":
        return _article_page(request, found)
    return _vote(request, found)


def _vote(request, found):
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _article_page(request, found, form=form, status=422)
    # A random id of this browser, kept in its session (saved with the answer by the session
    # middleware): the vote is tied to it, never to the session key itself.
    browser = request.session.setdefault(BROWSER_KEY, secrets.token_hex(16))
    try:
        feedback_record(
            article=found,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
            session_key=browser,
        )
    except ValidationFailed as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return _article_page(request, found, form=form, status=422)
    voted = list(request.session.get(VOTED_KEY, []))[-200:]
    request.session[VOTED_KEY] = [*voted, found.pk]
    return redirect(f"{request.path}?thanks=1#feedback")


__all__ = ["article", "index", "search", "section"]
