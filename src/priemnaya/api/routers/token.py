from ninja import Router

from priemnaya.accounts.services import api_token_issue
from priemnaya.api.schemas import ErrorOut, TokenIn, TokenOut

router = Router(tags=["auth"])


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut})
def token_create(request, payload: TokenIn):
    """Exchange a login (e-mail or phone) and password for a bearer token."""
    return {"token": api_token_issue(login=payload.login, password=payload.password)}
