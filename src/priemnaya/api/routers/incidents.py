"""Incidents for staff: the open failures of their departments and the one answer to all."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from ninja import Router, Schema

from priemnaya.api.routers.appeals import ERRORS
from priemnaya.appeals import services
from priemnaya.appeals.models import Incident
from priemnaya.appeals.selectors import incident_get, incidents_visible_to

router = Router(tags=["staff"])


class IncidentOut(Schema):
    id: int
    title: str
    signature: str
    state: str
    department: str
    opened_at: datetime
    first_response_due_at: datetime | None
    resolved_at: datetime | None
    answer_text: str
    appeal_count: int


class ResolveIn(Schema):
    text: str


def incident_of(incident: Incident, appeal_count: int) -> dict:
    return {
        "id": incident.pk,
        "title": incident.title,
        "signature": incident.signature,
        "state": incident.state,
        "department": incident.department.code,
        "opened_at": incident.opened_at,
        "first_response_due_at": incident.first_response_due_at,
        "resolved_at": incident.resolved_at,
        "answer_text": incident.answer_text,
        "appeal_count": appeal_count,
    }


@router.get("", response={200: list[IncidentOut]} | ERRORS)
def incident_list(request):
    """Incidents of the caller's departments, open first, newest first."""
    rows = (
        incidents_visible_to(user=request.auth)
        .annotate(appeal_count=Count("appeals"))
        .order_by("state", "-opened_at", "-id")[:100]
    )
    return [incident_of(i, i.appeal_count) for i in rows]


@router.post("/{incident_id}/resolve", response={200: IncidentOut} | ERRORS)
def resolve(request, incident_id: int, payload: ResolveIn):
    """Answer every open appeal of the incident with one text and mark it resolved."""
    incident = incident_get(user=request.auth, incident_id=incident_id)
    done = services.incident_resolve(incident=incident, actor=request.auth, text=payload.text)
    return incident_of(done, done.appeals.count())
