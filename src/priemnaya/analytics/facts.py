"""An appeal's contribution to the statistics, computed from the appeal row alone.

The consumer and the rebuild both go through ``facts_for``, so incremental upkeep and a rebuild
cannot disagree. Durations are measured from registration; they are also kept as log-spaced
buckets (four per doubling: a bucket's bounds differ by 2^(1/4) ≈ 19 %, so a median read back from
the buckets — the geometric middle of its bucket — is within ±9 % of the true one).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from priemnaya.analytics.models import MEASURES
from priemnaya.appeals.models import Answer, Appeal
from priemnaya.appeals.states import OPEN_STATUSES, Outcome, Status
from priemnaya.search.text import analyse

BUCKETS_PER_DOUBLING = 4
DAY = timedelta(hours=24)
OUTCOME_MEASURE = {
    Outcome.RESOLVED: "outcome_resolved",
    Outcome.REJECTED: "outcome_rejected",
    Outcome.CLARIFY: "outcome_clarify",
    Outcome.NO_ANSWER: "outcome_no_answer",
    Outcome.FORWARDED: "outcome_forwarded",
}
DIMENSIONS = (
    "day",
    "month",
    "year",
    "kind_id",
    "theme_id",
    "department_id",
    "channel",
    "region",
    "status",
)
FACT_FIELDS = (*DIMENSIONS, *MEASURES, "first_response_bucket", "answer_bucket", "stems")
_OPEN = {str(s) for s in OPEN_STATUSES}

# What the fact is computed from: plain values, no model instances (the rebuild reads millions).
APPEAL_FIELDS = (
    "id",
    "status",
    "registered_at",
    "kind_id",
    "theme_id",
    "department_id",
    "channel",
    "region",
    "subject",
    "first_response_at",
    "answered_at",
    "due_at",
    "closed_at",
    "repeat_of_id",
    "rating",
    "breached_at",
)


def bucket_of(seconds: int) -> int:
    """The log-spaced bucket of a duration: 0 for none, then four per doubling of seconds."""
    if seconds <= 0:
        return 0
    return math.floor(BUCKETS_PER_DOUBLING * math.log2(seconds)) + 1


def bucket_seconds(bucket: int) -> float:
    """The duration a bucket stands for: the geometric middle of its bounds."""
    if bucket <= 0:
        return 0.0
    return 2 ** ((bucket - 1 + 0.5) / BUCKETS_PER_DOUBLING)


def appeal_rows(queryset=None):
    """The appeals' values the facts need, with the outcome of each one's current answer."""
    current = (
        Answer.objects.filter(appeal=OuterRef("pk"), superseded_at__isnull=True)
        .order_by("-issued_at", "-id")
        .values("outcome")[:1]
    )
    qs = Appeal.objects.all() if queryset is None else queryset
    return qs.annotate(current_outcome=Subquery(current)).values(*APPEAL_FIELDS, "current_outcome")


def month_start(day: date) -> date:
    return day.replace(day=1)


def fact_for(row: dict[str, Any]) -> dict[str, Any] | None:
    """The contribution of one appeal (a row of ``appeal_rows``); None if it does not count."""
    registered = row["registered_at"]
    if row["status"] == Status.DRAFT or registered is None:
        return None
    day = timezone.localtime(registered).date()
    fact: dict[str, Any] = dict.fromkeys(MEASURES, 0)
    fact.update(
        day=day,
        month=month_start(day),
        year=day.replace(month=1, day=1),
        kind_id=row["kind_id"],
        theme_id=row["theme_id"],
        department_id=row["department_id"] or 0,
        channel=row["channel"] or "",
        region=row["region"] or "",
        status=row["status"],
        first_response_bucket=None,
        answer_bucket=None,
        appeals=1,
    )
    first = row["first_response_at"]
    if first is not None:
        seconds = max(0, int((first - registered).total_seconds()))
        fact.update(
            first_responses=1,
            first_response_seconds=seconds,
            first_response_bucket=bucket_of(seconds),
        )
    answered = row["answered_at"]
    if answered is not None:
        seconds = max(0, int((answered - registered).total_seconds()))
        fact.update(answered=1, answer_seconds=seconds, answer_bucket=bucket_of(seconds))
        due = row["due_at"]
        fact["answered_on_time"] = int(due is None or answered <= due)
    if row["status"] == Status.CLOSED:
        fact["closed"] = 1
        closed = row["closed_at"]
        fact["closed_within_24h"] = int(closed is not None and closed - registered <= DAY)
    fact["repeats"] = int(row["repeat_of_id"] is not None)
    if row["rating"] is not None:
        fact.update(ratings=1, rating_sum=int(row["rating"]))
    if row["breached_at"] is not None:
        fact["overdue"] = 1
        fact["overdue_open"] = int(row["status"] in _OPEN)
    outcome = OUTCOME_MEASURE.get(row["current_outcome"])
    if outcome is not None:
        fact[outcome] = 1
    fact["stems"] = subject_stems(row["subject"] or "")
    return fact


@lru_cache(maxsize=65536)
def subject_stems(subject: str) -> str:
    """The distinct stems of a subject, sorted, space-separated (subjects repeat: cached)."""
    return " ".join(sorted(set(analyse(subject).split())))


def stored_fact(fact_row: dict[str, Any]) -> dict[str, Any]:
    """A stored ``AppealFact`` (as values) in the shape ``fact_for`` returns."""
    return {name: fact_row[name] for name in FACT_FIELDS}
