"""The relay under a stream of submissions: batches cost the same whatever their size, and a
pass that took less than a full batch waits instead of passing again at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priemnaya.appeals import outbox
from priemnaya.appeals.models import Appeal, EventDelivery, Incident
from priemnaya.appeals.states import EventType
from priemnaya.notifications.models import Notification
from priemnaya.webhooks.models import Delivery, Endpoint
from tests import factories
from tests.outbox_probe.consumer import ProbeConsumer
from tests.outbox_probe.models import Handled

# The benchmark's intake (bench/suite/run.py): a request, not a support appeal.
REQUEST = {"kind": "request", "theme": "tech-login", "subject": "Не могу войти в кабинет"}


def _file(citizens, count: int) -> None:
    for n in range(count):
        factories.submit_appeal(citizens[n % len(citizens)], **REQUEST)


def _relay_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        assert outbox.relay_once()
    return len(queries)


@pytest.fixture
def without_probe():
    """Only the real consumers: the test settings' probe writes a row per event by design."""
    probe = outbox._consumers.pop("probe-app", None)
    yield
    if probe is not None:
        outbox.register(probe)


def test_a_batch_of_submissions_costs_the_relay_the_same_for_2_and_12(catalog, without_probe):
    # given every real consumer at work: a webhook endpoint, citizens with e-mail
    Endpoint.objects.create(name="crm", url="http://127.0.0.1:9/hook", secret="s" * 32)
    citizens = [factories.make_citizen() for _ in range(4)]
    _file(citizens, 1)
    outbox.relay_once()  # warm: caches, the first reads
    # when a batch of 2 and then a batch of 12 submissions are relayed
    _file(citizens, 2)
    small = _relay_queries()
    _file(citizens, 12)
    large = _relay_queries()
    # then both cost the same statements, and every appeal was handed to every consumer
    assert small == large
    assert outbox.pending_count() == 0
    assert not EventDelivery.objects.filter(handled_at__isnull=True).exists()
    appeals = Appeal.objects.count()
    assert appeals == 15
    assert Delivery.objects.count() == appeals
    assert Notification.objects.filter(channel="email").count() == appeals


def test_support_appeals_still_reach_incident_detection(catalog, settings):
    # given the threshold of an incident, and that many similar support appeals in one batch
    settings.PRIEMNAYA = {**settings.PRIEMNAYA, "INCIDENT_THRESHOLD": 3}
    citizens = [factories.make_citizen() for _ in range(3)]
    for person in citizens:
        factories.submit_appeal(person, subject="Ошибка 502 при входе")
    # when the relay hands the batch over
    while outbox.relay_once():
        pass
    # then they were detected as one incident
    incident = Incident.objects.get()
    assert Appeal.objects.filter(incident=incident).count() == 3


def test_a_plain_consumer_gets_the_batch_in_one_savepoint_and_a_bad_event_is_isolated(
    catalog,
):
    probe = ProbeConsumer("plain")
    outbox.register(probe)
    try:
        citizen = factories.make_citizen()
        # when a batch of one and then a batch of three go through
        savepoints = []
        for size in (1, 3):
            _file([citizen], size)
            outbox.dispatch()
            with CaptureQueriesContext(connection) as queries:
                assert outbox.consume(probe).handled == size
            savepoints.append(sum(q["sql"].startswith("SAVEPOINT") for q in queries))
        # then both took as many savepoints: one for the batch, not one per event
        assert savepoints[0] == savepoints[1]
        # and when one event of the next batch fails
        _file([citizen], 3)
        outbox.dispatch()
        ids = sorted(
            EventDelivery.objects.filter(consumer="plain", handled_at__isnull=True).values_list(
                "event_id", flat=True
            )
        )
        probe.fail_on = {ids[1]}
        result = outbox.consume(probe)
        # then the others are handled once each (the batch's first try rolled back)
        assert (result.handled, result.failed) == (2, 1)
        counts: dict[int, int] = {}
        for event_id in Handled.objects.filter(consumer="plain").values_list("event_id", flat=True):
            counts[event_id] = counts.get(event_id, 0) + 1
        assert set(counts.values()) == {1}
        assert ids[1] not in counts
        assert len(counts) == 6
        failed = EventDelivery.objects.get(consumer="plain", event_id=ids[1])
        assert failed.attempts == 1
        assert failed.handled_at is None
        assert failed.next_attempt_at is not None
        assert all(
            d.attempts == 1
            for d in EventDelivery.objects.filter(consumer="plain", handled_at__isnull=False)
        )
    finally:
        outbox.unregister("plain")


@pytest.mark.parametrize(
    ("passes", "calls"),
    [
        # a pass that was not full waits for the poll (or a wake) before the next
        ([outbox.Pass(moved=3, full=False)], 1),
        # full passes follow one another at once until one is not
        ([outbox.Pass(moved=100, full=True)] * 2 + [outbox.Pass(moved=1, full=False)], 3),
        ([outbox.Pass(moved=0, full=False)], 1),
    ],
)
def test_the_relay_passes_again_at_once_only_after_a_full_batch(db, monkeypatch, passes, calls):
    stop = threading.Event()
    made: list[outbox.Pass] = []
    waits: list[float] = []
    queue = list(passes)

    def relay_pass() -> outbox.Pass:
        made.append(queue.pop(0))
        return made[-1]

    def wait(timeout: float) -> bool:
        waits.append(timeout)
        stop.set()  # the first wait ends the loop
        return False

    monkeypatch.setattr(outbox, "relay_pass", relay_pass)
    monkeypatch.setattr(outbox, "wait", wait)
    outbox.relay_forever(poll=0.5, stop=stop)
    assert len(made) == calls
    assert waits == [0.5]


def test_a_pass_is_full_when_a_consumer_took_a_whole_batch(catalog, monkeypatch):
    monkeypatch.setattr(outbox, "CONSUME_BATCH", 2)
    citizen = factories.make_citizen()
    _file([citizen], 3)
    # when a pass finds more than a consumer's batch
    first = outbox.relay_pass()
    # then it says so, and the next pass takes the rest and is not full
    assert first.full
    assert first.moved > 0
    rest = outbox.relay_pass()
    assert not rest.full
    assert not EventDelivery.objects.filter(handled_at__isnull=True).exists()
    assert EventDelivery.objects.filter(event__type=EventType.REGISTERED).count() >= 3
