"""The demo has an auditor and an audit log to look at once the worker has run."""

import pytest

from priemnaya.appeals.outbox import relay_once
from priemnaya.audit.chain import chain_verify
from priemnaya.audit.models import AuditEntry
from priemnaya.demo import DEMO_ACCOUNTS
from priemnaya.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_auditor_and_entries_after_the_worker_runs(catalog):
    assert "auditor" in [role for role, _email, _name in DEMO_ACCOUNTS]
    load_demo()
    # The staff accounts were given their roles: recorded.
    assert AuditEntry.objects.filter(action="role.changed").count() >= 5
    while relay_once():
        pass
    transitions = AuditEntry.objects.filter(action="appeal.transition")
    assert transitions.count() > 10
    assert chain_verify().ok
