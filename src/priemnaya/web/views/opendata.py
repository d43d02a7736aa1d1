"""Open data (issue 14): the public summary page, its CSV/JSON exports and schema, published
answers; and the console's form that publishes an answer of public interest (rule 16).

The public pages exist only with PRIEMNAYA_OPEN_DATA on (404 otherwise) and need no account.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from priemnaya.appeals.selectors import appeal_get
from priemnaya.core.errors import ApplicationError, NotFound, NotPermitted, ValidationFailed
from priemnaya.opendata import selectors, services
from priemnaya.opendata.charts import bar_chart
from priemnaya.opendata.exports import summary_csv, table_schema
from priemnaya.opendata.models import PublishedAnswer
from priemnaya.opendata.summary import LABELS, default_period, period_parse, summary
from priemnaya.web.views.common import get_or_404, staff_required

PUBLIC_CACHE = "public, max-age=300"


def open_data_required(view):
    """404 unless open data is turned on (PRIEMNAYA_OPEN_DATA)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PRIEMNAYA_OPEN_DATA:
            raise Http404("Открытые данные не публикуются.")
        return view(request, *args, **kwargs)

    return wrapped


def _period(request):
    """The asked-for period and the form's errors (field → message); defaults on a bad one."""
    raw_from = request.GET.get("from") or None
    raw_to = request.GET.get("to") or None
    try:
        return period_parse(raw_from, raw_to), {}
    except ValidationFailed as exc:
        return default_period(), {f: m[0] for f, m in exc.errors.items()}


SECTIONS = (
    ("theme", "by_theme", "По темам обращений", "Тема"),
    ("region", "by_region", "По территориям (субъектам РФ)", "Субъект РФ"),
    ("month", "by_month", "По месяцам", "Месяц"),
)


@require_GET
@open_data_required
def summary_page(request):
    period, errors = _period(request)
    data = summary(period)
    sections = []
    for code, key, title, head in SECTIONS:
        rows = data[key]
        if code == "month":
            chart = bar_chart(
                rows,
                field="appeals",
                title=f"{title}: поступило обращений",
                chart_id=f"chart-{code}",
                table_id=f"table-{code}",
            )
        else:
            chart = bar_chart(
                rows,
                field="deadline_kept_share",
                title=f"{title}: доля ответов в срок, %",
                chart_id=f"chart-{code}",
                table_id=f"table-{code}",
                maximum=100,
                suffix=" %",
            )
        sections.append({"code": code, "title": title, "head": head, "rows": rows, "chart": chart})
    query = request.GET.urlencode()
    response = render(
        request,
        "web/opendata/summary.html",
        {
            "data": data,
            "period": period,
            "errors": errors,
            "sections": sections,
            "labels": LABELS,
            "form_from": request.GET.get("from", period.date_from.isoformat()),
            "form_to": request.GET.get("to", period.date_to.isoformat()),
            "query": query,
            "status": 200,
        },
        status=422 if errors else 200,
    )
    return response


def _export_period(request):
    try:
        return period_parse(request.GET.get("from") or None, request.GET.get("to") or None)
    except ValidationFailed as exc:
        raise _Invalid(exc) from None


class _Invalid(Exception):
    def __init__(self, exc: ValidationFailed):
        self.exc = exc


def _invalid(exc: ValidationFailed) -> JsonResponse:
    errors = [
        {"field": f, "message": m, "code": exc.code} for f, ms in exc.errors.items() for m in ms
    ]
    return JsonResponse({"detail": exc.message, "errors": errors}, status=422)


