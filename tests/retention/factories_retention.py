"""Appeals closed long ago, for the retention tests.

The production calendar holds only recent years, so an appeal cannot be registered ten years
back; it is filed and closed now and its dates are then moved back (tests may write rows).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.core import clock
from tests import factories

# Every retention test runs at this instant: the clock is frozen, the periods are calendar years.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.get_fixed_timezone(180))


def closed_on(
    moment: datetime, *, applicant: User, staff: User, status: str = "closed", **overrides
) -> Appeal:
    """File an appeal, bring it to ``status`` and move its life back to end at ``moment``."""
    with clock.travel_to(NOW - timedelta(days=3)):
        appeal = factories.make_appeal(status, applicant=applicant, staff=staff, **overrides)
    shift = appeal.closed_at - moment
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=appeal.created_at - shift,
        registered_at=appeal.registered_at - shift,
        answered_at=appeal.answered_at - shift if appeal.answered_at else None,
        closed_at=moment,
    )
    appeal.refresh_from_db()
    return appeal


def years_ago(years: int, *, days: int = 0) -> datetime:
    return NOW.replace(year=NOW.year - years) - timedelta(days=days)
