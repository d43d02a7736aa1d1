"""«Почта» in the console (issue 13): letters parked or skipped by the e-mail intake, one letter
as text, and what a person does with it; a 59-FZ appeal from an e-mailed request."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.appeals.inputs import appeal_input_problems
from priemnaya.appeals.states import FINAL_STATUSES
from priemnaya.core.errors import ApplicationError, NotFound
from priemnaya.core.numbering import MalformedNumber, normalize_number
from priemnaya.mail_intake import manual
from priemnaya.mail_intake.selectors import (
    email_request,
    identity_checks,
    inbound_counts,
    inbound_letter,
    inbound_list,
    may_sort_mail,
)
from priemnaya.web.forms_mail import AttachForm, Fz59Form, MailFilterForm
from priemnaya.web.views.common import _require, add_problems, apply_errors, get_or_404

mail_required = _require(may_sort_mail)
PAGE_SIZE = 50


@mail_required
def mail_list(request):
    form = MailFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = Paginator(inbound_list(state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "counts": inbound_counts(), "page": page, "query": query.urlencode()}
    return render(request, "web/console/mail_list.html", context)


def _detail(request, message_id: int, *, attach_form=None, status: int = 200):
    letter = get_or_404(inbound_letter, message_id=message_id)
    context = {
        "letter": letter,
        "message": letter.message,
        "handleable": letter.message.state in ("parked", "ignored"),
        "attach_form": attach_form or AttachForm(),
    }
    return render(request, "web/console/mail_detail.html", context, status=status)


@mail_required
def mail_detail(request, message_id: int):
    return _detail(request, message_id)


@require_POST
@mail_required
def mail_create_request(request, message_id: int):
    try:
        appeal = manual.inbound_create_request(message_id=message_id, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("web:console_mail_detail", message_id=message_id)
    messages.success(request, f"Запрос зарегистрирован: № {appeal.display_number}.")
    return redirect("web:console_detail", number=appeal.number)


@require_POST
@mail_required
def mail_attach(request, message_id: int):
    form = AttachForm(request.POST)
    if form.is_valid():
        try:
            appeal = manual.inbound_attach(
                message_id=message_id, actor=request.user, number=form.cleaned_data["number"]
            )
        except NotFound:
            # An appeal that does not exist or is not this person's to work: the same words.
            form.add_error("number", "Обращение с таким номером не найдено среди ваших.")
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Письмо добавлено к обращению № {appeal.display_number}.")
            return redirect("web:console_detail", number=appeal.number)
    return _detail(request, message_id, attach_form=form, status=400)


@mail_required
def mail_fz59(request, number: str):
    """«Зарегистрировать как обращение по 59-ФЗ»: only after the sender has been identified."""
    try:
        digits = normalize_number(number)
    except MalformedNumber as exc:
        raise Http404(str(exc)) from exc
    source = email_request(number=digits)
    if source is None:
        raise Http404("Запрос по e-mail не найден.")
    status = 200
    if request.method == "POST":
        form = Fz59Form(request.POST)
        if not form.is_valid():
            add_problems(form, appeal_input_problems(form.appeal_input(), staff_intake=True))
            status = 400
        else:
            try:
                appeal = manual.request_register_fz59(
                    request=source,
                    actor=request.user,
                    data=form.appeal_input(),
                    method=form.cleaned_data["method"],
                    details=form.cleaned_data["details"],
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, f"Обращение по 59-ФЗ зарегистрировано: № {appeal.display_number}."
                )
                return redirect("web:console_detail", number=appeal.number)
    else:
        form = Fz59Form(
            initial={
                "subject": source.subject,
                "text": source.text,
                "applicant_name": source.applicant_name,
                "contact_email": source.contact_email,
                "contact_phone": source.contact_phone,
            }
        )
    context = {
        "form": form,
        "source": source,
        "closed": source.status in FINAL_STATUSES,
        "checks": identity_checks(request=source),
    }
    return render(request, "web/console/mail_fz59.html", context, status=status)
