from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from priemnaya.accounts.models import ApiToken, User
from priemnaya.accounts.roles import Role
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone
from priemnaya.core.errors import ApplicationError
from priemnaya.core.text import clean_text, text_problem


class AuthenticationFailed(ApplicationError):
    code = "authentication_failed"
    status = 401


def _checked(
    *, full_name: str, email: str, phone: str, password: str, role: str
) -> tuple[User, dict[str, list[str]]]:
    """Return the unsaved account made of the input and every problem with it, per field."""
    errors: dict[str, list[str]] = {}
    full_name = clean_text(full_name)
    if problem := text_problem(full_name, max_length=300):
        errors["full_name"] = [problem]
    norm_email = norm_phone = None
    if email.strip():
        try:
            norm_email = normalize_email(email)
        except ContactInvalid as exc:
            errors["email"] = [str(exc)]
    if phone.strip():
        try:
            norm_phone = normalize_phone(phone)
        except ContactInvalid as exc:
            errors["phone"] = [str(exc)]
    if not email.strip() and not phone.strip():
        errors["email"] = ["Укажите e-mail или телефон — по нему вы будете входить."]
    candidate = User(full_name=full_name, email=norm_email, phone=norm_phone, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return candidate, errors


def user_register_problems(
    *, full_name: str, email: str = "", phone: str = "", password: str, role: str = Role.CITIZEN
) -> dict[str, list[str]]:
    """Return every rule the registration input breaks, per field (nothing is looked up)."""
    return _checked(full_name=full_name, email=email, phone=phone, password=password, role=role)[1]


def api_token_create(user: User, *, name: str = "", ip: str | None = None) -> str:
    """Make a bearer token for ``user`` (returned once, stored hashed), named after its device."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=settings.PRIEMNAYA["API_TOKEN_TTL_DAYS"]),
        name=(name or "API").strip()[:200],
        created_ip=ip,
    )
    return key


def api_token_issue(
    *, login: str, password: str, request: HttpRequest, name: str = "", ip: str | None = None
) -> str:
    """Check the credentials and return a new bearer token (shown once, stored hashed).

    ``request`` is required: the lockout (django-axes) counts failures per request. The token
    endpoint goes through security.signin.token_issue, which adds the lockout answer and the
    second factor on top of this.
    """
    user = authenticate(request, username=login, password=password)
    if user is None:
        raise AuthenticationFailed("Неверный логин или пароль.", field="login")
    return api_token_create(user, name=name, ip=ip)
