"""Notifications as people see them: the feed and its bell, preferences, push subscription,
failed deliveries for quality control, the unsubscribe page, the demo's outbox, SMS short links."""

from __future__ import annotations

import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from priemnaya.appeals.selectors import page_of
from priemnaya.core.errors import ApplicationError, NotPermitted, ValidationFailed
from priemnaya.core.numbering import MalformedNumber, format_number, normalize_number
from priemnaya.notifications import feed as services
from priemnaya.notifications import push as vapid
from priemnaya.notifications import selectors
from priemnaya.notifications.unsubscribe import unsubscribe_apply
from priemnaya.web.forms import NotificationPreferencesForm
from priemnaya.web.views.cabinet import PAGE_SIZE, _page_number
from priemnaya.web.views.common import apply_errors, citizen_required, get_or_404, staff_required

# ---- the feed -----------------------------------------------------------------------------------


def _feed(request, *, staff: bool):
    page = _page_number(request)
    unread_only = request.GET.get("unread") == "1"
    rows, has_next = page_of(
        selectors.feed(request.user, unread_only=unread_only), page=page, size=PAGE_SIZE
    )
    context = {
        "items": rows,
        "page": page,
        "has_next": has_next,
        "query": "unread=1" if unread_only else "",
        "unread_only": unread_only,
        "staff": staff,
        "detail_url": "web:console_detail" if staff else "web:appeal_detail",
        "read_url": "web:console_notifications_read" if staff else "web:notifications_read",
        "settings_url": "web:console_notification_settings"
        if staff
        else "web:notification_settings",
        "may_retry": staff and request.user.sees_all_departments,
    }
    return render(request, "web/notifications/feed.html", context)


def _is_number(value: str) -> bool:
    # str.isdigit() also says yes to «²» and other digits int() refuses.
    return value.isascii() and value.isdigit() and len(value) < 19


def _mark_read(request, *, done: str):
    """«Отметить прочитанным» (one item, ``id``) or «Отметить все прочитанными» (``all``)."""
    if "all" in request.POST:
        ids = None
    else:
        ids = [int(v) for v in request.POST.getlist("id") if _is_number(v)]
    marked = services.feed_mark_read(request.user, ids=ids)
    if ids is None:
        messages.success(request, "Все уведомления отмечены прочитанными.")
    elif marked:
        messages.success(request, "Уведомление отмечено прочитанным.")
    back = reverse(done)
    page = request.POST.get("page", "")
    return redirect(f"{back}?page={page}" if _is_number(page) and page != "1" else back)


@citizen_required
def cabinet_feed(request):
    return _feed(request, staff=False)


@staff_required
def console_feed(request):
    return _feed(request, staff=True)


@require_POST
@citizen_required
def cabinet_read(request):
    return _mark_read(request, done="web:notifications")


@require_POST
@staff_required
def console_read(request):
    return _mark_read(request, done="web:console_notifications")


def _json_login(view):
    """A JSON endpoint of the pages: 401 in JSON rather than a redirect to the login form."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            message = "Войдите, чтобы продолжить."
            return JsonResponse(
                {"detail": message, "errors": [{"field": None, "message": message}]}, status=401
            )
        try:
            services.feed_require(request.user)
        except NotPermitted as exc:
            return JsonResponse(
                {"detail": exc.message, "errors": [{"field": None, "message": exc.message}]},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@never_cache
@_json_login
def unread(request):
    """The bell's count, for the page to refresh it without a reload."""
    return JsonResponse({"unread": selectors.unread_count(request.user)})


# ---- preferences --------------------------------------------------------------------------------


