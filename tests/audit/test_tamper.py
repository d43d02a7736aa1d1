"""Tampering with the log is found: an edit, a deletion, a cut tail, a reorder, a forged row.

The database refuses such changes (migration audit 0002); each test first switches the guards off,
as a DBA with the rights to do so could, and checks that verify reports the first broken link.
"""

import pytest

from priemnaya.audit.chain import chain_verify, entry_fields, entry_hash
from priemnaya.audit.models import AuditChainHead, AuditEntry
from priemnaya.audit.services import audit_record
from tests.audit.tamper import guards_off, raw_delete, raw_update, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    """Five entries #1–#5, then the guards switched off."""
    entries = [
        audit_record(action=f"test.{n}", target_type="appeal", target_id=n, details={"n": n})
        for n in range(1, 6)
    ]
    assert [e.pk for e in entries] == [1, 2, 3, 4, 5]
    assert chain_verify().ok
    guards_off()
    return entries


def broken():
    result = chain_verify()
    assert not result.ok
    return result.broken_at, result.reason


@pytest.mark.parametrize(
    "change",
    [
        {"action": "test.other"},
        {"actor_id": 99},
        {"target_id": "42"},
        {"details": {"n": 30}},
        {"actor_role": "auditor"},
    ],
)
def test_an_edited_field_breaks_the_chain_at_that_entry(log, change):
    raw_update(3, **change)
    assert broken() == (3, "содержимое записи изменено")


def test_an_edited_time_is_found(log):
    raw_update(2, at=log[1].at.replace(year=2020))
    assert broken() == (2, "содержимое записи изменено")


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(log):
    entry = AuditEntry.objects.get(pk=3)
    entry.action = "test.forged"
    forged = entry_hash(prev_hash=entry.prev_hash, entry_id=3, fields=entry_fields(entry))
    raw_update(3, action="test.forged", hash=forged)
    assert broken() == (4, "ссылка на предыдущую запись не совпадает")


def test_the_first_of_several_broken_links_is_reported(log):
    raw_update(4, action="x")
    raw_update(2, action="y")
    assert broken()[0] == 2


def test_a_deleted_middle_entry_is_found(log):
    raw_delete(3)
    assert broken() == (3, "запись #3 удалена")


def test_deleted_middle_entries_are_named(log):
    raw_delete(2, 3)
    assert broken() == (2, "записи #2–#3 удалены")


def test_a_deleted_last_entry_is_found_by_the_head(log):
    raw_delete(5)
    at, reason = broken()
    assert at == 5
    assert reason.startswith("запись #5 удалена")


def test_deleted_last_entries_are_found_by_the_head(log):
    raw_delete(4, 5)
    at, reason = broken()
    assert at == 4
    assert reason.startswith("записи #4–#5 удалены")


def test_a_cut_tail_with_the_head_moved_back_is_still_found_if_a_hash_was_noted(log):
    """Moving the head back too hides a cut tail from the chain — but not from the hash noted
    at the last verification (the page and the command show it)."""
    noted = chain_verify().head_hash
    raw_delete(5)
    AuditChainHead.objects.filter(pk=1).update(last_id=4, last_hash=log[3].hash)
    result = chain_verify()
    assert result.ok
    assert result.checked == 4
    assert result.head_hash != noted


def test_a_lost_head_is_found(log):
    AuditChainHead.objects.all().delete()
    assert broken() == (5, "голова цепочки удалена")


def test_swapped_contents_of_two_entries_are_found(log):
    second, third = row(2), row(3)
    # Hashes are unique: park one while the rows trade places.
    raw_update(2, **{**third, "hash": "parked"})
    raw_update(3, **second)
    raw_update(2, hash=third["hash"])
    assert broken() == (2, "ссылка на предыдущую запись не совпадает")


def test_swapped_ids_of_two_entries_are_found(log):
    raw_update(2, id=100)
    raw_update(3, id=2)
    raw_update(100, id=3)
    assert AuditEntry.objects.get(pk=2).action == "test.3"
    assert broken() == (2, "ссылка на предыдущую запись не совпадает")


def test_an_entry_moved_to_the_end_is_found(log):
    raw_update(2, id=6)
    assert broken() == (2, "запись #2 удалена")


def test_a_forged_row_appended_past_the_head_is_found(log):
    last = log[-1]
    forged = AuditEntry(
        id=6, at=last.at, action="test.forged", details={}, prev_hash=last.hash, hash=""
    )
    forged.hash = entry_hash(prev_hash=last.hash, entry_id=6, fields=entry_fields(forged))
    forged.save(force_insert=True)
    assert broken() == (6, "запись добавлена в обход журнала (после головы цепочки)")


def test_a_forged_row_in_place_of_a_deleted_one_is_found(log):
    raw_delete(3)
    forged = AuditEntry(
        id=3, at=log[2].at, action="test.forged", details={}, prev_hash="a" * 64, hash="b" * 64
    )
    forged.save(force_insert=True)
    assert broken() == (3, "ссылка на предыдущую запись не совпадает")


def test_with_a_key_a_forger_cannot_rebuild_a_consistent_chain(settings):
    """With the key kept outside the database, a forged row with a correctly linked SHA-256
    hash, and the head moved onto it, still does not verify."""
    settings.PRIEMNAYA_AUDIT_KEY = "kept-in-the-vault"
    last = audit_record(action="test.1")
    guards_off()
    settings.PRIEMNAYA_AUDIT_KEY = ""
    forged = AuditEntry(id=2, at=last.at, action="test.forged", details={}, prev_hash=last.hash)
    forged.hash = entry_hash(prev_hash=last.hash, entry_id=2, fields=entry_fields(forged))
    forged.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_id=2, last_hash=forged.hash)
    settings.PRIEMNAYA_AUDIT_KEY = "kept-in-the-vault"
    assert broken() == (2, "содержимое записи изменено")


def test_verify_walks_in_batches(log):
    raw_update(5, action="x")
    result = chain_verify(batch=2)
    assert (result.ok, result.checked, result.broken_at) == (False, 4, 5)
    assert chain_verify(batch=2).checked == 4
