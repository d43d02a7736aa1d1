"""Collective issues (issue 14): the staff's suggestions and issues, the public page, co-signing."""

from __future__ import annotations

import re
from typing import cast

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.appeals.permissions import head_department_ids
from priemnaya.collective import services
from priemnaya.collective.selectors import (
    cluster_suggestions,
    issue_detail,
    issue_get,
    issues_list,
    open_issues_for_merge,
    public_issue_get,
    signed_by,
)
from priemnaya.core.errors import ApplicationError
from priemnaya.web.views.common import apply_errors, citizen_required, get_or_404, staff_required

_SPLIT = re.compile(r"[\s,;]+")


class CreateForm(forms.Form):
    """A new collective issue: the suggestion's appeals come as «appeals» values, others typed."""

    numbers = forms.CharField(
        label="Номера обращений",
        required=False,
        help_text="Через запятую или пробел, например 26-0000123-2, 26-0000124-1.",
        max_length=4000,
    )
    title = forms.CharField(label="Название (увидят граждане)", max_length=200)
    summary = forms.CharField(
        label="Описание проблемы для граждан",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Без имён, адресов и текста обращений: его прочитает каждый.",
    )
    place = forms.CharField(label="Место (населённый пункт, адрес)", max_length=200, required=False)
    is_public = forms.BooleanField(
        label="Открыть для присоединения граждан (публичная страница, «Присоединиться»)",
        required=False,
    )

    def all_numbers(self) -> list[str]:
        return [n for n in _SPLIT.split(self.cleaned_data.get("numbers", "")) if n]


class AddForm(forms.Form):
    numbers = forms.CharField(
        label="Номера обращений",
        max_length=4000,
        help_text="Через запятую или пробел.",
    )

    def all_numbers(self) -> list[str]:
        return [n for n in _SPLIT.split(self.cleaned_data["numbers"]) if n]


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Ответ всем подписавшим",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=19_000,
        help_text="Уйдёт каждому открытому обращению как ответ по существу и всем подписавшим.",
    )


class RepresentativeForm(forms.Form):
    representative = forms.TypedChoiceField(label="Представитель заявителей", coerce=int)

    def __init__(self, *args, signers=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["representative"])
        field.choices = [(s.pk, s.full_name) for s in signers]


def _may_merge(user) -> bool:
    return user.sees_all_departments or bool(head_department_ids(user))


def _index(request, create_form=None, status=200):
    open_issues = open_issues_for_merge(user=request.user)
    clusters = [(c, c.joinable(open_issues)) for c in cluster_suggestions(user=request.user)]
    context = {
        "issues": issues_list(user=request.user),
        "clusters": clusters,
        "may_merge": _may_merge(request.user),
        "create_form": create_form or CreateForm(),
    }
    return render(request, "web/collective/console_index.html", context, status=status)


@staff_required
def console_index(request):
    """Suggested clusters of similar open appeals and the collective issues of one's departments."""
    return _index(request)


@require_POST
@staff_required
def console_create(request):
    """Create a collective issue from a suggestion's appeals or typed numbers."""
    data = request.POST.copy()
    # A suggestion's appeals are checked boxes «appeals»; shown back as typed numbers on refusal.
    chosen = [n for n in request.POST.getlist("appeals") if n]
    data["numbers"] = " ".join([*chosen, data.get("numbers", "")]).strip()
    form = CreateForm(data)
    if form.is_valid():
        try:
            issue = services.collective_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                numbers=form.all_numbers(),
                is_public=form.cleaned_data["is_public"],
                place=form.cleaned_data["place"],
            )
        except ApplicationError as exc:
            apply_errors(form, _field_for_form(exc))
        else:
            messages.success(
                request, f"Создано коллективное обращение № {issue.pk}; заявители уведомлены."
            )
            return redirect("web:console_collective", issue_id=issue.pk)
    return _index(request, create_form=form, status=400)


def _field_for_form(exc: ApplicationError) -> ApplicationError:
    # The page's field for the appeals is «numbers» (the chosen ones are hidden inputs).
    if exc.field == "appeals":
        exc.field = "numbers"
        if hasattr(exc, "errors"):
            exc.errors = {"numbers": exc.errors.get("appeals", [exc.message])}
    return exc


