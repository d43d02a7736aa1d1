from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from priemnaya.accounts.services import user_register, user_register_problems
from priemnaya.core.errors import ValidationFailed
from priemnaya.web.forms import LoginForm, RegisterForm
from priemnaya.web.views.common import add_problems, apply_errors


def _next_url(request, user) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    if user.role == "auditor":  # the auditor's pages (issue 9, audit)
        return "web:audit"
    return "web:console" if user.works_appeals else "web:cabinet"


def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["login"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(None, "Неверный логин или пароль.")
        else:
            login(request, user)
            return redirect(_next_url(request, user))
    return render(
        request, "web/accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:home")


def register_view(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            login(request, user, backend="priemnaya.accounts.backends.LoginBackend")
            return redirect("web:cabinet")
    elif request.method == "POST":
        # Check the rules too, so that every mistake shows now, not one round at a time.
        typed = dict.fromkeys(("full_name", "email", "phone", "password"), "")
        typed |= {name: value for name, value in form.cleaned_data.items() if name in typed}
        add_problems(form, user_register_problems(**typed))
    return render(request, "web/accounts/register.html", {"form": form})
