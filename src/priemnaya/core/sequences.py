"""Race-free counters in the database."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from priemnaya.core.models import NumberSequence


def sequence_next(*, scope: str) -> int:
    """Return the next value of a counter, taken under the row's write lock.

    The UPDATE locks the row until the surrounding transaction ends (PostgreSQL row lock; SQLite
    database write lock), so concurrent callers get distinct values and none is handed out twice.
    """
    with transaction.atomic():
        NumberSequence.objects.bulk_create(
            [NumberSequence(scope=scope, last_value=0)], ignore_conflicts=True
        )
        NumberSequence.objects.filter(scope=scope).update(last_value=F("last_value") + 1)
        return NumberSequence.objects.values_list("last_value", flat=True).get(scope=scope)
