"""A request id for every request and journal lines as JSON (PRIEMNAYA_LOG_FORMAT=json).

The id comes from the caller's ``X-Request-ID`` (a proxy or balancer that set one) when it is
safe to log, else it is made here; it goes back in the answer's header and into every log line
written while the request is served, so one request's lines can be found across processes.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Short and plain: anything else could forge log lines or carry data into them.
VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id: ContextVar[str] = ContextVar("request_id", default="")


def accepted_id(value: str | None) -> str:
    """The caller's id if it is valid, else a fresh one."""
    if value and VALID_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestId:
    """Outermost middleware: one id per request, in the context and on the answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = accepted_id(request.headers.get(HEADER))
        request.request_id = rid  # type: ignore[attr-defined]
        # Kept until request_finished (forget_request_id), not reset on the way out: Django logs
        # «Not Found» and server errors after the middleware have returned.
        request_id.set(rid)
        response = self.get_response(request)
        response[HEADER] = rid
        return response


def forget_request_id(**kwargs: object) -> None:
    """request_finished: lines written after the answer went out belong to no request."""
    request_id.set("")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get() or None,
        }
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
