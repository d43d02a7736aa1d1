"""The person's own data (152-FZ): the export and requests about personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from priemnaya.api.routers.appeals import ERRORS
from priemnaya.privacy import requests as services
from priemnaya.privacy.export import personal_data_export
from priemnaya.privacy.models import RequestKind, SubjectRequest

router = Router(tags=["account"])


class SubjectRequestIn(Schema):
    kind: str = Field(description=f"one of: {', '.join(RequestKind.values)}")
    text: str = Field("", description="what to clarify or why; required for `rectify`")


class SubjectRequestOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    state: str
    state_label: str
    created_at: datetime
    due_on: date = Field(description="answer due by this local date (10 working days, +5 once)")
    extended_at: datetime | None
    extension_reason: str
    answer: str
    answered_at: datetime | None


def request_of(r: SubjectRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "text": r.text,
        "state": r.state,
        "state_label": r.get_state_display(),
        "created_at": r.created_at,
        "due_on": r.due_on,
        "extended_at": r.extended_at,
        "extension_reason": r.extension_reason,
        "answer": r.answer,
        "answered_at": r.answered_at,
    }


@router.get("/export", response={200: dict[str, Any], **ERRORS})
def export(request: HttpRequest, response: HttpResponse):
    """All of the caller's own data in one JSON document (the same as «Мои данные» → JSON)."""
    response["Cache-Control"] = "no-store"
    return personal_data_export(user=request.user, form="api")  # type: ignore[arg-type]


@router.get("/privacy-requests", response={200: list[SubjectRequestOut], **ERRORS})
def requests_list(request: HttpRequest, response: HttpResponse):
    """The caller's requests about personal data, newest first."""
    response["Cache-Control"] = "no-store"
    return [request_of(r) for r in services.subject_requests_of(user=request.user)]  # type: ignore[arg-type]


@router.post("/privacy-requests", response={201: SubjectRequestOut, **ERRORS})
def requests_file(request: HttpRequest, payload: SubjectRequestIn):
    """File a request about personal data: due in 10 working days."""
    filed = services.subject_request_file(
        user=request.user,  # type: ignore[arg-type]
        kind=payload.kind,
        text=payload.text,
    )
    return Status(201, request_of(filed))
