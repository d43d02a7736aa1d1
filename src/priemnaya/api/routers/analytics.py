"""The dashboard's numbers for staff apps: GET /api/v1/staff/analytics/summary."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema

from priemnaya.analytics import dashboard as board
from priemnaya.api.routers.appeals import ERRORS
from priemnaya.appeals.permissions import require_staff
from priemnaya.core.errors import NotPermitted

router = Router(tags=["staff"])

NOT_ALLOWED = "Аналитика доступна контролю качества, администраторам и руководителям отделов."


class SummaryQuery(Schema):
    from_: str | None = Field(None, alias="from", description="с какой даты (ГГГГ-ММ-ДД, МСК)")
    to: str | None = Field(None, description="по какую дату включительно (ГГГГ-ММ-ДД)")
    preset: str | None = Field(None, description="month, last_month, quarter или year")
    department: int | None = Field(None, description="id ведомства (руководитель — только своё)")
    kind: int | None = Field(None, description="id вида обращения")
    channel: str | None = Field(None, description="код канала (portal, phone, …)")


class SummaryOut(Schema):
    from_: str = Field(alias="from")
    to: str
    departments: list[int] | None = Field(description="ведомства в выборке; null — все")
    totals: dict[str, int] = Field(description="суммы показателей сводок (docs/analytics.md)")
    indicators: dict[str, float | None] = Field(description="медианы, средние и доли")
    by_kind: list[dict[str, Any]]
    by_theme: list[dict[str, Any]]
    by_department: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_status: list[dict[str, Any]]
    series: dict[str, Any]
    ratings: dict[str, int]
    overdue_now: dict[str, Any]
    top_stems: list[dict[str, Any]]


@router.get("/summary", response={200: SummaryOut} | ERRORS, by_alias=True)
def summary(request, query: Query[SummaryQuery]):
    """The dashboard's numbers for a period (appeals registered in it, in their current state).

    Supervisors and administrators see every department, department heads theirs; a bad value
    is answered 422 naming the field.
    """
    user = require_staff(request.auth)
    allowed = board.allowed_departments(user)
    if allowed == frozenset():
        raise NotPermitted(NOT_ALLOWED)
    params = {k: v for k, v in query.dict(by_alias=True).items() if v not in (None, "")}
    filters = board.parse_filters(params, allowed)
    return board.summary(board.dashboard(filters))
