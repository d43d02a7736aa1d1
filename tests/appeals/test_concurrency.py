"""Concurrent submissions on PostgreSQL get distinct, consecutive numbers (SPEC §3)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.states import EventType
from priemnaya.catalog.services import catalog_load_defaults
from priemnaya.core.numbering import is_valid, normalize_number
from tests.factories import appeal_input, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8
PER_WORKER = 5


def test_concurrent_submissions_get_distinct_consecutive_numbers():
    # given citizens who all press «Отправить» at the same moment
    catalog_load_defaults()
    citizens = [make_user(Role.CITIZEN) for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)

    def file_appeals(citizen) -> list[str]:
        try:
            start.wait()
            return [
                services.appeal_submit(actor=citizen, data=appeal_input()).number
                for _ in range(PER_WORKER)
            ]
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        numbers = [n for batch in pool.map(file_appeals, citizens) for n in batch]

    # then every number is unique, valid, and together they fill 1..N without a gap
    assert len(numbers) == WORKERS * PER_WORKER
    assert len(set(numbers)) == len(numbers)
    digits = [normalize_number(n) for n in numbers]
    assert all(is_valid(d) for d in digits)
    sequences = sorted(int(d[2:-1]) for d in digits)
    assert sequences == list(range(sequences[0], sequences[0] + len(numbers)))
    assert Appeal.objects.count() == len(numbers)
    assert Event.objects.filter(type=EventType.REGISTERED).count() == len(numbers)
    assert connection.vendor == "postgresql"
