"""Registration, the phone code after it, the e-mail link and «Подтверждение контактов».

Thin: the rules (equal answers for taken contacts, codes, consent) are in
``priemnaya.security.registration``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from priemnaya.accounts.consent import CONSENT_TEXT, CONSENT_TITLE, CONSENT_VERSION
from priemnaya.core.errors import ApplicationError, ValidationFailed
from priemnaya.core.requests import client_ip
from priemnaya.security.registration import (
    PENDING_KEY,
    Pending,
    contact_email_link_send,
    contact_phone_code_send,
    contact_phone_confirm,
    email_confirm,
    pending_after,
    registration_confirm_phone,
    registration_problems,
    registration_resend,
    registration_start,
)
from priemnaya.security.signin import session_start
from priemnaya.web.forms_registration import CodeForm, RegistrationForm
from priemnaya.web.views.common import add_problems, apply_errors

TEMPLATES = "web/registration/"


def mask_phone(phone: str | None) -> str:
    """+79161234567 → +7 916 ***-**-67: enough to recognise one's own number."""
    if not phone:
        return ""
    return f"{phone[:2]} {phone[2:5]} ***-**-{phone[-2:]}"


def mask_email(email: str | None) -> str:
    """maria@example.ru → m***@example.ru."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _sign_in(request, user) -> None:
    # The confirmed code is the proof here; the session, its event and audit entry as at sign-in.
    session_start(request, user, remember=False, method="registration")


@require_http_methods(["GET", "POST"])
def register_view(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = registration_start(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
                consent=data["consent"],
                ip=client_ip(request),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            previous = Pending.from_session(request.session.get(PENDING_KEY))
            request.session[PENDING_KEY] = pending_after(previous, pending).as_session()
            return redirect("web:register_confirm")
    elif request.method == "POST":
        # Check the rules too, so that every mistake shows now, not one round at a time.
        typed = dict.fromkeys(("full_name", "email", "phone", "password"), "")
        typed |= {name: value for name, value in form.cleaned_data.items() if name in typed}
        add_problems(
            form, registration_problems(**typed, consent=bool(form.cleaned_data.get("consent")))
        )
    return render(request, TEMPLATES + "register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_confirm(request):
    """«Введите код из SMS»: the step after the form, the same for new and taken contacts."""
    pending = Pending.from_session(request.session.get(PENDING_KEY))
    if pending is None:
        return redirect("web:register")
    form = CodeForm(request.POST if "confirm" in request.POST else None)
    status, problem = 200, pending.problem
    if request.method == "POST" and "resend" in request.POST:
        try:
            registration_resend(pending=pending)
        except ApplicationError as exc:
            problem, status = exc.message, exc.status
        else:
            if pending.problem:
                request.session[PENDING_KEY] = {**pending.as_session(), "problem": ""}
            messages.success(request, "Мы отправили новый код.")
            return redirect("web:register_confirm")
    elif request.method == "POST" and form.is_valid():
        try:
            user = registration_confirm_phone(pending=pending, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            request.session.pop(PENDING_KEY, None)
            _sign_in(request, user)
            messages.success(request, "Телефон подтверждён. Добро пожаловать в личный кабинет!")
            return redirect("web:cabinet")
    context = {
        "form": form,
        "phone": mask_phone(pending.phone),
        "email": mask_email(pending.email),
        "problem": problem,
    }
    return render(request, TEMPLATES + "confirm.html", context, status=status)


@require_http_methods(["GET", "POST"])
def confirm_email(request, user_id: int, secret: str):
    """The e-mail link: GET shows a button (link scanners do not spend it), POST confirms."""
    if request.method == "GET":
        return render(request, TEMPLATES + "confirm_email.html", {"state": "ask"})
    try:
        user = email_confirm(user_id=user_id, secret=secret)
    except ApplicationError as exc:
        context = {"state": "invalid", "message": exc.message}
        return render(request, TEMPLATES + "confirm_email.html", context, status=400)
    signed_in = request.user.is_authenticated and request.user.pk == user.pk
    context = {"state": "done", "signed_in": signed_in}
    return render(request, TEMPLATES + "confirm_email.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contacts(request):
    """«Подтверждение контактов»: send a code or a link again and confirm, for any account."""
    user = request.user
    form = CodeForm(request.POST if "confirm_phone" in request.POST else None)
    status, problem = 200, ""
    if request.method == "POST":
        try:
            if "send_code" in request.POST:
                contact_phone_code_send(user=user)
                messages.success(request, f"Код отправлен на номер {mask_phone(user.phone)}.")
                return redirect("web:contacts")
            if "send_link" in request.POST:
                contact_email_link_send(user=user)
                messages.success(request, f"Ссылка отправлена на адрес {mask_email(user.email)}.")
                return redirect("web:contacts")
            if "confirm_phone" in request.POST and form.is_valid():
                contact_phone_confirm(user=user, code=form.cleaned_data["code"])
                messages.success(request, "Телефон подтверждён.")
                return redirect("web:contacts")
        except ValidationFailed as exc:
            if "code" in exc.errors and form.is_bound:
                apply_errors(form, exc)
            else:
                problem, status = exc.message, exc.status
        except ApplicationError as exc:
            # Too soon or too often (429, with the wait), or the gateway failed (503).
            problem, status = exc.message, exc.status
    context = {
        "form": form,
        "phone": mask_phone(user.phone),
        "email": mask_email(user.email),
        "problem": problem,
    }
    return render(request, TEMPLATES + "contacts.html", context, status=status)


def consent_text(request):
    """The text of the consent to personal-data processing, public."""
    context = {"title": CONSENT_TITLE, "paragraphs": CONSENT_TEXT, "version": CONSENT_VERSION}
    return render(request, TEMPLATES + "consent.html", context)
