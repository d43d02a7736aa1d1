"""Where the open-data numbers come from.

Interim: a direct count over the appeals table behind the analytics helper's interface
(``Filters``, ``rollup_rows``); replaced by ``priemnaya.analytics.selectors`` once merged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import OPEN_STATUSES, Outcome, Status
from priemnaya.core import clock

MEASURES: tuple[str, ...] = (
    "appeals",
    "answered",
    "answered_on_time",
    "closed",
    "overdue",
    "overdue_open",
    "outcome_resolved",
    "outcome_rejected",
    "outcome_clarify",
    "outcome_no_answer",
    "outcome_forwarded",
)


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    department_ids: frozenset[int] | None = None
    kind_ids: frozenset[int] | None = None
    channels: frozenset[str] | None = None
    theme_ids: frozenset[int] | None = None
    regions: frozenset[str] | None = None


def _bounds(filters: Filters) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(filters.date_from, time.min))
    end = timezone.make_aware(datetime.combine(filters.date_to + timedelta(days=1), time.min))
    return start, end


def rollup_rows(filters: Filters, group_by: tuple[str, ...]) -> list[dict[str, Any]]:
    """Sum the measures of appeals registered in the period, grouped by ``group_by``."""
    start, end = _bounds(filters)
    qs = Appeal.objects.exclude(status=Status.DRAFT).filter(
        registered_at__gte=start, registered_at__lt=end
    )
    if filters.department_ids is not None:
        qs = qs.filter(department_id__in=filters.department_ids)
    if filters.theme_ids is not None:
        qs = qs.filter(theme_id__in=filters.theme_ids)
    if filters.regions is not None:
        qs = qs.filter(region__in=filters.regions)
    now = clock.now()
    outcomes = {a.appeal_id: a.outcome for a in _current_answers(qs)}
    groups: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    fields: tuple[str, ...] = ("id", "registered_at", "theme_id", "department_id", "region")
    fields = (*fields, "status", "answered_at", "due_at", "closed_at", "breached_at", "paused_at")
    for row in qs.values(*fields):
        day = timezone.localdate(row["registered_at"])
        keys = {
            "day": day,
            "month": day.replace(day=1),
            "theme": row["theme_id"],
            "department": row["department_id"],
            "region": row["region"],
            "status": row["status"],
        }
        sums = groups[tuple(keys[g] for g in group_by)]
        sums["appeals"] += 1
        answered, due = row["answered_at"], row["due_at"]
        is_open = row["status"] in OPEN_STATUSES
        if answered:
            sums["answered"] += 1
            if due is None or answered <= due:
                sums["answered_on_time"] += 1
        if row["closed_at"]:
            sums["closed"] += 1
        late_open = is_open and due is not None and row["paused_at"] is None and due < now
        if (answered and due and answered > due) or late_open or row["breached_at"]:
            sums["overdue"] += 1
            if is_open:
                sums["overdue_open"] += 1
        outcome = outcomes.get(row["id"])
        if outcome:
            sums[f"outcome_{Outcome(outcome).value}"] += 1
    return [{**dict(zip(group_by, key, strict=True)), **sums} for key, sums in groups.items()]


def _current_answers(qs):
    from priemnaya.appeals.models import Answer

    return Answer.objects.filter(appeal__in=qs, superseded_at__isnull=True).only(
        "appeal_id", "outcome"
    )
