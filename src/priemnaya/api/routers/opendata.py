"""Open data (issue 14; docs/open-data.md): the public summary, no authentication.

`GET /api/v1/open-data/summary?from=&to=`: counts and deadline shares by theme, territory and
month, small cells withheld (null and `<field>_suppressed: true`). 404 while open data is off.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from priemnaya.core.errors import NotFound
from priemnaya.opendata.summary import period_parse, summary

router = Router(tags=["open-data"])


class PeriodOut(Schema):
    from_: str = Field(..., alias="from", description="First day of the first month, ISO date.")
    to: str = Field(..., description="Last day of the last month, ISO date.")


class RowOut(Schema):
    code: str = Field(..., description="Theme code, region code ('' — not given) or YYYY-MM.")
    name: str
    appeals: int | None
    appeals_suppressed: bool
    answered: int | None
    answered_suppressed: bool
    answered_on_time: int | None
    answered_on_time_suppressed: bool
    overdue: int | None
    overdue_suppressed: bool
    deadline_kept_share: float | None = Field(..., description="answered_on_time / answered, %")
    deadline_kept_share_suppressed: bool
    overdue_share: float | None = Field(..., description="overdue / appeals, %")
    overdue_share_suppressed: bool


class TotalOut(Schema):
    appeals: int | None
    appeals_suppressed: bool
    answered: int | None
    answered_suppressed: bool
    answered_on_time: int | None
    answered_on_time_suppressed: bool
    overdue: int | None
    overdue_suppressed: bool
    deadline_kept_share: float | None
    deadline_kept_share_suppressed: bool
    overdue_share: float | None
    overdue_share_suppressed: bool


class SummaryOut(Schema):
    period: PeriodOut
    min_cell: int
    total: TotalOut
    by_theme: list[RowOut]
    by_region: list[RowOut]
    by_month: list[RowOut]


@router.get(
    "/summary",
    auth=None,
    response=SummaryOut,
    by_alias=True,
    url_name="opendata_summary",
)
def open_data_summary(
    request: HttpRequest,
    from_: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    to: str | None = Query(None, description="YYYY-MM-DD"),
):
    """Counts, deadlines kept and overdue shares by theme, territory (region) and month.

    `from` and `to` are ISO dates (YYYY-MM-DD), both optional (default: the last 12 full
    months); the period is widened to whole months and may not exceed 5 years. Counts under
    the threshold (`min_cell`) and cells that would reveal them are null with `*_suppressed`.
    """
    if not settings.PRIEMNAYA_OPEN_DATA:
        raise NotFound("Открытые данные не публикуются.")
    return summary(period_parse(from_ or None, to or None))
