"""The citizen's chat page (issue 13, SPEC §15): live with JavaScript, a plain form without it.

Without JavaScript each action is a POST that redirects back to /chat/, and a reload shows the
transcript. With it (static/web/chat.js) the same forms are sent with fetch and everything else
goes over the socket at ``ws_url``; a message posted here is announced on the socket.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from priemnaya.chat import selectors, services
from priemnaya.chat.broadcast import broadcast
from priemnaya.chat.consumers import VISITOR_KEY
from priemnaya.chat.hours import operators_status
from priemnaya.chat.models import Chat, Side
from priemnaya.core.errors import ApplicationError, NotFound
from priemnaya.web.views.files import download, refusal_messages

FILES_MAX = 3


def _visitor(request, *, create: bool = False) -> str:
    """The visitor's chat token in the session (made when a chat is started)."""
    token = request.session.get(VISITOR_KEY, "")
    if not token and create:
        token = request.session[VISITOR_KEY] = secrets.token_urlsafe(24)
    return token


def _user(request):
    return request.user if request.user.is_authenticated else None


def _chat(request, chat_id: int) -> Chat:
    try:
        return services.chat_for_person(
            chat_id=chat_id, user=_user(request), visitor=_visitor(request)
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _done(
    request, chat: Chat, stored, *, queue: bool = False, error: ApplicationError | None = None
):
    """Answer a page action: JSON for the script, else back to the transcript with a message."""
    if error is not None:
        reasons = refusal_messages(error)
        if _wants_json(request):
            return JsonResponse(
                {"code": error.code, "field": error.field, "errors": reasons}, status=400
            )
        for reason in reasons:
            messages.error(request, reason)
        return redirect("web:chat")
    broadcast(chat, stored, queue=queue)
    if _wants_json(request):
        return JsonResponse({"ids": [m.pk for m in stored]})
    return redirect(reverse("web:chat") + "#chat-end")


@never_cache
@require_GET
def chat_page(request):
    """The transcript of the person's chat and the form to write, or «Начать чат»."""
    if request.user.is_authenticated and services.may_operate(request.user):
        return redirect("web:console_chat")
    chat = services.chat_current(user=_user(request), visitor=_visitor(request))
    context = {
        "chat": chat,
        "status": operators_status(),
        "files_max": FILES_MAX,
        "is_staff_user": request.user.is_authenticated and not request.user.is_citizen,
    }
    if chat is not None:
        context["messages_list"] = selectors.messages_payload(selectors.chat_messages(chat))
        context["chat_state"] = selectors.chat_payload(chat)
    return render(request, "web/chat/page.html", context)


@require_POST
def chat_start(request):
    """Start a chat (or return to the open one)."""
    if request.user.is_authenticated and not request.user.is_citizen:
        messages.error(request, "Чат — для заявителей; сотрудники отвечают в консоли чатов.")
        return redirect("web:chat")
    services.chat_start(user=_user(request), visitor=_visitor(request, create=True))
    return redirect("web:chat")


@require_POST
def chat_send(request, chat_id: int):
    """A message with up to 3 files (the attachments rules check each)."""
    chat = _chat(request, chat_id)
    uploads = request.FILES.getlist("files")
    try:
        stored = services.message_post(
            chat=chat,
            side=Side.CITIZEN,
            author=_user(request),
            text=request.POST.get("text", ""),
            uploads=uploads,
        )
    except ApplicationError as exc:
        return _done(request, chat, [], error=exc)
    return _done(request, chat, stored)


@require_POST
def chat_handover(request, chat_id: int):
    chat = _chat(request, chat_id)
    try:
        stored = services.handover(chat=chat)
    except ApplicationError as exc:
        return _done(request, chat, [], error=exc)
    chat.refresh_from_db()
    return _done(request, chat, stored, queue=True)


@require_POST
def chat_close(request, chat_id: int):
    chat = _chat(request, chat_id)
    try:
        stored = services.chat_close(chat=chat, side=Side.CITIZEN, actor=_user(request))
    except ApplicationError as exc:
        return _done(request, chat, [], error=exc)
    chat.refresh_from_db()
    return _done(request, chat, stored, queue=True)


@require_POST
def chat_rate(request, chat_id: int):
    chat = _chat(request, chat_id)
    try:
        chat = services.chat_rate(
            chat=chat, rating=request.POST.get("rating"), comment=request.POST.get("comment", "")
        )
    except ApplicationError as exc:
        return _done(request, chat, [], error=exc)
    if not _wants_json(request):
        messages.success(request, "Спасибо за оценку!")
    return _done(request, chat, [])


@require_GET
def chat_file(request, chat_id: int, attachment_id: int):
    """A file of the chat: its citizen's (or visitor's), or any operator's."""
    try:
        if request.user.is_authenticated and services.may_operate(request.user):
            chat = services.chat_for_operator(chat_id=chat_id, user=request.user)
            return download(
                services.operator_file(
                    chat=chat, attachment_id=attachment_id, operator=request.user
                )
            )
        chat = services.chat_for_person(
            chat_id=chat_id, user=_user(request), visitor=_visitor(request)
        )
        return download(selectors.chat_file(chat, attachment_id))
    except NotFound as exc:
        raise Http404(exc.message) from exc
