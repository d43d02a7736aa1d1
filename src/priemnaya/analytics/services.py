"""Upkeep of the statistics: refresh appeals' facts from the journal, rebuild everything."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from priemnaya.analytics.facts import FACT_FIELDS, appeal_rows, fact_for, stored_fact
from priemnaya.analytics.models import (
    AppealFact,
    DailyRollup,
    DurationBucket,
    PeriodRollup,
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

    Runs in chunks of appeals by id (each chunk its own transaction), then builds the rollups
    from the facts. Idempotent: run it again after an interruption. Stop the worker's relay
    meanwhile (or run it again afterwards): an event handled mid-rebuild may be counted twice.
    """
    for model in (DailyRollup, PeriodRollup, DurationBucket, StemCount, AppealFact):
        model.objects.all().delete()
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
        with transaction.atomic():
            delta = Delta()
            facts = []
            for row in appeal_rows(Appeal.objects.filter(pk__gte=ids[0], pk__lte=last)):
                fact = fact_for(row)
                if fact is not None:
                    facts.append(AppealFact(appeal_id=row["id"], **fact))
                    delta.add(fact, 1)
            AppealFact.objects.bulk_create(facts, batch_size=1000)
            delta.write()
        counted += len(facts)
        if progress is not None:
            progress(counted)
    return counted
