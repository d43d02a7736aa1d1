"""The demo's old appeals: archived ones, one anonymised with its act, one held."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal, Event
from priemnaya.demo.loader import load_accounts
from priemnaya.demo.retention import CLIENT_PREFIX, load_retention
from priemnaya.retention.models import DestructionAct, LegalHold

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_archive_an_act_and_a_hold(catalog):
    load_accounts()
    assert load_retention() == 4
    old = Appeal.objects.filter(client_token__startswith=CLIENT_PREFIX)
    archived = old.filter(archived_at__isnull=False, anonymised_at__isnull=True)
    assert archived.count() == 3
    anonymised = Appeal.objects.get(anonymised_at__isnull=False)
    assert "Старожилов" not in anonymised.applicant_name
    assert list(DestructionAct.objects.get().items.values_list("appeal_id", flat=True)) == [
        anonymised.pk
    ]
    held = LegalHold.objects.get(lifted_at__isnull=True).appeal
    assert held.anonymised_at is None
    assert held.archived_at is not None
    # replayed at its own time: the journal starts at registration, years ago
    first = Event.objects.filter(appeal=held).order_by("created_at", "id").first()
    assert first.created_at == held.registered_at
    assert held.registered_at.year <= held.archived_at.year - 11
    # once
    assert load_retention() == 0
