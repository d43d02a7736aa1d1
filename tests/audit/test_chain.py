"""The audit log's chain: appended entries link up, ids are gapless, rows are sealed at INSERT."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from priemnaya.audit.chain import GENESIS, chain_verify, entry_fields, entry_hash
from priemnaya.audit.models import AuditChainHead, AuditEntry
from priemnaya.audit.services import audit_record, audit_record_many
from priemnaya.core import clock
from tests.audit.tamper import guards_off
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_entries_link_to_the_previous_and_verify_holds():
    first = audit_record(action="appeal.viewed", actor=None, target_type="appeal", target_id=7)
    second = audit_record(action="signin.failed", details={"reason": "bad_password"})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == AuditEntry.objects.get(pk=first.pk).hash
    assert (first.pk, second.pk) == (1, 2)
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash) == (second.pk, second.hash)
    assert first.target_id == "7"
    result = chain_verify()
    assert (result.ok, result.checked, result.head_hash) == (True, 2, second.hash)


def test_the_actor_is_kept_by_id_and_role():
    operator = make_user("operator")
    entry = audit_record(action="appeal.viewed", actor=operator, target_type="appeal", target_id=7)
    assert (entry.actor_id, entry.actor_role) == (operator.pk, "operator")
    assert chain_verify().ok


def test_an_entry_is_written_by_one_insert_and_never_updated():
    audit_record(action="a")
    with CaptureQueriesContext(connection) as queries:
        audit_record(action="b", details={"n": 1})
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?audit_auditentry\b', q["sql"])
    ]
    assert len(writes) == 1
    assert writes[0].lstrip().startswith("INSERT")


def test_ids_stay_gapless_when_a_recording_transaction_rolls_back():
    audit_record(action="a")

    def lost():
        with transaction.atomic():
            audit_record(action="lost")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        lost()
    kept = audit_record(action="b")
    assert kept.pk == 2
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["a", "b"]
    assert chain_verify().ok


def test_details_are_stored_as_the_database_gives_them_back():
    # A tuple comes back as a list, a number key as a string: the hash is of what is stored.
    audit_record(action="x", details={"ids": (1, 2), 3: "three"})
    stored = AuditEntry.objects.get()
    assert stored.details == {"ids": [1, 2], "3": "three"}
    assert chain_verify().ok


def test_the_time_is_the_clock_time_to_the_microsecond():
    moment = clock.now().replace(microsecond=123456)
    with clock.travel_to(moment):
        entry = audit_record(action="x")
    assert AuditEntry.objects.get(pk=entry.pk).at == moment
    assert chain_verify().ok


def test_with_a_key_the_hash_is_an_hmac_that_another_key_does_not_verify(settings):
    settings.PRIEMNAYA_AUDIT_KEY = "secret-one"
    entry = audit_record(action="x")
    assert chain_verify().ok
    settings.PRIEMNAYA_AUDIT_KEY = ""
    plain = entry_hash(prev_hash=GENESIS, entry_id=entry.pk, fields=entry_fields(entry))
    assert entry.hash != plain
    assert not chain_verify().ok
    settings.PRIEMNAYA_AUDIT_KEY = "secret-two"
    result = chain_verify()
    assert (result.ok, result.broken_at) == (False, entry.pk)


def test_an_empty_log_verifies():
    result = chain_verify()
    assert (result.ok, result.checked) == (True, 0)


def test_a_lost_head_is_rebuilt_from_the_last_entry_on_the_next_append():
    """The test runner empties tables (the head too); appending continues from the last entry."""
    audit_record(action="a")
    last = audit_record(action="b")
    guards_off()
    AuditChainHead.objects.all().delete()
    assert chain_verify().reason == "голова цепочки удалена"
    following = audit_record(action="c")
    assert (following.pk, following.prev_hash) == (last.pk + 1, last.hash)


# ---- the database refuses changes ---------------------------------------------------------------


def test_the_database_refuses_to_update_an_entry():
    entry = audit_record(action="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="b")
    assert AuditEntry.objects.get(pk=entry.pk).action == "a"


def test_the_database_refuses_to_move_the_head_back_or_onto_nothing():
    audit_record(action="a")
    audit_record(action="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditChainHead.objects.filter(pk=1).update(last_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditChainHead.objects.filter(pk=1).update(last_id=3, last_hash="f" * 64)
    assert AuditChainHead.objects.get().last_id == 2


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_an_entry_or_the_head():
    entry = audit_record(action="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditChainHead.objects.all().delete()
    assert AuditEntry.objects.count() == 1


def test_a_batch_is_chained_under_one_lock_with_one_insert():
    audit_record(action="a")
    with CaptureQueriesContext(connection) as queries:
        batch = audit_record_many(
            [{"action": "b", "target_type": "appeal", "target_id": n} for n in range(3)]
        )
    inserts = [q for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == 1
    assert [e.pk for e in batch] == [2, 3, 4]
    assert [e.target_id for e in AuditEntry.objects.filter(action="b")] == ["0", "1", "2"]
    assert AuditChainHead.objects.get().last_id == 4
    assert chain_verify().ok
