"""The appeal page shared by cabinet and console: facts, answer, timeline, action forms."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from priemnaya.answers.models import DraftState
from priemnaya.answers.review import answer_draft_current, draft_initial
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import can_view, may_review
from priemnaya.appeals.presenters import Audience
from priemnaya.appeals.selectors import AppealPage, appeal_get, appeal_page_of, notice_due_on
from priemnaya.appeals.states import Status
from priemnaya.core.errors import ApplicationError
from priemnaya.search.earlier import earlier_appeals
from priemnaya.web.forms_files import FILE_FIELDS, FilesMixin
from priemnaya.web.views.actions import LABELS, ONE_CLICK, PageAction
from priemnaya.web.views.canned import appeal_templates_context
from priemnaya.web.views.common import apply_errors, get_or_404
from priemnaya.web.views.files import take_files

REVIEW_SLUGS = ("review-approve", "review-return")
TEXT_MARKS = {True: "Увидит заявитель", False: "Только для сотрудников"}


def render_detail(
    request, page: AppealPage, *, template: str, actions: dict[str, PageAction], bound=None
):
    """Render the appeal page with one form per action the user may perform now."""
    appeal = page.appeal
    allowed = page.action_slugs
    staff = page.audience is Audience.STAFF
    # A draft matters only while the appeal is in work (its answer is being prepared).
    working = staff and appeal.status == Status.IN_PROGRESS
    draft = answer_draft_current(appeal=appeal) if working else None
    pending = draft is not None and draft.state == DraftState.PENDING
    reviewer = pending and may_review(request.user, appeal)
    # Canned responses for the answer form; «?template=» pre-fills it (nothing is sent).
    canned = (
        appeal_templates_context(request, appeal)
        if staff and "answer" in allowed and not pending
        else {}
    )
    chosen = canned.get("canned_chosen")
    action_forms = []
    for slug, spec in actions.items():
        # While a draft waits for review nobody answers past it (the head decides on its card).
        if slug not in allowed or (slug == "answer" and pending):
            continue
        # A returned draft comes back into the answer form for its author to revise.
        initial = draft_initial(draft) if slug == "answer" else {}
        if slug == "answer" and chosen:
            initial = {**initial, "text": chosen.text}
        form = (
            bound[1]
            if bound and bound[0] == slug
            else spec.make_form(appeal, prefix=slug, **({"initial": initial} if initial else {}))
        )
        # Staff see beside each text field whether the applicant will read it.
        marks = {name: TEXT_MARKS[visible] for name, visible in spec.texts.items()} if staff else {}
        action_forms.append(
            {
                "slug": slug,
                "label": spec.label(appeal, request.user) if spec.label else LABELS[slug],
                "one_click": slug in ONE_CLICK,
                "open": bool(bound and bound[0] == slug) or (slug == "answer" and bool(chosen)),
                "form": form,
                "fields": [(f, marks.get(f.name, "")) for f in form if f.name not in FILE_FIELDS],
                # Forms with files post multipart and show the file picker (issue 10).
                "files": isinstance(form, FilesMixin),
            }
        )
    # A refused action whose form is no longer offered still shows why it was refused.
    # The head's decision forms live on the draft's card (web/includes/answer_draft.html).
    review_forms = {}
    if reviewer and all(slug in actions for slug in REVIEW_SLUGS):
        for slug in REVIEW_SLUGS:
            spec = actions[slug]
            review_forms[slug.replace("-", "_")] = {
                "slug": slug,
                "label": LABELS[slug],
                "form": bound[1]
                if bound and bound[0] == slug
                else spec.make_form(appeal, prefix=slug),
                "open": bool(bound and bound[0] == slug),
            }
    stray = bound and bound[0] not in allowed and not (reviewer and bound[0] in REVIEW_SLUGS)
    action_errors = [e for errors in bound[1].errors.values() for e in errors] if stray else []
    context = {
        "page": page,
        "appeal": appeal,
        "answer": page.answer,
        "answers": page.answers,
        "events": page.timeline,
        "actions": action_forms,
        "action_errors": action_errors,
        "applicant_label": page.status_label,
        "next_step": page.next_step,
        "can_edit": "edit" in allowed,
        "links": page.links,
        "draft": draft,
        "review_forms": review_forms,
        "follow_ups": page.follow_ups,
        # Unreadable or unclear appeals: the notice is due by registration + 7 days (rule 11).
        "notice_due": notice_due_on(appeal) if "answer" in allowed else None,
        **canned,
        # The applicant's other appeals and possible repeats (SPEC §12), for staff only.
        "earlier": earlier_appeals(appeal=appeal, user=request.user)
        if staff and page.visible
        else None,
    }
    return render(request, template, context, status=400 if bound else 200)


def act(
    request,
    number: str,
    action: str,
    *,
    actions: dict[str, PageAction],
    template: str,
    done: str,
    gone: str = "",
):
    """Handle a posted action: run its service, or show the page again with the errors.

    ``gone`` is where to go when the action took the appeal out of the user's reach (a redirect
    or escalation to another department): the queue, with a message saying where it went.
    """
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    spec = actions.get(action)
    if spec is None:
        return render(request, "web/errors/404.html", status=404)
    form = spec.make_form(appeal, request.POST, request.FILES, prefix=action)
    valid = form.is_valid()
    if isinstance(form, FilesMixin):
        # Staged even when the rest is refused, so the next round still has them.
        take_files(request, form, appeal=appeal)
        valid = valid and not form.errors
    if valid:
        try:
            result = spec.run(appeal, request.user, form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            after = result if isinstance(result, Appeal) else appeal
            if gone and not can_view(request.user, after):
                messages.success(
                    request,
                    f"{spec.done} Обращение № {after.display_number} передано: "
                    f"{after.department.name} — в вашей очереди его больше нет.",
                )
                return redirect(gone)
            messages.success(request, spec.done_for(result) if spec.done_for else spec.done)
            return redirect(done, number=appeal.number)
    page = appeal_page_of(appeal=appeal, user=request.user)
    return render_detail(request, page, template=template, actions=actions, bound=(action, form))
