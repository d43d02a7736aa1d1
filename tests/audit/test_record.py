"""The audit log's chain: appended entries link up, and verify walks them."""

import pytest

from priemnaya.audit.chain import GENESIS, chain_verify
from priemnaya.audit.models import AuditChainHead, AuditEntry
from priemnaya.audit.services import audit_record
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_entries_link_to_the_previous_and_verify_holds():
    staff = make_user("operator")
    first = audit_record(action="appeal.viewed", actor=staff, target_type="appeal", target_id=7)
    second = audit_record(action="signin.failed", details={"reason": "bad_password"})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == AuditEntry.objects.get(pk=first.pk).hash
    assert AuditChainHead.objects.get().last_id == second.pk
    assert (first.actor_id, first.actor_role, first.target_id) == (staff.pk, "operator", "7")
    result = chain_verify()
    assert (result.ok, result.checked) == (True, 2)


def test_an_edited_entry_breaks_the_chain_at_that_entry():
    audit_record(action="a")
    middle = audit_record(action="b")
    audit_record(action="c")
    AuditEntry.objects.filter(pk=middle.pk).update(action="x")
    result = chain_verify()
    assert (result.ok, result.broken_at) == (False, middle.pk)
