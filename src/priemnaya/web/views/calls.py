"""The hotline at the operator's place (issue 13): the call log, the call screen, the screen pop,
the second line's call-back queue and, in the demo, the telephony simulator."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from priemnaya.appeals.selectors import page_of
from priemnaya.core import clock
from priemnaya.core.errors import ApplicationError
from priemnaya.hotline import call_selectors as calls
from priemnaya.hotline.callbacks import (
    call_defer,
    deferred_attach_appeal,
    deferred_callback,
    deferred_take,
    is_second_line,
)
from priemnaya.hotline.calls import call_attach_appeal, call_drop, call_resolve, may_handle
from priemnaya.hotline.cti import ENDED, CtiEvent
from priemnaya.hotline.models import Call, Line
from priemnaya.hotline.simulator import SimulatorUnreachable, post_event, ring
from priemnaya.knowledge.selectors import search_articles
from priemnaya.web.forms_calls import (
    CallbackForm,
    CallFilterForm,
    DeferForm,
    DropForm,
    ResolveForm,
    SimulateForm,
)
from priemnaya.web.views.common import _require, apply_errors, get_or_404, staff_required

PAGE_SIZE = 25
second_line_required = _require(is_second_line)


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


def _json_staff(view):
    """A JSON endpoint of the console pages: 401/403 in JSON rather than a page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.works_appeals:
            status = 401 if not request.user.is_authenticated else 403
            message = "Войдите, чтобы продолжить." if status == 401 else "Только для сотрудников."
            return JsonResponse(
                {"detail": message, "errors": [{"field": None, "message": message}]},
                status=status,
            )
        return view(request, *args, **kwargs)

    return wrapped


