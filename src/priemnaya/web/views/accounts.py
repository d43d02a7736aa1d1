from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from priemnaya.accounts.services import AuthenticationFailed
from priemnaya.core.errors import TooManyRequests
from priemnaya.security.lockout import lock_state
from priemnaya.security.ratelimit import rate_limited_response
from priemnaya.security.signin import UNLOCK_LOGIN_KEY, Locked, locked_response, page_sign_in
from priemnaya.web.signin_forms import SignInForm
from priemnaya.web.views.common import home_for


def _next_url(request, user) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return home_for(user)


def login_view(request):
    """Sign in by e-mail or phone; a locked login gets the 429 page with the way to unlock."""
    form = SignInForm(request.POST or None)
    target = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        safe_next = target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else ""
        try:
            result = page_sign_in(
                request,
                login=data["login"],
                password=data["password"],
                remember=data["remember"],
                next_url=safe_next,
            )
        except Locked:
            request.session[UNLOCK_LOGIN_KEY] = data["login"].strip()[:254]
            return locked_response(request, lock_state(data["login"]))
        except TooManyRequests as exc:
            return rate_limited_response(request, exc.retry_after, message=exc.message)
        except AuthenticationFailed as exc:
            form.add_error(None, exc.message)
        else:
            if result.outcome == "second_factor":
                # The second-factor page (web:second_factor) takes the code and signs in.
                return redirect("web:second_factor")
            return redirect(_next_url(request, result.user))
    return render(request, "web/accounts/login.html", {"form": form, "next": target})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:home")


def admin_login(request):
    """Django admin's sign-in goes through ours, so that the second factor and lockout apply.

    The admin's own form would sign a password in alone; staff come back to the admin after
    the full sign-in, others get «Нет доступа».
    """
    target = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/admin/"
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    return render(request, "web/errors/403.html", status=403)
