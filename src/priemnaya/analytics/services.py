"""Upkeep of the statistics: refresh appeals' facts from the journal, rebuild everything."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from priemnaya.analytics.facts import FACT_FIELDS, appeal_rows, fact_for, stored_fact
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
from priemnaya.analytics.rollups import Delta
from priemnaya.appeals.models import Appeal

REBUILD_CHUNK = 5000


def facts_refresh(appeal_ids: Iterable[int]) -> int:
    """Recompute the appeals' facts and apply what changed to the rollups; return how many changed.

    Idempotent: a second call for an unchanged appeal finds its fact equal and writes nothing.
    The appeals' rows are locked first (PostgreSQL), so two workers handling events of the same
    appeal apply its change once, one after the other, each reading the other's fact.
    """
    ids = sorted(set(appeal_ids))
    if not ids:
        return 0
    with transaction.atomic():
        locked = Appeal.objects.filter(pk__in=ids).order_by("pk")
        if connection.features.has_select_for_update:
            list(locked.select_for_update(no_key=True, of=("self",)).values_list("pk", flat=True))
        rows = {row["id"]: row for row in appeal_rows(Appeal.objects.filter(pk__in=ids))}
        stored_rows = AppealFact.objects.filter(appeal_id__in=ids).values("appeal_id", *FACT_FIELDS)
        stored = {row["appeal_id"]: stored_fact(row) for row in stored_rows}
        delta = Delta()
        changed_facts: list[AppealFact] = []
        gone: list[int] = []
        for appeal_id in ids:
            row = rows.get(appeal_id)
            new = fact_for(row) if row is not None else None
            old = stored.get(appeal_id)
            if new == old:
                continue
            delta.add(old, -1)
            delta.add(new, 1)
            if new is None:
                gone.append(appeal_id)
            else:
                changed_facts.append(AppealFact(appeal_id=appeal_id, **new))
        if not changed_facts and not gone:
            return 0
        delta.write()
        if gone:
            AppealFact.objects.filter(appeal_id__in=gone).delete()
        AppealFact.objects.bulk_create(
            changed_facts,
            update_conflicts=True,
            unique_fields=["appeal_id"],
            update_fields=list(FACT_FIELDS),
        )
    return len(changed_facts) + len(gone)


def rollups_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every fact and rollup from the appeals table; return how many appeals count.

    The facts are computed in chunks of appeals by id (each chunk its own transaction), then
    every rollup is built from them by set-based ``INSERT … SELECT … GROUP BY``. Idempotent: run
    it again after an interruption. Stop the worker's relay meanwhile (or run it again
    afterwards): an event handled mid-rebuild may be counted twice.
    """
    _clear(
        AppealFact,
        DailyRollup,
        PeriodRollup,
        RegionRollup,
        DurationBucket,
        DepartmentBucket,
        StemCount,
    )
    counted = 0
    last = 0
    while True:
        ids = list(
            Appeal.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:REBUILD_CHUNK]
        )
        if not ids:
            break
        last = ids[-1]
        facts = []
        for row in appeal_rows(Appeal.objects.filter(pk__gte=ids[0], pk__lte=last)):
            fact = fact_for(row)
            if fact is not None:
                facts.append(AppealFact(appeal_id=row["id"], **fact))
        with transaction.atomic():
            AppealFact.objects.bulk_create(facts, batch_size=1000)
        counted += len(facts)
        if progress is not None:
            progress(counted)
    with transaction.atomic():
        _aggregate()
    return counted


