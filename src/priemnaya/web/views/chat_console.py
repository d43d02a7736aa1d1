"""The operator's chat console (issue 13): the queue, several chats at once, the applicant's
appeals beside each, quick replies, closing, and «Создать обращение из чата».

Live through the operator's socket (static/web/chat-console.js); every action is also a plain
form, so the console works without JavaScript on reload.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from priemnaya.appeals.inputs import appeal_input_problems
from priemnaya.appeals.states import Channel
from priemnaya.chat import appeals as chat_appeals
from priemnaya.chat import selectors, services
from priemnaya.chat.broadcast import broadcast
from priemnaya.chat.models import Chat, Side
from priemnaya.chat.phrases import phrases_for
from priemnaya.core.errors import ApplicationError, NotFound
from priemnaya.web.forms import StaffIntakeForm
from priemnaya.web.views.common import _require, add_problems, apply_errors
from priemnaya.web.views.files import refusal_messages

operator_required = _require(services.may_operate)


def _chat(request, chat_id: int) -> Chat:
    try:
        return services.chat_for_operator(chat_id=chat_id, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back(chat_id: int | None = None):
    url = reverse("web:console_chat")
    return redirect(f"{url}#chat-{chat_id}" if chat_id else url)


@never_cache
@operator_required
def console(request):
    """The queue and the operator's chats, each with its transcript and the applicant's appeals."""
    name = services.operator_first_name(request.user)
    panels = [
        {
            "chat": chat,
            "who": selectors.applicant_label(chat),
            "messages": selectors.messages_payload(selectors.chat_messages(chat)),
            "appeals": selectors.applicant_appeals(chat, viewer=request.user),
        }
        for chat in selectors.operator_chats(request.user)
    ]
    return render(
        request,
        "web/chat/console.html",
        {
            "queue": list(selectors.queue()),
            "panels": panels,
            "phrases": phrases_for(name),
        },
    )


def _act(request, chat: Chat, action) -> object:
    try:
        stored = action()
    except ApplicationError as exc:
        for reason in refusal_messages(exc):
            messages.error(request, reason)
        return _back(chat.pk)
    chat.refresh_from_db()
    broadcast(chat, stored, queue=True)
    return _back(chat.pk)


@require_POST
@operator_required
def take(request, chat_id: int):
    chat = _chat(request, chat_id)
    return _act(
        request, chat, lambda: services.chat_take(chat_id=chat.pk, operator=request.user)[1]
    )


@require_POST
@operator_required
def send(request, chat_id: int):
    chat = _chat(request, chat_id)
    return _act(
        request,
        chat,
        lambda: services.message_post(
            chat=chat,
            side=Side.OPERATOR,
            author=request.user,
            text=request.POST.get("text", ""),
            uploads=request.FILES.getlist("files"),
        ),
    )


@require_POST
@operator_required
def close(request, chat_id: int):
    chat = _chat(request, chat_id)
    return _act(
        request,
        chat,
        lambda: services.chat_close(chat=chat, side=Side.OPERATOR, actor=request.user),
    )


@never_cache
@operator_required
def to_appeal(request, chat_id: int):
    """«Создать обращение из чата»: the staff intake form, filled from the chat."""
    chat = _chat(request, chat_id)
    if request.method == "POST":
        form = StaffIntakeForm(request.POST)
        if form.is_valid():
            try:
                appeal, note = chat_appeals.chat_to_appeal(
                    chat=chat, operator=request.user, data=form.appeal_input()
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                chat.refresh_from_db()
                broadcast(chat, [note])
                messages.success(request, f"Обращение зарегистрировано: № {appeal.display_number}.")
                return redirect("web:console_detail", number=appeal.number)
        else:
            add_problems(form, appeal_input_problems(form.appeal_input(), staff_intake=True))
        status = 400
    else:
        form = StaffIntakeForm(initial=chat_appeals.appeal_initial(chat))
        status = 200
    form.fields["channel"].choices = [(Channel.CHAT.value, Channel.CHAT.label)]  # type: ignore[attr-defined]
    return render(
        request,
        "web/chat/to_appeal.html",
        {"form": form, "chat": chat, "who": selectors.applicant_label(chat)},
        status=status,
    )
