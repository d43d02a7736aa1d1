"""Password reset for apps: ask for a code, then set the new password with it."""

from ninja import Router, Schema, Status

from priemnaya.api.schemas import ErrorOut
from priemnaya.security.recovery import RESET_SENT, reset_confirm, reset_request

router = Router(tags=["auth"])


class ResetIn(Schema):
    login: str


class ResetConfirmIn(Schema):
    login: str
    code: str
    password: str


class MessageOut(Schema):
    detail: str


@router.post("/password-reset", auth=None, response={202: MessageOut, 422: ErrorOut, 429: ErrorOut})
def password_reset(request, payload: ResetIn):
    """Send a reset code to the confirmed phone (else e-mail) of the account, if there is one.

    Always 202 with the same text: the answer does not tell whether the login exists.
    """
    reset_request(login=payload.login)
    return Status(202, {"detail": RESET_SENT})


@router.post(
    "/password-reset/confirm", auth=None, response={200: MessageOut, 422: ErrorOut, 429: ErrorOut}
)
def password_reset_confirm(request, payload: ResetConfirmIn):
    """Set a new password with the code; every session and API token of the account ends.

    422 on `password` (the password rules) or `code` (wrong, used or expired, one message).
    """
    reset_confirm(login=payload.login, code=payload.code, password=payload.password)
    return {"detail": "Пароль изменён. Войдите с новым паролем."}
