"""Appenders in parallel never fork the chain: the head lock serialises them (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from priemnaya.audit.chain import chain_verify
from priemnaya.audit.models import AuditEntry
from priemnaya.audit.services import audit_record

PER_THREAD = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_appending_200_entries_each_keep_one_chain():
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(name: str) -> None:
        try:
            barrier.wait()
            for n in range(PER_THREAD):
                audit_record(action=f"test.{name}", details={"n": n})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert AuditEntry.objects.count() == 2 * PER_THREAD
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two entries follow the same one
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("test.a") == actions.count("test.b") == PER_THREAD
    result = chain_verify()
    assert (result.ok, result.checked) == (True, 2 * PER_THREAD)
