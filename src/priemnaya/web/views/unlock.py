"""The console page where an operator unlocks a locked account after checking identity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render

from priemnaya.core.errors import ValidationFailed
from priemnaya.security.unlock import may_unlock, operator_lookup, operator_unlock
from priemnaya.web.signin_forms import OperatorLookupForm, OperatorUnlockForm
from priemnaya.web.views.common import apply_errors


def account_unlock(request):
    """Find by login, see whether it is locked; unlock with the identity check recorded."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_unlock(request.user):
        return render(request, "web/errors/403.html", status=403)
    found = state = None
    login = ""
    unlock_form = None
    if request.method == "POST":
        unlock_form = OperatorUnlockForm(request.POST)
        login = request.POST.get("login", "")
        found, state = operator_lookup(actor=request.user, login=login)
        if unlock_form.is_valid() and found is not None:
            data = unlock_form.cleaned_data
            try:
                operator_unlock(
                    actor=request.user,
                    user=found,
                    method=data["method"],
                    confirmed=data["confirmed"],
                )
            except ValidationFailed as exc:
                apply_errors(unlock_form, exc)
            else:
                messages.success(request, "Учётная запись разблокирована; запись внесена в журнал.")
                return redirect("web:account_unlock")
        lookup = OperatorLookupForm(initial={"login": login})
    else:
        lookup = OperatorLookupForm(request.GET or None)
        if lookup.is_valid():
            login = lookup.cleaned_data["login"]
            found, state = operator_lookup(actor=request.user, login=login)
            unlock_form = OperatorUnlockForm(initial={"login": login})
    return render(
        request,
        "web/security/operator_unlock.html",
        {
            "lookup": lookup,
            "form": unlock_form,
            "found": found,
            "state": state,
            "searched": bool(login),
        },
    )