def _clear(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — a model's table


def _aggregate() -> None:
    """Fill the rollups from the facts, set-based (the facts must be complete)."""
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    measures = ", ".join(MEASURES)
    fact = connection.ops.quote_name(AppealFact._meta.db_table)
    daily = connection.ops.quote_name(DailyRollup._meta.db_table)
    period = connection.ops.quote_name(PeriodRollup._meta.db_table)
    buckets = connection.ops.quote_name(DurationBucket._meta.db_table)
    dims = "kind_id, theme_id, department_id, channel"
    narrow = "kind_id, department_id, channel"
    statements = [
        f"INSERT INTO {daily} (day, {dims}, region, status, {measures}) "  # noqa: S608
        f"SELECT day, {dims}, region, status, {sums} FROM {fact} "
        f"GROUP BY day, {dims}, region, status"
    ]
    for span, column in (("m", "month"), ("y", "year")):
        statements.append(
            f"INSERT INTO {period} (span, start, {dims}, status, {measures}) "  # noqa: S608
            f"SELECT '{span}', {column}, {dims}, status, {sums} FROM {fact} "
            f"GROUP BY {column}, {dims}, status"
        )
    for span, column in (("d", "day"), ("m", "month"), ("y", "year")):
        for measure in ("first_response", "answer"):
            statements.append(
                f"INSERT INTO {buckets} (span, start, {narrow}, measure, bucket, count) "  # noqa: S608
                f"SELECT '{span}', {column}, {narrow}, '{measure}', {measure}_bucket, COUNT(*) "
                f"FROM {fact} WHERE {measure}_bucket IS NOT NULL "
                f"GROUP BY {column}, {narrow}, {measure}_bucket"
            )
        statements.append(
            f"INSERT INTO {buckets} (span, start, {narrow}, measure, bucket, count) "  # noqa: S608
            f"SELECT '{span}', {column}, {narrow}, 'rating', rating_sum, COUNT(*) "
            f"FROM {fact} WHERE ratings = 1 GROUP BY {column}, {narrow}, rating_sum"
        )
    statements += department_bucket_statements()
    statements += region_rollup_statements()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            stems = connection.ops.quote_name(StemCount._meta.db_table)
            for span, column in (("d", "day"), ("m", "month"), ("y", "year")):
                cursor.execute(
                    f"INSERT INTO {stems} (span, start, {narrow}, stem, count) "  # noqa: S608
                    f"SELECT '{span}', {column}, {narrow}, stem, COUNT(*) FROM {fact} "
                    f"CROSS JOIN LATERAL unnest(string_to_array(stems, ' ')) AS stem "
                    f"WHERE stems <> '' GROUP BY {column}, {narrow}, stem"
                )
            return
    _stems_in_python()


def department_bucket_statements() -> list[str]:
    """SQL filling ``DepartmentBucket`` from ``DurationBucket`` (run after it is filled)."""
    source = connection.ops.quote_name(DurationBucket._meta.db_table)
    target = connection.ops.quote_name(DepartmentBucket._meta.db_table)
    return [
        f"INSERT INTO {target} (span, start, department_id, measure, bucket, count) "  # noqa: S608
        f"SELECT span, start, department_id, measure, bucket, SUM(count) FROM {source} "
        f"GROUP BY span, start, department_id, measure, bucket"
    ]


def region_rollup_statements() -> list[str]:
    """SQL filling ``RegionRollup`` from the facts (the facts must be complete)."""
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    measures = ", ".join(MEASURES)
    fact = connection.ops.quote_name(AppealFact._meta.db_table)
    target = connection.ops.quote_name(RegionRollup._meta.db_table)
    return [
        f"INSERT INTO {target} (month, theme_id, region, {measures}) "  # noqa: S608
        f"SELECT month, theme_id, region, {sums} FROM {fact} GROUP BY month, theme_id, region"
    ]


def _stems_in_python() -> None:
    """SQLite has no unnest: count the facts' stems in chunks and add them up."""
    last = 0
    while True:
        rows = list(
            AppealFact.objects.filter(appeal_id__gt=last)
            .exclude(stems="")
            .order_by("appeal_id")
            .values("appeal_id", "day", "kind_id", "department_id", "channel", "stems")[
                :REBUILD_CHUNK
            ]
        )
        if not rows:
            return
        last = rows[-1]["appeal_id"]
        delta = Delta()
        for row in rows:
            delta.add_stems(dict(row), 1)
        delta.write()
