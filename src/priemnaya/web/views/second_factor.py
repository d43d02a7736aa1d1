"""The sign-in's second step: a code from the app, an SMS code or a recovery code."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from priemnaya.core.errors import TooManyRequests, ValidationFailed
from priemnaya.core.requests import client_ip, user_agent
from priemnaya.security import twofactor
from priemnaya.security.delivery import CodeNotSent
from priemnaya.security.second_factor import has_authenticator
from priemnaya.security.sessions import remember_days, session_remember
from priemnaya.web.forms_security import CodeForm
from priemnaya.web.views.common import apply_errors, home_for

BACKEND = "priemnaya.accounts.backends.LoginBackend"


def _sign_in(request, done: twofactor.Completed):
    login(request, done.user, backend=BACKEND)
    if done.remember:
        request.session.set_expiry(remember_days() * 86400)
    else:
        request.session.set_expiry(0)
    session_remember(request, done.remember)
    target = done.next
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(home_for(done.user))


def _back_to_login(request, exc: twofactor.PendingGone):
    if request.user.is_authenticated:
        # Already signed in (a bookmark, the back button): nothing is owed, go to work.
        return redirect(home_for(request.user))
    messages.error(request, exc.message)
    return redirect(settings.LOGIN_URL)


def second_factor(request):
    try:
        pending = twofactor.pending_sign_in(request.session)
    except twofactor.PendingGone as exc:
        return _back_to_login(request, exc)
    user = pending.user
    ip, agent = client_ip(request), user_agent(request)
    if not twofactor.factors_usable(user):
        # Staff before enrolment: let in; the middleware allows only setting up the app.
        done = twofactor.second_factor_waive(session=request.session, ip=ip, user_agent=agent)
        response = _sign_in(request, done)
        if not user.is_citizen:
            messages.warning(
                request, "Подключите приложение-аутентификатор: сотрудникам нужен второй фактор."
            )
            return redirect("web:security_totp")
        return response

    asks_sms = request.method == "POST" and "send_sms" in request.POST
    form = CodeForm(request.POST if request.method == "POST" and not asks_sms else None)
    sent_to = sms_error = None
    if asks_sms:
        try:
            sent_to = twofactor.second_factor_sms_send(user=user)
        except (ValidationFailed, TooManyRequests, CodeNotSent) as exc:
            sms_error = exc.message
    elif request.method == "POST" and form.is_valid():
        try:
            done = twofactor.second_factor_complete(
                session=request.session, code=form.cleaned_data["otp"], ip=ip, user_agent=agent
            )
        except twofactor.PendingGone as exc:
            return _back_to_login(request, exc)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return _sign_in(request, done)
    elif request.method == "GET":
        sent_to = twofactor.second_factor_sms_auto(user=user)
    left = twofactor.attempts_left(request.session)
    has_app, sms = has_authenticator(user), twofactor.sms_possible(user)
    form.fields["otp"].help_text = (
        "6 цифр из приложения или SMS, либо код восстановления."
        if has_app and sms
        else "6 цифр из приложения или код восстановления."
        if has_app
        else "6 цифр из SMS."
    )
    return render(
        request,
        "web/security/second_factor.html",
        {
            "form": form,
            "has_app": has_app,
            "sms_possible": sms,
            "sent_to": sent_to,
            "sms_error": sms_error,
            "attempts_left": left,
        },
    )
