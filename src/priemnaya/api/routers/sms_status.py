"""The SMS gateway's delivery-status callback (docs/notification-delivery.md)."""

from __future__ import annotations

import hmac

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyHeader

from priemnaya.api.schemas import ErrorOut
from priemnaya.core.errors import ApplicationError, NotPermitted
from priemnaya.notifications.sms import sms_status_record

router = Router(tags=["notifications"])

CALLBACK_HEADER = "X-Callback-Token"


class CallbackUnauthorized(ApplicationError):
    code = "unauthorized"
    status = 401


class SmsStatusIn(Schema):
    id: str = Field(min_length=1, max_length=200, description="Идентификатор SMS у шлюза")
    status: str = Field(min_length=1, max_length=32, description="delivered, failed, …")
    error: str = Field(default="", max_length=500, description="Причина недоставки, если есть")


class CallbackToken(APIKeyHeader):
    """The gateway's shared secret in X-Callback-Token; checked before the body is read."""

    param_name = CALLBACK_HEADER

    def authenticate(self, request, key: str | None) -> str:
        if not key:
            raise CallbackUnauthorized(f"Нужен заголовок {CALLBACK_HEADER}.", field=CALLBACK_HEADER)
        expected = settings.SMS_CALLBACK_TOKEN
        # An unset token refuses every callback rather than accepting any.
        if not expected or not hmac.compare_digest(key.encode(), expected.encode()):
            raise NotPermitted(
                f"Неверный {CALLBACK_HEADER}.", field=CALLBACK_HEADER, code="bad_token"
            )
        return "sms-gateway"


@router.post(
    "/sms-status",
    auth=CallbackToken(),
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def sms_status(request, payload: SmsStatusIn):
    """Take a delivery status of an SMS from the gateway (header X-Callback-Token)."""
    sms_status_record(provider_id=payload.id, status=payload.status, error=payload.error)
    return Status(204, None)
