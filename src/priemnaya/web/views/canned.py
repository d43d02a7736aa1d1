"""Canned responses: the administrator's editor, and the list on the console appeal page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.answers import canned
from priemnaya.appeals.models import Appeal
from priemnaya.core.errors import ApplicationError
from priemnaya.web.forms_canned import ResponseTemplateForm
from priemnaya.web.views.common import _require, apply_errors, get_or_404

editor_required = _require(canned.may_edit_templates)


def appeal_templates_context(request, appeal: Appeal) -> dict[str, Any]:
    """The templates for the appeal's answer form, and the one chosen by ``?template=`` if any."""
    filled = canned.templates_for_appeal(appeal=appeal, author=request.user)
    wanted = request.GET.get("template")
    chosen = next((f for f in filled if str(f.template.pk) == wanted), None)
    return {"canned_templates": filled, "canned_chosen": chosen}


@editor_required
def template_list(request):
    return render(request, "web/console/templates_list.html", {"templates": canned.templates_all()})


def _edit(request, template=None):
    initial = (
        {
            "title": template.title,
            "body": template.body,
            "themes": list(template.themes.all()),
            "kinds": list(template.kinds.all()),
            "active": template.active,
        }
        if template
        else {"active": True}
    )
    form = ResponseTemplateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = canned.template_save(
                    actor=request.user, template=template, **form.cleaned_data
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Шаблон «{saved.title}» сохранён.")
                return redirect("web:console_templates")
    context = {"form": form, "template": template}
    return render(request, "web/console/template_edit.html", context, status=status)


@editor_required
def template_new(request):
    return _edit(request)


@editor_required
def template_edit(request, template_id: int):
    template = get_or_404(canned.template_get, user=request.user, template_id=template_id)
    return _edit(request, template)


@require_POST
@editor_required
def template_deactivate(request, template_id: int):
    template = get_or_404(canned.template_get, user=request.user, template_id=template_id)
    canned.template_deactivate(actor=request.user, template=template)
    messages.success(request, f"Шаблон «{template.title}» больше не предлагается.")
    return redirect("web:console_templates")
