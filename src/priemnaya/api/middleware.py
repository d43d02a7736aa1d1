"""Answers of /api/ URLs that Django, not the API, made (unknown URL, crash) become JSON too.

The API's own errors are JSON already (errors.py). What is left are responses made outside it:
the 404 of an unknown URL and the 500 of a crash come from the site's HTML handlers, and a wrong
method gets ninja's plain-text 405. Clients parse every error the same way, so those are replaced
with the documented body. With DEBUG on a 5xx keeps Django's technical page for the developer.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from priemnaya.api.errors import single, too_large_message

API_PREFIX = "/api/"
# Headers of the original answer that still mean something to the client.
_KEPT_HEADERS = ("Allow", "Retry-After")


def _message(request: HttpRequest, status: int) -> tuple[str, str]:
    if status == 400:
        return "Неверный запрос.", "bad_request"
    if status == 403:
        return "Доступ запрещён.", "forbidden"
    if status == 404:
        return "Такого адреса в API нет; список вызовов — /api/v1/docs.", "not_found"
    if status == 405:
        return f"Метод {request.method} по этому адресу не поддерживается.", "method_not_allowed"
    if status == 413:
        return too_large_message(), "too_large"
    if status < 500:
        return "Запрос не может быть выполнен.", "client_error"
    return "Внутренняя ошибка сервера. Повторите запрос позже.", "server_error"


class ApiErrorsAsJson:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if (
            status < 400
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
            or (settings.DEBUG and status >= 500)
        ):
            return response
        message, code = _message(request, status)
        replaced = HttpResponse(
            json.dumps(single(message, code), ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
        for header in _KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced
