"""One place that turns domain and input errors into 4xx JSON naming the field."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from priemnaya.core.errors import (
    ApplicationError,
    NotFound,
    NotPermitted,
    TooManyRequests,
    ValidationFailed,
)
from priemnaya.security.refusals import refusal_record, refusal_record_signed_in

_PYDANTIC_RU = {
    "missing": "Обязательное поле.",
    "string_type": "Ожидается строка.",
    "int_type": "Ожидается целое число.",
    "int_parsing": "Ожидается целое число.",
    "date_from_datetime_parsing": "Дата указывается в формате ГГГГ-ММ-ДД.",
    "date_parsing": "Дата указывается в формате ГГГГ-ММ-ДД.",
    "datetime_parsing": "Дата и время указываются в формате ISO 8601.",
    "datetime_from_date_parsing": "Дата и время указываются в формате ISO 8601.",
    "json_invalid": "Тело запроса — не JSON.",
    "model_attributes_type": "Тело запроса должно быть JSON-объектом.",
    "dict_type": "Тело запроса должно быть JSON-объектом.",
    "time_parsing": "Время указывается в формате ЧЧ:ММ.",
    "time_type": "Время указывается в формате ЧЧ:ММ.",
    "bool_parsing": "Ожидается true или false.",
    "bool_type": "Ожидается true или false.",
    "list_type": "Ожидается список.",
}
_SKIP_LOC = {"body", "payload", "query", "path", "filters", "data"}


def _field_of(loc) -> str | None:
    # The first name after the request part is the field; later parts are union members or indexes.
    parts = [str(p) for p in loc if str(p) not in _SKIP_LOC and not isinstance(p, int)]
    return parts[0] if parts else None


def body(detail: str, errors: list[dict]) -> dict:
    return {"detail": detail, "errors": errors}


def single(message: str, code: str, field: str | None = None) -> dict:
    """The error body of a request-level problem (no field of the input is at fault)."""
    return body(message, [{"field": field, "message": message, "code": code}])


def too_large_message() -> str:
    megabytes = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g}".replace(".", ",")
    return f"Тело запроса больше допустимых {megabytes} МБ."


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        items: list[dict[str, str | None]]
        if isinstance(exc, ValidationFailed):
            items = [
                {"field": field, "message": message, "code": exc.code}
                for field, messages in exc.errors.items()
                for message in messages
            ]
        else:
            items = [exc.as_dict()]
        if isinstance(exc, NotFound | NotPermitted):
            refusal_record_signed_in(
                request, reason="not_found" if isinstance(exc, NotFound) else "not_permitted"
            )
        response = api.create_response(request, body(exc.message, items), status=exc.status)
        if isinstance(exc, TooManyRequests):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request, exc: NinjaValidationError):
        items = []
        for error in exc.errors:
            kind = error.get("type", "")
            message = _PYDANTIC_RU.get(kind, f"Неверное значение ({error.get('msg', kind)}).")
            items.append(
                {"field": _field_of(error.get("loc", ())), "message": message, "code": kind}
            )
        detail = items[0]["message"] if items else "Неверный запрос."
        return api.create_response(request, body(detail, items), status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        if request.headers.get("Authorization"):
            # A token was offered and refused: unknown, expired or revoked.
            refusal_record(request, reason="bad_token")
        message = "Нужна авторизация: войдите или передайте токен (Authorization: Bearer …)."
        return api.create_response(
            request,
            body(message, [{"field": "Authorization", "message": message, "code": "unauthorized"}]),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja's own texts are English; the one a client can meet is the unparsable body.
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            message, code = _PYDANTIC_RU["json_invalid"], "json_invalid"
        else:
            message, code = str(exc), "http_error"
        return api.create_response(request, single(message, code), status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; without this it is a 400.
        return api.create_response(request, single(too_large_message(), "too_large"), status=413)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        message = "Не найдено."
        return api.create_response(request, single(message, "not_found"), status=404)
