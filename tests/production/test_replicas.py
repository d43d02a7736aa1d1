"""Reads that tolerate lag go through the «replica» alias when one is configured (core.replicas).

The suite's settings add a «replica» alias that mirrors the test database (TEST MIRROR), as a
streaming replica mirrors the primary; these tests turn replica reads on and show the selectors
that opted in read there — rows carry the alias they were read from — while writes, ordinary
reads and reads inside a transaction stay on default.
"""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from priemnaya.answers.exports import applicant_records
from priemnaya.appeals.models import Appeal
from priemnaya.core.replicas import read_db
from priemnaya.ops.metrics import QueueCollector

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_reads(settings):
    settings.PRIEMNAYA_REPLICA_READS = True


def test_read_db_is_default_unless_replica_reads_are_on(settings):
    settings.PRIEMNAYA_REPLICA_READS = False
    assert read_db() == "default"
    settings.PRIEMNAYA_REPLICA_READS = True
    assert read_db() == "replica"
    # A request that has written, inside its transaction, reads its own writes on the primary.
    with transaction.atomic():
        assert read_db() == "default"


def test_the_history_export_reads_through_the_replica(replica_reads, citizen, submit):
    submit(citizen)
    submit(citizen, subject="Второе обращение")

    records = applicant_records(citizen)

    assert [r.appeal.subject for r in records][1] == "Второе обращение"
    assert {r.appeal._state.db for r in records} == {"replica"}
    # What it prefetches hangs on rows read there, so it is read there too.
    events = [e for r in records for e in r.appeal.export_events]
    assert events
    assert {e._state.db for e in events} == {"replica"}
    # The ordinary reads of the same rows stay on the primary.
    assert {a._state.db for a in Appeal.objects.filter(applicant=citizen)} == {"default"}


def test_without_replica_reads_the_export_reads_the_primary(citizen, submit):
    submit(citizen)
    assert {r.appeal._state.db for r in applicant_records(citizen)} == {"default"}


def test_the_metrics_gauges_are_counted_on_the_replica(replica_reads, citizen, submit):
    submit(citizen)
    replica, default = connections["replica"], connections["default"]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(default) as on_default:
        gauges = {m.name: m for m in QueueCollector().collect()}
    assert gauges["priemnaya_outbox_undispatched_events"].samples[0].value >= 1
    assert any("appeals_event" in q["sql"] for q in on_replica.captured_queries)
    assert not any("appeals_event" in q["sql"] for q in on_default.captured_queries)
