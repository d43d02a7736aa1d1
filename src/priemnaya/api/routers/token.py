from ninja import Router

from priemnaya.api.schemas import ErrorOut, TokenIn, TokenOut
from priemnaya.security.signin import token_issue

router = Router(tags=["auth"])


@router.post(
    "/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
)
def token_create(request, payload: TokenIn):
    """Exchange a login (e-mail or phone) and password (and `otp` if asked) for a bearer token.

    401 `authentication_failed` for a wrong login or password (one answer for both); 401
    `otp_required` (field `otp`) when the account needs a second factor and none was given — an
    SMS code is sent if the person uses them; 401 `otp_invalid` for a wrong one; 429 with
    Retry-After while the login is locked (even for the right password) or the caller is over
    its rate.
    """
    key = token_issue(
        request,
        login=payload.login,
        password=payload.password,
        otp=payload.otp,
        device=payload.device or "",
    )
    return {"token": key}
