"""Registration and the own account: confirm the phone by SMS code, the e-mail by link.

``POST /auth/register`` answers 202 with the same body whether or not the e-mail or phone is
taken (security/registration.py); the confirmation steps read the same for a decoy.
"""

from __future__ import annotations

from ninja import Router, Status

from priemnaya.api.routers.appeals import ERRORS
from priemnaya.api.schemas import ErrorOut
from priemnaya.api.schemas_account import (
    AccountOut,
    CodeIn,
    ConfirmPhoneIn,
    DetailOut,
    RegisterIn,
    RegisterOut,
)
from priemnaya.core.requests import client_ip
from priemnaya.security.registration import (
    contact_email_link_send,
    contact_phone_code_send,
    contact_phone_confirm,
    phone_confirm_anonymous,
    registration_start,
)

auth_router = Router(tags=["auth"])
account_router = Router(tags=["account"])
LIMITED = {**ERRORS, 429: ErrorOut, 503: ErrorOut}


@auth_router.post("/register", auth=None, response={202: RegisterOut} | LIMITED)
def register(request, payload: RegisterIn):
    """Register a citizen; the account is unconfirmed until the SMS code (and the e-mail link)."""
    pending = registration_start(
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        password=payload.password,
        consent=payload.consent,
        ip=client_ip(request),
    )
    confirm = [
        name for name, value in (("phone", pending.phone), ("email", pending.email)) if value
    ]
    steps = []
    if pending.phone:
        steps.append("введите код из SMS: POST /api/v1/auth/confirm-phone")
    if pending.email:
        steps.append("откройте ссылку из письма")
    detail = "Проверьте контакты: " + "; ".join(steps) + "."
    return Status(202, {"detail": detail, "confirm": confirm})


@auth_router.post("/confirm-phone", auth=None, response={200: DetailOut} | LIMITED)
def confirm_phone(request, payload: ConfirmPhoneIn):
    """Confirm the phone of a new account with the code from the SMS."""
    phone_confirm_anonymous(phone=payload.phone, code=payload.code)
    return {"detail": "Телефон подтверждён. Получите токен: POST /api/v1/auth/token."}


@account_router.get("", response={200: AccountOut} | ERRORS)
def account_get(request):
    """The signed-in person's own profile and which contacts are confirmed."""
    user = request.auth
    return {
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "email_confirmed": user.email_confirmed_at is not None,
        "phone_confirmed": user.phone_confirmed_at is not None,
        "identity_confirmed": user.identity_confirmed,
        "role": user.role,
    }


@account_router.post("/phone/code", response={200: DetailOut} | LIMITED)
def phone_code(request):
    """Send a new code to the own phone (60 s pause, 5 an hour: 429 with Retry-After)."""
    contact_phone_code_send(user=request.auth)
    return {"detail": "Код отправлен в SMS. Он действует 10 минут."}


@account_router.post("/phone/confirm", response={200: DetailOut} | LIMITED)
def phone_confirm(request, payload: CodeIn):
    """Confirm the own phone with the code from the SMS."""
    contact_phone_confirm(user=request.auth, code=payload.code)
    return {"detail": "Телефон подтверждён."}


@account_router.post("/email/link", response={200: DetailOut} | LIMITED)
def email_link(request):
    """Send a link that confirms the own e-mail address."""
    contact_email_link_send(user=request.auth)
    return {"detail": "Ссылка для подтверждения отправлена на почту. Она действует 10 минут."}