def _preferences(request, *, staff: bool, done: str):
    preference = services.preferences_get(request.user)
    status = 200
    if request.method == "POST":
        form = NotificationPreferencesForm(
            request.POST, staff=staff, zone=request.POST.get("timezone", "")
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.preferences_update(
                    request.user,
                    email=data["email"],
                    sms=data["sms"],
                    push=data["push"],
                    kinds=data["kinds"],
                    quiet_from=data["quiet_from"],
                    quiet_to=data["quiet_to"],
                    timezone=data["timezone"],
                    digest=data.get("digest", preference.digest),
                )
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Настройки уведомлений сохранены.")
                return redirect(done)
        status = 400
    else:
        form = NotificationPreferencesForm(
            initial=NotificationPreferencesForm.initial_from(preference, request.user),
            staff=staff,
            zone=preference.timezone,
        )
    context = {"form": form, "staff": staff, "has_email": bool(request.user.email)}
    context["has_phone"] = bool(request.user.phone)
    return render(request, "web/notifications/settings.html", context, status=status)


@citizen_required
def cabinet_settings(request):
    return _preferences(request, staff=False, done="web:notification_settings")


@staff_required
def console_settings(request):
    return _preferences(request, staff=True, done="web:console_notification_settings")


# ---- web push -----------------------------------------------------------------------------------


def _json_error(exc: ApplicationError) -> JsonResponse:
    items: list[dict[str, str | None]]
    if isinstance(exc, ValidationFailed):
        items = [
            {"field": field, "message": message, "code": exc.code}
            for field, found in exc.errors.items()
            for message in found
        ]
    else:
        items = [exc.as_dict()]
    return JsonResponse({"detail": exc.message, "errors": items}, status=exc.status)


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ValidationFailed.single("body", "Тело запроса — не JSON.") from exc
    if not isinstance(body, dict):
        raise ValidationFailed.single("body", "Тело запроса должно быть JSON-объектом.")
    return body


@require_GET
@_json_login
def push_key(request):
    """The VAPID public key browsers subscribe with (``applicationServerKey``)."""
    return JsonResponse({"key": vapid.vapid_public_key()})


@require_POST
@_json_login
def push_subscribe(request):
    """Keep the subscription the browser made (``PushSubscription.toJSON()``)."""
    try:
        body = _json_body(request)
        keys = body.get("keys")
        keys = keys if isinstance(keys, dict) else {}
        services.push_subscribe(
            request.user,
            endpoint=str(body.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ApplicationError as exc:
        return _json_error(exc)
    return JsonResponse({"subscribed": True}, status=201)


@require_POST
@_json_login
def push_unsubscribe(request):
    try:
        body = _json_body(request)
    except ApplicationError as exc:
        return _json_error(exc)
    removed = services.push_unsubscribe(request.user, str(body.get("endpoint") or ""))
    return JsonResponse({"removed": removed})


@require_GET
def service_worker(request):
    """The service worker, from the root so that its scope is the whole site."""
    response = HttpResponse(
        render_to_string("web/notifications/push-sw.js"),
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


# ---- failed deliveries --------------------------------------------------------------------------


@staff_required
def failed(request):
    """Deliveries parked as failed, with «Повторить» (quality control and administrators)."""
    if not request.user.sees_all_departments:
        return render(request, "web/errors/403.html", status=403)
    page = _page_number(request)
    rows, has_next = page_of(selectors.failed_deliveries(request.user), page=page, size=PAGE_SIZE)
    items = [
        (n, selectors.address_masked(n.channel, n.address), selectors.reason_masked(n.last_error))
        for n in rows
    ]
    context = {"items": items, "page": page, "has_next": has_next, "query": ""}
    return render(request, "web/notifications/failed.html", context)


@require_POST
@staff_required
def retry(request, notification_id: int):
    try:
        services.notification_retry(request.user, notification_id)
    except ApplicationError as exc:
        if exc.status == 403:
            return render(request, "web/errors/403.html", status=403)
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, "Уведомление снова поставлено в очередь отправки.")
    return redirect("web:notifications_failed")


# ---- unsubscribe by the link in a letter --------------------------------------------------------


# RFC 8058: mail clients POST «List-Unsubscribe=One-Click» without a session; the token is the key.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    context: dict = {"token": token}
    status = 200
    if request.method == "POST":
        try:
            context["address"] = unsubscribe_apply(token)
        except ValueError as exc:
            context["error"] = str(exc)
            status = 400
    return render(request, "web/notifications/unsubscribe.html", context, status=status)


# ---- the demo's outbox --------------------------------------------------------------------------


def _debug_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404("Страница есть только в демонстрационном режиме.")
        return view(request, *args, **kwargs)

    return wrapped


@_debug_only
def outbox(request):
    context = {"emails": selectors.outbox_emails(), "sms": selectors.outbox_sms()}
    return render(request, "web/notifications/outbox.html", context)


@_debug_only
def outbox_email(request, name: str):
    email = get_or_404(selectors.outbox_email, name=name)
    response = render(request, "web/notifications/outbox_email.html", {"email": email})
    # Letters carry their styles inline (mail clients ignore style sheets); the preview frame is
    # sandboxed (no scripts) and inherits this page's policy, so only styles are let in.
    response._csp_update = {"style-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
    return response


# ---- the short link of an SMS -------------------------------------------------------------------


def short_link(request, number: str):
    """``/a/<number>``: the appeal's page in the console for staff, in the cabinet otherwise."""
    # SMS carry the number as people read it (26-0001234-9); pages are addressed by its digits.
    try:
        number = normalize_number(number)
    except MalformedNumber as exc:
        raise Http404("Нет такого обращения.") from exc
    if key := request.GET.get("k", ""):
        # Issue 13: an SMS to an applicant without an account carries the status link's key.
        query = urlencode({"number": format_number(number), "key": key})
        return redirect(f"{reverse('web:status')}?{query}")
    if request.user.is_authenticated and request.user.works_appeals:
        return redirect("web:console_detail", number=number)
    target = reverse("web:appeal_detail", args=[number])
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    return redirect(target)