@require_GET
@open_data_required
def summary_json(request):
    try:
        period = _export_period(request)
    except _Invalid as bad:
        return _invalid(bad.exc)
    response = HttpResponse(
        json.dumps(summary(period), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'inline; filename="open-data-{period.date_from}-{period.date_to}.json"'
    )
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@require_GET
@open_data_required
def summary_csv_view(request):
    try:
        period = _export_period(request)
    except _Invalid as bad:
        return _invalid(bad.exc)
    response = HttpResponse(summary_csv(summary(period)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="open-data-{period.date_from}-{period.date_to}.csv"'
    )
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@require_GET
@open_data_required
def schema_json(request):
    response = HttpResponse(
        json.dumps(
            table_schema(settings.PRIEMNAYA_OPEN_DATA_MIN_CELL), ensure_ascii=False, indent=1
        ),
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = PUBLIC_CACHE
    return response


# ---- published answers (public) ---------------------------------------------------------------

PAGE = 20
MAX_PAGE = 1000  # beyond it an offset means nothing and a huge one would overflow SQL


@require_GET
@open_data_required
def answers_list(request):
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), MAX_PAGE)
    except ValueError:
        page = 1
    items = list(selectors.published_answers()[(page - 1) * PAGE : page * PAGE + 1])
    return render(
        request,
        "web/opendata/answers.html",
        {
            "items": items[:PAGE],
            "page": page,
            "has_next": len(items) > PAGE,
            "has_prev": page > 1,
        },
    )


@require_GET
@open_data_required
def answer_detail(request, publication_id: int):
    item = get_object_or_404(selectors.published_answers(), pk=publication_id)
    return render(request, "web/opendata/answer.html", {"item": item})


# ---- publishing from the console (staff) -------------------------------------------------------


def _publish_page(request, appeal, answer, *, question, text, public_interest, errors, status=200):
    publications = services_publications(appeal)
    return render(
        request,
        "web/opendata/publish.html",
        {
            "appeal": appeal,
            "answer": answer,
            "question": question,
            "text": text,
            "public_interest": public_interest,
            "errors": errors,
            "publications": publications,
            "live_publication": next((p for p in publications if not p.withdrawn_at), None),
        },
        status=status,
    )


def services_publications(appeal):
    return list(selectors.publications_of(appeal).select_related("published_by", "withdrawn_by"))


@require_http_methods(["GET", "POST"])
@staff_required
def publish(request, number: str):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    try:
        answer = services.publishable_answer(request.user, appeal)
    except (NotPermitted, NotFound):
        raise Http404("Публикация недоступна.") from None
    except ValidationFailed as exc:
        return _publish_page(
            request,
            appeal,
            None,
            question="",
            text="",
            public_interest=False,
            errors={f: m[0] for f, m in exc.errors.items()},
        )
    if request.method == "GET":
        draft = services.publication_draft(appeal, answer)
        return _publish_page(
            request,
            appeal,
            answer,
            question=draft.question,
            text=draft.text,
            public_interest=False,
            errors={},
        )
    question = request.POST.get("question", "")
    text = request.POST.get("text", "")
    public_interest = request.POST.get("public_interest") == "on"
    try:
        published = services.answer_publish(
            actor=request.user,
            appeal=appeal,
            public_interest=public_interest,
            question=question,
            text=text,
        )
    except ValidationFailed as exc:
        errors = {f: m[0] for f, m in exc.errors.items()}
    except ApplicationError as exc:
        errors = {exc.field or "public_interest": exc.message}
    else:
        request.session["od_published"] = published.pk
        return redirect("web:console_publish", number=appeal.number)
    return _publish_page(
        request,
        appeal,
        answer,
        question=question,
        text=text,
        public_interest=public_interest,
        errors=errors,
        status=422,
    )


@require_POST
@staff_required
def withdraw(request, publication_id: int):
    publication = get_object_or_404(
        PublishedAnswer.objects.select_related("answer__appeal"), pk=publication_id
    )
    appeal = publication.answer.appeal
    # Only those who reach the appeal learn that the publication exists.
    get_or_404(appeal_get, user=request.user, number=appeal.number)
    try:
        services.answer_withdraw(actor=request.user, publication=publication)
    except NotFound:
        raise Http404("Публикация не найдена.") from None
    return redirect("web:console_publish", number=appeal.number)
