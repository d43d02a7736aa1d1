"""The retention console (issue 14, SPEC §18): policies, legal holds and destruction acts.

Administrators and auditors read it; administrators change policies, place and lift holds and
sign acts. Everyone else gets 404 (the page does not exist for them); an auditor who tries to
change something gets 403.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.appeals.selectors import staff_appeal_get
from priemnaya.core.errors import ApplicationError, NotFound, NotPermitted, ValidationFailed
from priemnaya.retention import documents
from priemnaya.retention.selectors import act_get, acts_list, holds_active, kind_terms
from priemnaya.retention.services import (
    act_downloaded,
    act_sign,
    hold_lift,
    hold_place,
    may_manage,
    may_read,
    pending_counts,
    policy_save,
)
from priemnaya.web.views.common import apply_errors

YEARS = {
    "required": "Укажите число лет.",
    "invalid": "Нужно целое число лет.",
    "min_value": "Не меньше %(limit_value)s.",
    "max_value": "Не больше %(limit_value)s.",
}


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label="Вид обращения", error_messages={"required": "Выберите вид."})
    archive_after_years = forms.IntegerField(
        label="В архив через, лет после закрытия", min_value=1, max_value=100, error_messages=YEARS
    )
    destroy_after_years = forms.IntegerField(
        label="Обезличить через, лет после закрытия",
        min_value=1,
        max_value=100,
        error_messages=YEARS,
    )
    basis = forms.CharField(label="Основание срока", required=False, max_length=300)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *kinds]  # type: ignore[attr-defined]
        self.fields["kind"].error_messages["invalid_choice"] = "Такого вида обращения нет."


class HoldForm(forms.Form):
    number = forms.CharField(
        label="Номер обращения",
        max_length=20,
        error_messages={"required": "Укажите «Номер обращения»."},
    )
    reason = forms.CharField(
        label="Основание",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text="Например: запрос суда, прокуратуры; номер и дата.",
    )


class LiftForm(forms.Form):
    lift_reason = forms.CharField(label="Причина снятия", max_length=1000, required=False)


def reader_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_read(request.user):
            raise Http404("Страница не найдена.")
        return view(request, *args, **kwargs)

    return wrapped


def _page(request, *, policy_form=None, hold_form=None, status=200):
    terms = kind_terms()
    context = {
        "pending": pending_counts(),
        "terms": terms,
        "holds": holds_active(),
        "acts": acts_list()[:100],
        "manage": may_manage(request.user),
        "policy_form": policy_form or PolicyForm(kinds=[(t.code, t.name) for t in terms]),
        "hold_form": hold_form or HoldForm(),
        "lift_form": LiftForm(),
    }
    return render(request, "web/retention/home.html", context, status=status)


@reader_required
def home(request):
    return _page(request)


def _refuse_reader(request) -> None:
    if not may_manage(request.user):
        raise NotPermitted("Сроки хранения, запреты уничтожения и акты ведёт администратор.")


def _forbidden(request, exc: ApplicationError):
    return render(request, "web/errors/403.html", {"reason": exc.message}, status=403)


@require_POST
@reader_required
def policy(request):
    try:
        _refuse_reader(request)
    except NotPermitted as exc:
        return _forbidden(request, exc)
    terms = kind_terms()
    form = PolicyForm(request.POST, kinds=[(t.code, t.name) for t in terms])
    if form.is_valid():
        data = form.cleaned_data
        try:
            policy_save(
                actor=request.user,
                kind=data["kind"],
                archive_years=data["archive_after_years"],
                destroy_years=data["destroy_after_years"],
                basis=data["basis"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Срок хранения сохранён.")
            return redirect("web:retention")
    return _page(request, policy_form=form, status=400)


@require_POST
@reader_required
def hold_new(request):
    try:
        _refuse_reader(request)
    except NotPermitted as exc:
        return _forbidden(request, exc)
    form = HoldForm(request.POST)
    back = request.POST.get("back") == "appeal"
    if form.is_valid():
        try:
            appeal = staff_appeal_get(user=request.user, number=form.cleaned_data["number"])
            hold_place(actor=request.user, appeal=appeal, reason=form.cleaned_data["reason"])
        except (NotFound, ValidationFailed) as exc:
            if isinstance(exc, NotFound) or exc.field == "number":
                form.add_error("number", "Обращение с таким номером не найдено.")
            else:
                apply_errors(form, exc)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Запрет уничтожения установлен.")
            if back:
                return redirect("web:console_detail", number=appeal.number)
            return redirect("web:retention")
    if back and form.cleaned_data.get("number") and not form.has_error("number"):
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return redirect("web:console_detail", number=form.cleaned_data["number"])
    return _page(request, hold_form=form, status=400)


@require_POST
@reader_required
def hold_remove(request, hold_id: int):
    try:
        _refuse_reader(request)
    except NotPermitted as exc:
        return _forbidden(request, exc)
    form = LiftForm(request.POST)
    reason = form.data.get("lift_reason", "")
    try:
        hold = hold_lift(actor=request.user, hold_id=hold_id, reason=reason)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("web:retention")
    messages.success(request, "Запрет уничтожения снят.")
    if request.POST.get("back") == "appeal":
        return redirect("web:console_detail", number=hold.appeal.number)
    return redirect("web:retention")


@reader_required
def act_detail(request, act_id: int):
    try:
        act = act_get(act_id=act_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "web/retention/act.html",
        {"act": act, "items": act.items.all(), "manage": may_manage(request.user)},
    )


@reader_required
def act_file(request, act_id: int, fmt: str):
    if fmt not in ("pdf", "csv"):
        raise Http404("Нет такого формата.")
    try:
        act = act_get(act_id=act_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if act.finished_at is None:
        raise Http404("Акт ещё составляется.")
    act_downloaded(actor=request.user, act=act, fmt=fmt)
    if fmt == "pdf":
        response = HttpResponse(documents.act_pdf(act), content_type="application/pdf")
    else:
        response = HttpResponse(documents.act_csv(act), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="act-{act.number}.{fmt}"'
    return response


@require_POST
@reader_required
def act_approve(request, act_id: int):
    try:
        act_sign(actor=request.user, act_id=act_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except NotPermitted as exc:
        return _forbidden(request, exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Акт утверждён.")
    return redirect("web:retention_act", act_id=act_id)
