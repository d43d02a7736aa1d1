"""Keep the rollups equal to the sum of the facts: apply an appeal's change as a delta.

Each write is ``INSERT … ON CONFLICT (grain) DO UPDATE SET x = x + excluded.x`` (PostgreSQL and
SQLite alike), so two workers adding to the same row never lose an update; rows are written in
key order, so two batches touching the same rows cannot deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import connection

from priemnaya.analytics.models import (
    MEASURES,
    AppealFact,
    DailyRollup,
    DepartmentBucket,
    DurationBucket,
    PeriodRollup,
    RegionRollup,
    StemCount,
)

DAILY_KEY = ("day", "kind_id", "theme_id", "department_id", "channel", "region", "status")
REGION_KEY = ("month", "theme_id", "region")
PERIOD_KEY = ("span", "start", "kind_id", "theme_id", "department_id", "channel", "status")
BUCKET_KEY = ("span", "start", "kind_id", "department_id", "channel", "measure", "bucket")
DEPARTMENT_BUCKET_KEY = ("span", "start", "department_id", "measure", "bucket")
STEM_KEY = ("span", "start", "kind_id", "department_id", "channel", "stem")
DURATIONS = (("first_response", "first_response_bucket"), ("answer", "answer_bucket"))
ROWS_PER_STATEMENT = 400
# Plain strings (not the Span enum): they go to the database as query parameters.
DAY, MONTH, YEAR = "d", "m", "y"


def _starts(day: date) -> tuple[tuple[str, date], ...]:
    return (
        (DAY, day),
        (MONTH, day.replace(day=1)),
        (YEAR, day.replace(month=1, day=1)),
    )


class Delta:
    """Changes to the rollup tables, gathered per row key before they are written."""

    def __init__(self) -> None:
        self.daily: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
        self.period: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
        self.region: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
        self.buckets: dict[tuple, int] = defaultdict(int)
        self.department_buckets: dict[tuple, int] = defaultdict(int)
        self.stems: dict[tuple, int] = defaultdict(int)

    def add(self, fact: dict[str, Any] | None, sign: int) -> None:
        """Add (sign 1) or take away (sign -1) one appeal's contribution."""
        if fact is None:
            return
        values = [sign * int(fact[m]) for m in MEASURES]
        daily = self.daily[tuple(fact[k] for k in DAILY_KEY)]
        for i, v in enumerate(values):
            daily[i] += v
        region = self.region[(fact["day"].replace(day=1), fact["theme_id"], fact["region"])]
        for i, v in enumerate(values):
            region[i] += v
        dims = (fact["kind_id"], fact["theme_id"], fact["department_id"], fact["channel"])
        narrow = (fact["kind_id"], fact["department_id"], fact["channel"])
        for span, start in _starts(fact["day"]):
            if span != DAY:
                period = self.period[(span, start, *dims, fact["status"])]
                for i, v in enumerate(values):
                    period[i] += v
            found = [(m, fact[f]) for m, f in DURATIONS if fact[f] is not None]
            if fact["ratings"]:
                # The ratings' distribution (bucket = the rating): the share of 4–5.
                found.append(("rating", fact["rating_sum"]))
            for measure, bucket in found:
                self.buckets[(span, start, *narrow, measure, bucket)] += sign
                key = (span, start, fact["department_id"], measure, bucket)
                self.department_buckets[key] += sign
        self.add_stems(fact, sign)

    def add_stems(self, fact: dict[str, Any], sign: int) -> None:
        """Add or take away the subject's stems (``day``, the narrow dimensions, ``stems``)."""
        narrow = (fact["kind_id"], fact["department_id"], fact["channel"])
        for span, start in _starts(fact["day"]):
            for stem in fact["stems"].split():
                self.stems[(span, start, *narrow, stem)] += sign

    def write(self) -> None:
        """Write the non-zero changes (in key order)."""
        _upsert(DailyRollup, DAILY_KEY, MEASURES, _nonzero_vectors(self.daily))
        _upsert(PeriodRollup, PERIOD_KEY, MEASURES, _nonzero_vectors(self.period))
        _upsert(RegionRollup, REGION_KEY, MEASURES, _nonzero_vectors(self.region))
        _upsert(DurationBucket, BUCKET_KEY, ("count",), _nonzero_counts(self.buckets))
        _upsert(
            DepartmentBucket,
            DEPARTMENT_BUCKET_KEY,
            ("count",),
            _nonzero_counts(self.department_buckets),
        )
        _upsert(StemCount, STEM_KEY, ("count",), _nonzero_counts(self.stems))


def _nonzero_vectors(rows: dict[tuple, list[int]]) -> list[tuple]:
    return [(*key, *values) for key, values in sorted(rows.items()) if any(values)]


def _nonzero_counts(rows: dict[tuple, int]) -> list[tuple]:
    return [(*key, count) for key, count in sorted(rows.items()) if count]


def _upsert(model, keys: tuple[str, ...], measures: Iterable[str], rows: list[tuple]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    measures = tuple(measures)
    columns = ", ".join(connection.ops.quote_name(c) for c in (*keys, *measures))
    conflict = ", ".join(connection.ops.quote_name(c) for c in keys)
    update = ", ".join(
        f"{q} = {table}.{q} + excluded.{q}" for q in map(connection.ops.quote_name, measures)
    )
    row_sql = "(" + ", ".join(["%s"] * (len(keys) + len(measures))) + ")"
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[offset : offset + ROWS_PER_STATEMENT]
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {update}"
            )
            cursor.execute(sql, [value for row in chunk for value in row])


def fact_model_values(appeal_id: int, fact: dict[str, Any]) -> AppealFact:
    return AppealFact(appeal_id=appeal_id, **fact)
