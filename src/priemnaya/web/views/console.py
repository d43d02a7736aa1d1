"""Рабочее место: the staff queue and the appeal page with every transition of SPEC §4."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from priemnaya.answers.review import answer_drafts_pending
from priemnaya.appeals import services
from priemnaya.appeals.audit_trail import appeal_viewed
from priemnaya.appeals.inputs import appeal_input_problems
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.selectors import (
    AppealFilters,
    Queue,
    QueueCounts,
    appeal_page,
    incident_appeals,
    incident_get,
    incidents_open,
    intake_deadline_preview,
    staff_queue,
    staff_queue_counts,
)
from priemnaya.appeals.states import Channel
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.errors import ApplicationError
from priemnaya.web.forms import IncidentAnswerForm, QueueFilterForm, StaffIntakeForm
from priemnaya.web.views import calls
from priemnaya.web.views.actions import STAFF_ACTIONS
from priemnaya.web.views.cabinet import list_page, theme_templates
from priemnaya.web.views.common import add_problems, apply_errors, get_or_404, staff_required
from priemnaya.web.views.detail import act, render_detail

DETAIL_TEMPLATE = "web/console/detail.html"


@dataclass(frozen=True)
class Tab:
    queue: str
    label: str
    count: int
    current: bool


def _tabs(counts: QueueCounts, current: str, *, archive: bool = False) -> list[Tab]:
    """The queue tabs with their counts; «Нераспределённые» only for those who route.

    In the archive (issue 14) no tab is the current one: it holds closed appeals only.
    """
    tabs = [Tab("", "Все открытые", counts.open, not current and not archive)]
    tabs += [
        Tab(q.value, q.label, getattr(counts, q.value), current == q.value)
        for q in Queue
        if getattr(counts, q.value) is not None
    ]
    return tabs


@staff_required
def queue(request):
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    # The words are searched by the search index, within the queue and its other filters.
    term = data.pop("q", "") or ""
    filters = AppealFilters(**{k: v for k, v in data.items() if v not in (None, "")})
    try:
        qs = staff_queue(user=request.user, filters=filters)
    except ApplicationError as exc:  # an unknown queue, one that is not theirs
        messages.error(request, exc.message)
        return redirect("web:console")
    pager = list_page(request, qs, order="due", term=term)
    return render(
        request,
        "web/console/queue.html",
        {
            "form": form,
            "tabs": _tabs(
                staff_queue_counts(user=request.user), filters.queue, archive=filters.archived
            ),
            "incidents": incidents_open(user=request.user),
            **pager,
        },
    )


@staff_required
def appeal_register(request):
    """Register an appeal that came by phone, e-mail, letter or through the МФЦ."""
    preview = ""
    # Issue 13: from a hotline call or deferred request — pre-filled, and linked once registered.
    prefill, link = calls.registration_source(request)
    if request.method == "POST" and "preview" in request.POST:
        # «Рассчитать срок»: the same form again with every input kept, not checked yet.
        form = StaffIntakeForm(initial=request.POST.dict())
        preview = _due_preview(request.POST.get("kind", ""), request.POST.get("theme", ""))
        status = 200
    elif request.method == "POST":
        form = StaffIntakeForm(request.POST)
        if not form.is_valid():
            problems = appeal_input_problems(form.appeal_input(), staff_intake=True)
            add_problems(form, problems)
        else:
            try:
                appeal = services.appeal_submit(
                    actor=request.user,
                    data=form.appeal_input(),
                    channel=form.cleaned_data["channel"],
                    client_token=form.cleaned_data.get("client_token") or None,
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Обращение зарегистрировано: № {appeal.display_number}.")
                calls.registration_link(request, link, appeal)
                return redirect("web:console_detail", number=appeal.number)
        status = 400
    else:
        form = StaffIntakeForm(initial={"channel": Channel.PHONE, **prefill})
        status = 200
    context = {
        "form": form,
        "theme_templates": theme_templates(),
        "preview": preview,
        "today": timezone.localdate(clock.now()),
        "hotline_link": link,
    }
    return render(request, "web/console/new.html", context, status=status)


def _due_preview(kind: str, theme: str) -> str:
    """Return the due date a registration today would give, in words, or what is missing."""
    try:
        found = intake_deadline_preview(kind=kind, theme=theme)
    except CalendarMissing as exc:
        return str(exc)
    if found is None:
        return "Выберите вид и тему обращения, чтобы рассчитать срок ответа."
    policy = found.policy.name if found.policy else found.regime
    return f"Срок ответа: до {format_date(found.due_date)} (политика «{policy}»)."


@staff_required
def appeal_detail(request, number: str):
    page = get_or_404(appeal_page, user=request.user, number=number)
    appeal_viewed(appeal=page.appeal, user=request.user)
    return render_detail(request, page, template=DETAIL_TEMPLATE, actions=STAFF_ACTIONS)


@require_POST
@staff_required
def appeal_act(request, number: str, action: str):
    return act(
        request,
        number,
        action,
        actions=STAFF_ACTIONS,
        template=DETAIL_TEMPLATE,
        done="web:console_detail",
        gone="web:console",
    )


@staff_required
def incident_detail(request, incident_id: int):
    """An incident: its linked appeals and «Ответить всем» (one answer to every open one)."""
    incident = get_or_404(incident_get, user=request.user, incident_id=incident_id)
    form = IncidentAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.incident_resolve(
                    incident=incident, actor=request.user, text=form.cleaned_data["text"]
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Ответ отправлен всем заявителям, инцидент закрыт.")
                return redirect("web:console_incident", incident_id=incident.pk)
        status = 400
    context = {"incident": incident, "appeals": incident_appeals(incident=incident), "form": form}
    return render(request, "web/console/incident.html", context, status=status)


@staff_required
def answer_drafts(request):
    """«Ответы на проверке»: the drafts waiting for this head's review, oldest first."""
    drafts = list(answer_drafts_pending(user=request.user))
    return render(request, "web/console/answer_drafts.html", {"drafts": drafts})
