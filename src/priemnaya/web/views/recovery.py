"""Pages of password reset, password change and early unlock of a locked login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from priemnaya.core.errors import ValidationFailed
from priemnaya.security.recovery import (
    RESET_SENT,
    password_change,
    reset_confirm,
    reset_request,
)
from priemnaya.security.signin import UNLOCK_LOGIN_KEY
from priemnaya.security.unlock import unlock_by_code, unlock_code_send
from priemnaya.web.signin_forms import (
    PasswordChangeForm,
    ResetConfirmForm,
    ResetForm,
    UnlockCodeForm,
    UnlockForm,
)
from priemnaya.web.views.common import apply_errors

RESET_LOGIN_KEY = "priemnaya_reset_login"
# The login that passed the captcha and may now be unlocked with the SMS code: {"login", "at"}.
UNLOCK_PASSED_KEY = "priemnaya_unlock_passed"
UNLOCK_SENT = (
    "Если учётная запись с этим логином заблокирована и у неё есть подтверждённый телефон, "
    "мы отправили на него код. Код действует 10 минут."
)


def reset_start(request):
    """Step 1: the login; the answer is the same whether or not the account exists."""
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"].strip()[:254]
        reset_request(login=login)
        request.session[RESET_LOGIN_KEY] = login
        return redirect("web:password_reset_confirm")
    return render(request, "web/security/reset.html", {"form": form})


def reset_finish(request):
    """Step 2: the code and the new password twice."""
    initial = {"login": request.session.get(RESET_LOGIN_KEY, "")}
    form = ResetConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reset_confirm(
                login=data["login"],
                code=data["code"],
                password=data["password"],
                password2=data["password2"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            request.session.pop(RESET_LOGIN_KEY, None)
            messages.success(request, "Пароль изменён. Войдите с новым паролем.")
            return redirect("web:login")
    return render(request, "web/security/reset_confirm.html", {"form": form, "sent": RESET_SENT})


@login_required
def password_change_view(request):
    """Old password and the new one twice; other sessions and every API token end."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            password_change(
                request,
                user=request.user,
                old=data["old_password"],
                password=data["password"],
                password2=data["password2"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Пароль изменён. Другие сеансы и все токены API завершены; "
                "на этом устройстве вы остаётесь в системе.",
            )
            return redirect("web:password_change")
    return render(request, "web/security/password_change.html", {"form": form})


def unlock_start(request):
    """Early unlock, step 1: the login and the image captcha."""
    initial = {"login": request.session.get(UNLOCK_LOGIN_KEY, "")}
    form = UnlockForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"].strip()[:254]
        unlock_code_send(login=login)
        request.session[UNLOCK_PASSED_KEY] = {"login": login, "at": timezone.now().isoformat()}
        return redirect("web:unlock_code")
    return render(request, "web/security/unlock.html", {"form": form})


def unlock_finish(request):
    """Early unlock, step 2: the SMS code; only after the captcha of step 1."""
    passed = request.session.get(UNLOCK_PASSED_KEY)
    if not passed:
        return redirect("web:unlock")
    form = UnlockCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unlock_by_code(login=passed["login"], code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            request.session.pop(UNLOCK_PASSED_KEY, None)
            request.session.pop(UNLOCK_LOGIN_KEY, None)
            messages.success(request, "Вход разблокирован. Войдите со своим паролем.")
            return redirect("web:login")
    return render(request, "web/security/unlock_code.html", {"form": form, "sent": UNLOCK_SENT})