def _detail(request, issue, *, add=None, answer=None, representative=None, status=200):
    detail = issue_detail(issue=issue)
    active = [s for s in detail.signers if s.withdrawn_at is None]
    context = {
        "detail": detail,
        "issue": issue,
        "may_manage": services.may_manage(request.user, issue),
        "add_form": add or AddForm(),
        "answer_form": answer or AnswerForm(),
        "representative_form": representative
        or RepresentativeForm(
            signers=active,
            initial={"representative": detail.representative.pk} if detail.representative else None,
        ),
    }
    return render(request, "web/collective/console_detail.html", context, status=status)


@staff_required
def console_detail(request, issue_id: int):
    """One collective issue: its appeals, signers, representative, answer and delivery log."""
    issue = get_or_404(issue_get, user=request.user, issue_id=issue_id)
    services.collective_viewed(actor=request.user, issue=issue)
    return _detail(request, issue)


@require_POST
@staff_required
def console_add(request, issue_id: int):
    issue = get_or_404(issue_get, user=request.user, issue_id=issue_id)
    form = AddForm(request.POST)
    if form.is_valid():
        try:
            services.collective_add_appeals(
                actor=request.user, issue=issue, numbers=form.all_numbers()
            )
        except ApplicationError as exc:
            apply_errors(form, _field_for_form(exc))
        else:
            messages.success(request, "Обращения добавлены; заявители уведомлены.")
            return redirect("web:console_collective", issue_id=issue.pk)
    return _detail(request, issue, add=form, status=400)


@require_POST
@staff_required
def console_answer(request, issue_id: int):
    issue = get_or_404(issue_get, user=request.user, issue_id=issue_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.collective_answer(
                actor=request.user, issue=issue, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            if exc.field == "signers":
                exc.field = None
            apply_errors(form, exc)
        else:
            messages.success(
                request, "Ответ дан: он ушёл каждому открытому обращению и подписавшим."
            )
            return redirect("web:console_collective", issue_id=issue.pk)
    return _detail(request, issue, answer=form, status=400)


@require_POST
@staff_required
def console_representative(request, issue_id: int):
    issue = get_or_404(issue_get, user=request.user, issue_id=issue_id)
    active = [s for s in issue_detail(issue=issue).signers if s.withdrawn_at is None]
    form = RepresentativeForm(request.POST, signers=active)
    if form.is_valid():
        try:
            services.collective_representative_set(
                actor=request.user, issue=issue, signer_id=form.cleaned_data["representative"]
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Представитель заявителей изменён.")
            return redirect("web:console_collective", issue_id=issue.pk)
    return _detail(request, issue, representative=form, status=400)


# ---- the public page and citizens ------------------------------------------------------------


def public_detail(request, issue_id: int):
    """The public page: the staff's title and summary, the signer count, the state, the answer."""
    found = get_or_404(public_issue_get, issue_id=issue_id, user=request.user)
    return render(request, "web/collective/public.html", {"found": found})


@require_POST
@citizen_required
def sign(request, issue_id: int):
    """«Присоединиться»: co-sign without filing an appeal (also posted from the filing form)."""
    try:
        services.collective_sign(user=request.user, issue_id=issue_id)
    except ApplicationError as exc:
        get_or_404(public_issue_get, issue_id=issue_id)  # an unknown issue is a 404 page
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Вы присоединились к коллективному обращению. Ответ придёт вам по e-mail или SMS и "
            "будет виден в разделе «Коллективные обращения».",
        )
    return redirect("web:collective_public", issue_id=issue_id)


@require_POST
@citizen_required
def unsign(request, issue_id: int):
    """Withdraw one's co-signature before the answer."""
    try:
        services.collective_unsign(user=request.user, issue_id=issue_id)
    except ApplicationError as exc:
        get_or_404(public_issue_get, issue_id=issue_id)
        messages.error(request, exc.message)
    else:
        messages.success(request, "Подпись отозвана.")
    return redirect("web:collective_public", issue_id=issue_id)


@citizen_required
def cabinet_list(request):
    """The collective issues the citizen signed, with the answer once given."""
    return render(
        request, "web/collective/cabinet.html", {"signatures": signed_by(user=request.user)}
    )
