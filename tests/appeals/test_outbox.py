"""The journal as an outbox: every committed event reaches every consumer exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from priemnaya.appeals import outbox, services
from priemnaya.appeals.models import Event, EventDelivery
from priemnaya.appeals.states import EventType
from tests.databases import fresh_database_url, run
from tests.outbox_probe.consumer import ProbeConsumer
from tests.outbox_probe.models import Handled

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def probe():
    consumer = ProbeConsumer()
    outbox.register(consumer)
    yield consumer
    outbox.unregister(consumer.name)


def handled_counts(name: str = "probe") -> dict[int, int]:
    counts: dict[int, int] = {}
    for event_id in Handled.objects.filter(consumer=name).values_list("event_id", flat=True):
        counts[event_id] = counts.get(event_id, 0) + 1
    return counts


def relay_until_idle() -> None:
    for _ in range(100):
        if not outbox.relay_once() and not outbox.pending_count():
            return


def test_every_event_is_handed_to_every_consumer_once(citizen, submit, operator, probe):
    # given a second consumer and some history
    other = ProbeConsumer("other")
    outbox.register(other)
    try:
        appeal = submit(citizen)
        services.appeal_comment(appeal=appeal, actor=citizen, text="Дополнение.")
        services.appeal_take(appeal=appeal, actor=operator)
        # when the relay runs twice
        relay_until_idle()
        relay_until_idle()
    finally:
        outbox.unregister("other")
    # then each consumer saw each event once and every event is marked dispatched
    ids = set(Event.objects.values_list("id", flat=True))
    assert len(ids) == 3
    assert handled_counts("probe") == dict.fromkeys(ids, 1)
    assert handled_counts("other") == dict.fromkeys(ids, 1)
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
    assert not EventDelivery.objects.filter(handled_at__isnull=True).exists()


def test_an_event_committed_after_a_higher_id_is_not_skipped(citizen, submit, probe):
    # given the events so far were handed on (a consumer keeping «last id seen» would be at max)
    appeal = submit(citizen)
    relay_until_idle()
    last_seen = Event.objects.order_by("-id").values_list("id", flat=True).first()
    # when an event whose id was allocated earlier commits later (explicit id below the max)
    later_id = last_seen + 50
    early_id = last_seen + 10
    for event_id in (later_id, early_id):  # the higher id commits first
        Event.objects.create(
            id=event_id, appeal=appeal, type=EventType.COMMENTED, from_status=appeal.status
        )
        relay_until_idle()
    # then both reach the consumer, once each
    counts = handled_counts()
    assert counts[later_id] == 1
    assert counts[early_id] == 1


def test_a_failing_event_is_retried_later_and_does_not_block_the_rest(citizen, submit, probe):
    # given three events, the probe refusing the second
    appeals = [submit(citizen, subject=f"Тема {n}") for n in range(3)]
    events = list(Event.objects.order_by("id"))
    probe.fail_on = {events[1].pk}
    # when the relay runs
    outbox.dispatch()
    result = outbox.consume(probe)
    # then the others are handled and the failure waits with its reason and a back-off
    assert (result.handled, result.failed) == (2, 1)
    failed = EventDelivery.objects.get(event=events[1], consumer="probe")
    assert failed.handled_at is None
    assert failed.attempts == 1
    assert "probe refuses" in failed.last_error
    assert failed.next_attempt_at > failed.created_at
    assert outbox.consume(probe).handled == 0  # not before its time
    # when it is due again and the probe accepts it
    probe.fail_on = set()
    EventDelivery.objects.filter(pk=failed.pk).update(next_attempt_at=None)
    assert outbox.consume(probe).handled == 1
    assert handled_counts() == {e.pk: 1 for e in events}
    assert len(appeals) == 3


def test_the_backoff_grows_and_is_capped():
    delays = [outbox.retry_delay(n).total_seconds() for n in range(1, 20)]
    assert delays[0] <= outbox.RETRY_BASE_SECONDS
    assert delays[5] >= outbox.RETRY_BASE_SECONDS * 2**5 / 2
    assert max(delays) <= outbox.RETRY_MAX_SECONDS


def test_a_commit_wakes_the_relay_but_a_rollback_does_not(
    citizen, submit, django_capture_on_commit_callbacks
):
    outbox.wait(0)  # clear
    with django_capture_on_commit_callbacks(execute=True):
        submit(citizen)
    assert outbox.wait(0) is True
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        submit(citizen, subject="Откатится")
        transaction.set_rollback(True)
    assert callbacks == []
    assert outbox.wait(0) is False


def test_dispatch_claims_only_undispatched_events_skipping_locked_ones(citizen, submit):
    submit(citizen)
    with CaptureQueriesContext(connection) as queries:
        outbox.dispatch()
    claim = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    assert '"dispatched_at" IS NULL' in claim
    if connection.vendor == "postgresql":
        assert "FOR UPDATE SKIP LOCKED" in claim


# ---- append-only ------------------------------------------------------------------------------


def test_journal_rows_cannot_be_changed(citizen, submit):
    submit(citizen)
    event = Event.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(text="подделка")
    # the outbox marker is the one column that may change
    Event.objects.filter(pk=event.pk).update(dispatched_at=event.created_at)


def test_a_message_cannot_be_changed(citizen, submit):
    appeal = submit(citizen)
    message = services.appeal_comment(appeal=appeal, actor=citizen, text="Сообщение.")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(message).objects.filter(pk=message.pk).update(text="подделка")


@pytest.mark.postgres
def test_journal_rows_and_messages_cannot_be_deleted_on_postgresql(citizen, submit):
    appeal = submit(citizen)
    services.appeal_comment(appeal=appeal, actor=citizen, text="Сообщение.")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM appeals_event")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM appeals_message")


@pytest.mark.postgres
def test_an_issued_answer_cannot_be_changed_or_deleted_on_postgresql(answered):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE appeals_answer SET text = 'подделка'")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM appeals_answer")


def test_an_answer_may_only_be_marked_superseded(answered):
    answer = answered.answers.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(answer).objects.filter(pk=answer.pk).update(text="подделка")
    type(answer).objects.filter(pk=answer.pk).update(superseded_at=answer.issued_at)


# ---- concurrency and crashes (real processes / connections) -------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_committing_in_reverse_id_order_on_postgresql(catalog):
    from tests.factories import appeal_input, make_user

    citizen = make_user()
    first = services.appeal_submit(actor=citizen, data=appeal_input(subject="Первое"))
    second = services.appeal_submit(actor=citizen, data=appeal_input(subject="Второе"))
    probe = ProbeConsumer("probe-pg")
    outbox.register(probe)
    try:
        relay_until_idle()
        inserted, release = threading.Event(), threading.Event()
        early: dict[str, int] = {}

        def slow_writer():
            try:
                with transaction.atomic():
                    message = services.appeal_comment(appeal=first, actor=citizen, text="Раньше")
                    early["id"] = Event.objects.get(message=message).pk
                    inserted.set()
                    assert release.wait(120)
            finally:
                connection.close()

        writer = threading.Thread(target=slow_writer)
        writer.start()
        assert inserted.wait(10)
        # a later id commits while the earlier one is still open
        services.appeal_comment(appeal=second, actor=citizen, text="Позже")
        late = Event.objects.order_by("-id").first()
        assert late.pk > early["id"]
        relay_until_idle()
        assert early["id"] not in handled_counts("probe-pg")  # not committed: not visible
        release.set()
        writer.join(10)
        relay_until_idle()
        counts = handled_counts("probe-pg")
        assert counts[early["id"]] == 1
        assert counts[late.pk] == 1
        assert set(counts) == set(Event.objects.values_list("id", flat=True))
        assert set(counts.values()) == {1}
    finally:
        outbox.unregister("probe-pg")


def test_a_consumer_killed_mid_batch_hands_each_event_on_exactly_once(tmp_path):
    url, drop = fresh_database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "priemnaya.settings_test"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    try:
        run(env, "-m", "priemnaya.cli", "manage", "migrate", "--no-input", "-v", "0")
        seeded = int(run(env, "-m", "tests.outbox_probe.run", "seed", "12").stdout.split()[-1])
        # when the consumer is killed after handling a few events of its batch
        slow = subprocess.Popen(
            [sys.executable, "-m", "tests.outbox_probe.run", "consume", "--delay", "0.3"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        seen = [slow.stdout.readline() for _ in range(4)]
        assert all(line.startswith("handled") for line in seen), seen
        slow.send_signal(signal.SIGKILL)
        slow.wait(10)
        # and another run finishes the work
        run(env, "-m", "tests.outbox_probe.run", "drain")
        counts_line, ids_line = run(
            env, "-m", "tests.outbox_probe.run", "count"
        ).stdout.splitlines()
    finally:
        drop()
    counts = {int(k): v for k, v in json.loads(counts_line).items()}
    ids = json.loads(ids_line)
    # then every event was handed on exactly once
    assert len(ids) == seeded == 12
    assert counts == dict.fromkeys(ids, 1)


def test_the_worker_command_relays_what_the_web_process_commits(tmp_path):
    url, drop = fresh_database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "priemnaya.settings_test"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    worker = None
    try:
        run(env, "-m", "priemnaya.cli", "manage", "migrate", "--no-input", "-v", "0")
        worker = subprocess.Popen(
            [sys.executable, "-m", "priemnaya.cli", "worker"], env=env, cwd=ROOT
        )
        seeded = int(run(env, "-m", "tests.outbox_probe.run", "seed", "3").stdout.split()[-1])
        counts: dict = {}
        for _ in range(120):
            counts = json.loads(
                run(env, "-m", "tests.outbox_probe.run", "count", "probe-app").stdout.splitlines()[
                    0
                ]
            )
            if len(counts) == seeded:
                break
            time.sleep(0.25)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(15)
        drop()
    assert list(counts.values()) == [1] * seeded


class BatchProbe(ProbeConsumer):
    """A probe that takes whole batches, refusing any batch that holds a refused event."""

    batches: list[int]

    def handle_many(self, events: list[Event]) -> None:
        self.batches.append(len(events))
        for event in events:
            self.handle(event)


def test_a_batch_consumer_takes_the_batch_at_once_and_a_bad_event_is_isolated(
    citizen, submit, operator
):
    probe = BatchProbe("batch")
    probe.batches = []
    outbox.register(probe)
    try:
        # given three events, one of which the consumer refuses
        appeal = submit(citizen)
        services.appeal_comment(appeal=appeal, actor=citizen, text="Дополнение.")
        services.appeal_take(appeal=appeal, actor=operator)
        ids = sorted(Event.objects.values_list("id", flat=True))
        probe.fail_on = {ids[1]}
        # when the relay runs
        relay_until_idle()
        # then the batch was tried whole, rolled back, and handed over event by event
        assert probe.batches == [3]
        assert handled_counts("batch") == {ids[0]: 1, ids[2]: 1}
        refused = EventDelivery.objects.get(consumer="batch", event_id=ids[1])
        assert refused.handled_at is None
        assert "refuses" in refused.last_error
        # and once the consumer accepts it again, the retry takes it (as a batch of one)
        probe.fail_on = set()
        EventDelivery.objects.filter(pk=refused.pk).update(next_attempt_at=None)
        relay_until_idle()
        assert handled_counts("batch") == dict.fromkeys(ids, 1)
        assert probe.batches[-1] == 1
    finally:
        outbox.unregister("batch")
