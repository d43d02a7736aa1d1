"""Рабочее место: the staff queue and the appeal page with every transition of SPEC §4."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from priemnaya.appeals import services
from priemnaya.appeals.inputs import appeal_input_problems
from priemnaya.appeals.selectors import (
    AppealFilters,
    appeal_page,
    intake_deadline_preview,
    page_of,
    staff_queue,
)
from priemnaya.appeals.states import Channel
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.errors import ApplicationError
from priemnaya.web.forms import QueueFilterForm, StaffIntakeForm
from priemnaya.web.views.actions import STAFF_ACTIONS
from priemnaya.web.views.cabinet import PAGE_SIZE, _page_number, theme_templates
from priemnaya.web.views.common import add_problems, apply_errors, get_or_404, staff_required
from priemnaya.web.views.detail import act, render_detail

DETAIL_TEMPLATE = "web/console/detail.html"


@staff_required
def queue(request):
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = AppealFilters(**{k: v for k, v in data.items() if v not in (None, "")})
    page = _page_number(request)
    rows, has_next = page_of(
        staff_queue(user=request.user, filters=filters), page=page, size=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/console/queue.html",
        {
            "form": form,
            "appeals": rows,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
        },
    )


@staff_required
def appeal_register(request):
    """Register an appeal that came by phone, e-mail, letter or through the МФЦ."""
    preview = ""
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
                return redirect("web:console_detail", number=appeal.number)
        status = 400
    else:
        form = StaffIntakeForm(initial={"channel": Channel.PHONE})
        status = 200
    context = {
        "form": form,
        "theme_templates": theme_templates(),
        "preview": preview,
        "today": timezone.localdate(clock.now()),
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
    return f"Срок ответа: до {found.due_date:%d.%m.%Y} (политика «{policy}»)."


@staff_required
def appeal_detail(request, number: str):
    page = get_or_404(appeal_page, user=request.user, number=number)
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