@staff_required
def call_log(request):
    """«Звонки»: the log (own calls, or every call for supervisors), the current call on top."""
    form = CallFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = calls.CallFilters(
        line=data["line"].pk if data.get("line") else None,
        outcome=data.get("outcome") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows, has_next = page_of(calls.call_list(request.user, filters), page=page, size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "calls": rows,
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "current": calls.current_call(request.user),
        "to_close": calls.calls_to_close(request.user),
        "sees_all": request.user.sees_all_departments,
        "simulator": _simulator_form(request) if calls.simulator_enabled() else None,
    }
    return render(request, "web/console/calls/list.html", context)


@require_GET
@never_cache
@_json_staff
def current_json(request):
    """The screen pop's poll: the call ringing or going on at this operator's place, if any."""
    call = calls.current_call(request.user)
    if call is None:
        return JsonResponse({"call": None})
    return JsonResponse(
        {
            "call": {
                "id": call.pk,
                "url": reverse("web:console_call", args=[call.pk]),
                "line": call.line.name if call.line else call.dialled,
                "caller": call.caller or "номер скрыт",
                "state": call.state,
                "started_at": call.started_at.isoformat(),
            }
        }
    )


def _forms(call: Call, data=None, which: str = "") -> dict:
    def bound(name, cls):
        return cls(data if which == name else None, prefix=name)

    return {
        "resolve_form": bound("resolve", ResolveForm),
        "defer_form": bound("defer", DeferForm),
        "drop_form": bound("drop", DropForm),
    }


def _call_page(request, call: Call, *, forms: dict | None = None, status: int = 200):
    term = (request.GET.get("q") or "").strip()
    hits = search_articles(term, limit=5) if term else []
    context = {
        "call": call,
        "card": calls.caller_card(user=request.user, call=call),
        "q": term,
        "hits": hits,
        "can_handle": may_handle(request.user, call) and not call.outcome,
        "deferred": getattr(call, "deferred", None) if call.outcome == "deferred" else None,
        **(forms or _forms(call)),
    }
    return render(request, "web/console/calls/detail.html", context, status=status)


@staff_required
def call_detail(request, call_id: int):
    call = get_or_404(calls.call_get, user=request.user, call_id=call_id)
    return _call_page(request, call)


@require_POST
@staff_required
def call_act(request, call_id: int, action: str):
    """«Решено на линии», «Отложенное обращение», «Звонок сорвался»."""
    call = get_or_404(calls.call_get, user=request.user, call_id=call_id)
    if action not in ("resolve", "defer", "drop"):
        raise Http404("Нет такого действия.")
    forms = _forms(call, request.POST, action)
    form = forms[f"{action}_form"]
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "resolve":
                call_resolve(actor=request.user, call=call, topic=data["topic"], note=data["note"])
                done = "Звонок закрыт: решено на линии."
            elif action == "defer":
                request_ = call_defer(
                    actor=request.user,
                    call=call,
                    question=data["question"],
                    topic=data["topic"],
                    callback_at=data.get("callback_at"),
                    caller_name=data.get("caller_name", ""),
                    phone=data.get("phone", ""),
                )
                done = (
                    "Отложенное обращение передано второму уровню, срок — "
                    f"{_when(request_.due_at)}."
                )
            else:
                call_drop(actor=request.user, call=call, topic=data["topic"], note=data["note"])
                done = "Звонок отмечен как сорвавшийся."
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("web:console_call", call_id=call.pk)
    return _call_page(request, call, forms=forms, status=400)


# ---- the second line's call-back queue --------------------------------------------------------


@second_line_required
def callback_list(request):
    """«Обратные звонки»: open deferred requests, the soonest due first, overdue marked."""
    done = request.GET.get("done") == "1"
    queue = list(calls.callback_queue(request.user, include_done=done)[:200])
    rows = [(r, calls.is_overdue(r)) for r in queue]
    return render(
        request,
        "web/console/calls/callbacks.html",
        {"rows": rows, "done": done, "form": CallbackForm()},
    )


@require_POST
@second_line_required
def callback_act(request, request_id: int, action: str):
    """«Взять», «Перезвонил — решено», «Не дозвонился»."""
    deferred = get_or_404(calls.deferred_get, user=request.user, request_id=request_id)
    if action not in ("take", "reached", "missed"):
        raise Http404("Нет такого действия.")
    form = CallbackForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("next_at", []):
            messages.error(request, str(error))
        return redirect("web:console_callbacks")
    try:
        if action == "take":
            deferred_take(actor=request.user, request=deferred)
            messages.success(request, f"Запрос № {deferred.pk} взят в работу.")
        else:
            reached = action == "reached"
            updated = deferred_callback(
                actor=request.user,
                request=deferred,
                reached=reached,
                note=form.cleaned_data["note"],
                next_at=form.cleaned_data.get("next_at"),
            )
            messages.success(
                request,
                f"Запрос № {deferred.pk} закрыт: перезвонили, вопрос решён."
                if reached
                else f"Попытка записана. Следующая — {_when(updated.callback_at)}.",
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("web:console_callbacks")


# ---- the demo's telephony simulator -----------------------------------------------------------


def _simulator_form(request) -> SimulateForm:
    return SimulateForm(initial={"line": Line.objects.filter(is_active=True).first()})


@require_POST
@staff_required
def simulate(request, action: str):
    """«Симулятор телефонии» (DEBUG only): ring the current operator or end their call, through
    the real CTI webhook of this very server."""
    if not calls.simulator_enabled() or action not in ("ring", "end"):
        raise Http404("Симулятор телефонии работает только в демо-режиме.")
    base = settings.PRIEMNAYA_SITE_URL
    try:
        if action == "ring":
            form = SimulateForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Укажите номер звонящего.")
                return redirect("web:console_calls")
            line = form.cleaned_data["line"]
            _, sent = ring(
                base,
                line=line.phone if line else "+70000000000",
                caller=form.cleaned_data["caller"],
                agent=request.user.email,
            )
        else:
            current = calls.current_call(request.user)
            if current is None:
                messages.error(request, "Сейчас у вас нет звонка.")
                return redirect("web:console_calls")
            duration = int((clock.now() - current.started_at).total_seconds())
            sent = [post_event(base, CtiEvent(ENDED, current.cti_id, duration=max(duration, 0)))]
    except SimulatorUnreachable as exc:
        messages.error(request, f"Симулятор не достучался до сервиса: {exc}")
        return redirect("web:console_calls")
    failed = [d for d in sent if d.status >= 400]
    if failed:
        messages.error(request, f"CTI-вебхук ответил {failed[0].status}: {failed[0].body}")
    else:
        messages.success(
            request,
            "Симулятор: звонок поступил." if action == "ring" else "Симулятор: звонок завершён.",
        )
    return redirect("web:console_calls")


# ---- «Зарегистрировать обращение» from a call or a deferred request ------------------------------


def registration_source(request) -> tuple[dict, dict[str, str]]:
    """The registration form's pre-fill from ``?call=`` or ``?deferred=`` (GET or the POST's hidden
    field): channel «phone», the caller's number and name, the topic; and the link to keep."""
    params = request.POST if request.method == "POST" else request.GET
    for name in ("call", "deferred"):
        value = params.get(name, "")
        if value.isdigit():
            break
    else:
        return {}, {}
    if name == "call":
        call = get_or_404(calls.call_get, user=request.user, call_id=int(value))
        card = calls.caller_card(user=request.user, call=call, limit=0)
        initial = {
            "contact_phone": call.caller,
            "applicant_name": card.account.full_name if card.account else "",
            "theme": call.topic.code if call.topic else "",
        }
    else:
        deferred = get_or_404(calls.deferred_get, user=request.user, request_id=int(value))
        initial = {
            "contact_phone": deferred.phone,
            "applicant_name": deferred.caller_name,
            "theme": deferred.topic.code,
            "text": deferred.question,
        }
    return {k: v for k, v in initial.items() if v}, {"name": name, "value": value}


def registration_link(request, link: dict[str, str], appeal) -> None:
    """Link the appeal just registered to its call or deferred request (and close them)."""
    if not link:
        return
    try:
        if link["name"] == "call":
            call = calls.call_get(user=request.user, call_id=int(link["value"]))
            call_attach_appeal(actor=request.user, call=call, appeal=appeal)
            messages.success(request, "Звонок закрыт: зарегистрировано обращение.")
        else:
            deferred = calls.deferred_get(user=request.user, request_id=int(link["value"]))
            deferred_attach_appeal(actor=request.user, request=deferred, appeal=appeal)
            messages.success(request, f"Отложенное обращение № {deferred.pk} закрыто.")
    except ApplicationError as exc:
        messages.warning(request, f"Обращение зарегистрировано, но не связано: {exc.message}")
