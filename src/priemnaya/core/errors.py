"""Domain errors: raised by services, mapped to HTTP by the API and to form errors by the pages."""

from __future__ import annotations


class ApplicationError(Exception):
    """Base of every rule violation a person can cause; carries a code and the field at fault."""

    code = "application_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "message": self.message}


class ValidationFailed(ApplicationError):
    """Input broke a rule; ``errors`` maps each field to its messages."""

    code = "invalid"
    status = 422

    def __init__(self, errors: dict[str, list[str]]):
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field)
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})


class InvalidTransition(ApplicationError):
    """The appeal's state does not allow this action."""

    code = "invalid_transition"
    status = 409


class NotPermitted(ApplicationError):
    """The actor may see the object but not do this to it."""

    code = "not_permitted"
    status = 403


class NotFound(ApplicationError):
    """The object does not exist or the actor may not know that it does."""

    code = "not_found"
    status = 404


class Conflict(ApplicationError):
    code = "conflict"
    status = 409


class ServiceUnavailable(ApplicationError):
    """The service cannot do this now for a reason on its side (e.g. calendar data missing)."""

    code = "unavailable"
    status = 503


class TooManyRequests(ApplicationError):
    """Too many attempts (a rate limit or a lockout); try again after ``retry_after`` seconds."""

    code = "too_many_requests"
    status = 429

    def __init__(
        self, message: str, *, retry_after: int, field: str | None = None, code: str | None = None
    ):
        super().__init__(message, field=field, code=code)
        self.retry_after = max(1, int(retry_after))
