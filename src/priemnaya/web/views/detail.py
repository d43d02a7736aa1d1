"""The appeal page shared by cabinet and console: facts, answer, timeline, action forms."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from priemnaya.appeals.follow_ups import follow_ups_possible
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.selectors import (
    appeal_actions,
    appeal_current_answer,
    appeal_get,
    appeal_links,
    appeal_timeline,
)
from priemnaya.core.errors import ApplicationError
from priemnaya.web.views.actions import LABELS, ONE_CLICK, PageAction
from priemnaya.web.views.common import apply_errors, get_or_404


def render_detail(request, appeal, *, template: str, actions: dict[str, PageAction], bound=None):
    """Render the appeal page with one form per action the user may perform now."""
    allowed = [a.replace("_", "-") for a in appeal_actions(appeal=appeal, user=request.user)]
    action_forms = [
        {
            "slug": slug,
            "label": LABELS[slug],
            "one_click": slug in ONE_CLICK,
            "open": bool(bound and bound[0] == slug),
            "form": bound[1] if bound and bound[0] == slug else spec.make_form(appeal, prefix=slug),
        }
        for slug, spec in actions.items()
        if slug in allowed
    ]
    # A refused action whose form is no longer offered still shows why it was refused.
    stray = bound and bound[0] not in allowed
    action_errors = bound[1].errors.get("__all__", []) if stray else []
    label, next_step = APPLICANT_VIEW[appeal.status]
    due = f"{appeal.due_at:%d.%m.%Y}" if appeal.due_at else "—"
    context = {
        "appeal": appeal,
        "answer": appeal_current_answer(appeal=appeal),
        "events": appeal_timeline(appeal=appeal, user=request.user),
        "actions": action_forms,
        "action_errors": action_errors,
        "applicant_label": label,
        "next_step": next_step.format(due=due),
        "can_edit": "edit" in allowed,
        "links": appeal_links(appeal=appeal),
        "follow_ups": [f.value for f in follow_ups_possible(appeal=appeal, user=request.user)],
    }
    return render(request, template, context, status=400 if bound else 200)


def act(
    request, number: str, action: str, *, actions: dict[str, PageAction], template: str, done: str
):
    """Handle a posted action: run its service, or show the page again with the errors."""
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    spec = actions.get(action)
    if spec is None:
        return render(request, "web/errors/404.html", status=404)
    form = spec.make_form(appeal, request.POST, prefix=action)
    if form.is_valid():
        try:
            spec.run(appeal, request.user, form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, spec.done)
            return redirect(done, number=appeal.number)
    return render_detail(request, appeal, template=template, actions=actions, bound=(action, form))
