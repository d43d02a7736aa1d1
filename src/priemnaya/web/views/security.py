"""The security page: second factor, sessions, sign-in history and API tokens (every role)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.accounts.tokens import token_revoke, token_state, tokens_of
from priemnaya.core.errors import NotFound, ValidationFailed
from priemnaya.security import sessions, twofactor
from priemnaya.security.second_factor import has_authenticator
from priemnaya.web.forms_security import RemoveTotpForm, TotpCodeForm
from priemnaya.web.views.common import apply_errors

METHODS = {
    "password": "пароль",
    "token": "токен API",
    "second_factor": "второй фактор",
}


def _page(request, *, remove_form=None, status=200):
    user = request.user
    current_id = request.session.get(sessions.SESSION_ID_KEY)
    rows = [
        {
            "row": row,
            "device": sessions.device_label(row.user_agent),
            "current": row.pk == current_id,
        }
        for row in sessions.sessions_active(user)
    ]
    history = [
        {
            "event": event,
            "method": METHODS.get(event.method, event.method),
            "device": sessions.device_label(event.user_agent),
        }
        for event in sessions.sign_in_history(user)
    ]
    tokens = [{"token": token, "state": token_state(token)} for token in tokens_of(user)[:100]]
    has_app = has_authenticator(user)
    return render(
        request,
        "web/security/page.html",
        {
            "has_app": has_app,
            "recovery_left": twofactor.recovery_codes_left(user) if has_app else 0,
            "sms_possible": twofactor.sms_possible(user),
            "is_staff_member": not user.is_citizen,
            "remove_form": remove_form or RemoveTotpForm(),
            "sessions": rows,
            "others": sum(1 for r in rows if not r["current"]),
            "history": history,
            "tokens": tokens,
        },
        status=status,
    )


@login_required
def security(request):
    return _page(request)


def _codes(request, codes: list[str], *, title: str):
    return render(request, "web/security/recovery_codes.html", {"codes": codes, "title": title})


@login_required
def totp_setup(request):
    user = request.user
    if has_authenticator(user):
        messages.info(request, "Приложение-аутентификатор уже подключено.")
        return redirect("web:security")
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_confirm(user=user, code=form.cleaned_data["otp"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return _codes(request, codes, title="Приложение подключено")
    device = twofactor.totp_pending_device(user)
    return render(
        request,
        "web/security/totp_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.totp_qr_svg(device, user),
            "secret": twofactor.totp_secret(device),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def totp_remove(request):
    form = RemoveTotpForm(request.POST)
    if form.is_valid():
        try:
            twofactor.totp_remove(user=request.user, code=form.cleaned_data["otp"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, "Приложение-аутентификатор отключено, коды восстановления удалены."
            )
            return redirect("web:security")
    return _page(request, remove_form=form, status=422)


@login_required
@require_POST
def recovery_regenerate(request):
    try:
        codes = twofactor.recovery_codes_regenerate(user=request.user)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("web:security")
    return _codes(request, codes, title="Новые коды восстановления")


@login_required
@require_POST
def sms_factor(request):
    on = request.POST.get("on") == "1"
    try:
        twofactor.sms_factor_set(user=request.user, on=on)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Вход будет подтверждаться кодом из SMS." if on else "Код из SMS при входе отключён.",
        )
    return redirect("web:security")


@login_required
@require_POST
def session_end(request, session_id: int):
    current = session_id == request.session.get(sessions.SESSION_ID_KEY)
    try:
        sessions.session_end(user=request.user, session_id=session_id)
    except NotFound as exc:
        # Another person's session (or none): the same 404 as any object one may not know of.
        raise Http404(exc.message) from exc
    if current:
        logout(request)
        return redirect("web:home")
    messages.success(request, "Сеанс завершён.")
    return redirect("web:security")


@login_required
@require_POST
def sessions_end_others(request):
    ended = sessions.sessions_end_others(
        user=request.user, keep_id=request.session.get(sessions.SESSION_ID_KEY)
    )
    messages.success(request, f"Завершено других сеансов: {ended}.")
    return redirect("web:security")


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    try:
        token_revoke(user=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, "Токен отозван: приложения с ним больше не войдут.")
    return redirect("web:security")
