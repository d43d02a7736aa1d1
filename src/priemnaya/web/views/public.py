from django.shortcuts import redirect, render
from django.urls import reverse

from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.presenters import next_step
from priemnaya.appeals.selectors import appeal_get, appeal_overdue_event
from priemnaya.catalog.selectors import kinds_active, theme_tree
from priemnaya.core.errors import NotFound, ValidationFailed


def home(request):
    return render(request, "web/public/home.html", {"kinds": kinds_active(), "tree": theme_tree()})


def status_lookup(request):
    """Look up an appeal by number; its owner (and staff) see the status, others «not found»."""
    number = request.GET.get("number", "")
    context = {"number": number}
    status = 200
    if number:
        try:
            appeal = appeal_get(user=request.user, number=number)
        except ValidationFailed as exc:
            context["error"] = exc.message
        except NotFound:
            if not request.user.is_authenticated:
                login = (
                    reverse("web:login") + "?next=" + reverse("web:status") + "?number=" + number
                )
                return redirect(login)
            context["error"] = "Обращение с таким номером среди ваших не найдено."
            status = 404
        else:
            label = APPLICANT_VIEW[appeal.status][0]
            overdue = appeal_overdue_event(appeal=appeal)
            context.update(appeal=appeal, label=label, next_step=next_step(appeal, overdue=overdue))
    return render(request, "web/public/status.html", context, status=status)
