"""Personal data (152-FZ): the citizen's «Мои данные» and the officers' console pages.

Citizens download their data (JSON and a printable summary), file requests about it and delete
their account; quality control and administrators answer requests and keep the breach register;
administrators see where personal data are stored.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from priemnaya.accounts.roles import Role
from priemnaya.appeals.presenters import format_date
from priemnaya.core import clock
from priemnaya.core.errors import ApplicationError, NotFound
from priemnaya.privacy import breaches as breach_services
from priemnaya.privacy import requests as request_services
from priemnaya.privacy.access import is_privacy_officer
from priemnaya.privacy.deletion import account_delete
from priemnaya.privacy.export import personal_data_export
from priemnaya.privacy.models import BreachCategory, Deadline
from priemnaya.privacy.storage import pd_stores
from priemnaya.web.privacy_forms import (
    AccountDeleteForm,
    AnswerForm,
    BreachForm,
    ExtendForm,
    SubjectRequestForm,
)
from priemnaya.web.views.common import _require, apply_errors, citizen_required

officer_required = _require(is_privacy_officer)
administrator_required = _require(lambda user: user.role == Role.ADMINISTRATOR)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# ---- the citizen --------------------------------------------------------------------------------


def _cabinet(request, *, form: SubjectRequestForm | None = None, status: int = 200):
    context = {
        "form": form or SubjectRequestForm(),
        "requests": list(request_services.subject_requests_of(user=request.user)),
        "today": clock.today(),
    }
    return _no_store(render(request, "web/privacy/cabinet.html", context, status=status))


@never_cache
@citizen_required
def cabinet(request):
    return _cabinet(request)


@never_cache
@citizen_required
def export_json(request):
    document = personal_data_export(user=request.user, form="json")
    body = json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="priemnaya-my-data-{clock.today():%Y-%m-%d}.json"'
    )
    return _no_store(response)


@never_cache
@citizen_required
def summary(request):
    document = personal_data_export(user=request.user, form="html")
    return _no_store(render(request, "web/privacy/summary.html", {"doc": document}))


@require_POST
@citizen_required
def request_new(request):
    form = SubjectRequestForm(request.POST)
    if form.is_valid():
        try:
            filed = request_services.subject_request_file(
                user=request.user, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Запрос №{filed.pk} принят. Ответ — не позднее {format_date(filed.due_on)}.",
            )
            return redirect("web:privacy")
    return _cabinet(request, form=form, status=422)


@never_cache
@require_http_methods(["GET", "POST"])
@citizen_required
def delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=request.user, password=form.cleaned_data["password"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            logout(request)
            messages.success(
                request,
                "Учётная запись удалена: личные данные обезличены, войти в неё больше нельзя. "
                "Обращения хранятся установленный законом срок.",
            )
            return redirect("web:home")
    status = 422 if request.method == "POST" else 200
    return _no_store(render(request, "web/privacy/delete.html", {"form": form}, status=status))


# ---- officers: subjects' requests ---------------------------------------------------------------


@never_cache
@officer_required
def requests_list(request):
    show_all = request.GET.get("all") == "1"
    rows = list(
        request_services.subject_requests_for_officer(actor=request.user, open_only=not show_all)
    )
    context = {"rows": rows, "show_all": show_all, "today": clock.today(), "section": "requests"}
    return _no_store(render(request, "web/privacy/requests.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
@officer_required
def request_detail(request, request_id: int):
    answer_form, extend_form = AnswerForm(), ExtendForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form: AnswerForm | ExtendForm
        if action == "answer":
            form = answer_form = AnswerForm(request.POST)
        else:
            form = extend_form = ExtendForm(request.POST)
        if form.is_valid():
            try:
                if action == "answer":
                    request_services.subject_request_answer(
                        actor=request.user,
                        request_id=request_id,
                        answer=form.cleaned_data["answer"],
                    )
                    messages.success(request, "Ответ сохранён, заявитель уведомлён.")
                else:
                    extended = request_services.subject_request_extend(
                        actor=request.user,
                        request_id=request_id,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request,
                        f"Срок продлён до {format_date(extended.due_on)}; заявитель уведомлён.",
                    )
                return redirect("web:privacy_request", request_id=request_id)
            except ApplicationError as exc:
                apply_errors(form, exc)
        status = 422
    try:
        subject_request = request_services.subject_request_view(
            actor=request.user, request_id=request_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        "r": subject_request,
        "answer_form": answer_form,
        "extend_form": extend_form,
        "today": clock.today(),
        "section": "requests",
    }
    return _no_store(render(request, "web/privacy/request.html", context, status=status))


# ---- officers: breaches -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@officer_required
def breaches_list(request):
    form = BreachForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                breach = breach_services.breach_register(
                    actor=request.user,
                    detected_at=form.cleaned_data["detected_at"],
                    description=form.cleaned_data["description"],
                    categories=form.cleaned_data["categories"],
                    subjects_estimate=form.cleaned_data["subjects_estimate"],
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Инцидент №{breach.pk} внесён в реестр.")
                return redirect("web:privacy_breach", breach_id=breach.pk)
        status = 422
    now = clock.now()
    rows = [
        (b, breach_services.breach_timers(b, now=now))
        for b in breach_services.breaches_for_officer(actor=request.user)
    ]
    context = {"rows": rows, "form": form, "section": "breaches"}
    return _no_store(render(request, "web/privacy/breaches.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
@officer_required
def breach_detail(request, breach_id: int):
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "close":
                breach_services.breach_close(actor=request.user, breach_id=breach_id)
                messages.success(request, "Инцидент закрыт.")
            else:
                breach_services.breach_notice_sent(
                    actor=request.user, breach_id=breach_id, deadline=action
                )
                messages.success(request, "Уведомление отмечено направленным.")
            return redirect("web:privacy_breach", breach_id=breach_id)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            error = exc.message
    try:
        breach = breach_services.breach_get(actor=request.user, breach_id=breach_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    labels = dict(BreachCategory.choices)
    context = {
        "b": breach,
        "timers": breach_services.breach_timers(breach),
        "categories": [labels.get(c, c) for c in breach.categories],
        "alerts": list(breach.alerts.order_by("sent_at", "id")),
        "error": error,
        "deadlines": Deadline,
        "section": "breaches",
    }
    status = 409 if error else 200
    return _no_store(render(request, "web/privacy/breach.html", context, status=status))


# ---- administrators: where personal data are stored --------------------------------------------


@never_cache
@administrator_required
def storage(request):
    stores = pd_stores()
    context = {
        "stores": stores,
        "violations": [s for s in stores if not s.in_russia],
        "section": "storage",
    }
    return _no_store(render(request, "web/privacy/storage.html", context))
