"""The sender: back-off on 5xx, 429 and timeouts, none on 4xx; disabling; redelivery."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from django.test import override_settings

from priemnaya.appeals import services
from priemnaya.appeals.models import Event
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotPermitted, ValidationFailed
from priemnaya.webhooks import sender
from priemnaya.webhooks.consumer import WebhookConsumer
from priemnaya.webhooks.models import Delivery, DeliveryAttempt, DeliveryState, Endpoint
from priemnaya.webhooks.services import delivery_redeliver, endpoint_create, endpoint_enable
from tests.webhooks.conftest import relay

LATER = timedelta(hours=2)  # past the longest back-off (1 h)


def later(times: int = 1):
    return clock.travel_to(clock.now() + LATER * times)


def test_a_5xx_is_retried_with_back_off_and_then_delivered(citizen, submit, endpoint, receiver):
    # given a receiver failing once
    receiver.script = [503]
    submit(citizen)
    relay()
    # when the first attempt gets 503
    assert sender.deliver_once() == 1
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert (delivery.attempts, delivery.last_status) == (1, 503)
    assert delivery.next_attempt_at > clock.now() - timedelta(seconds=1)
    assert delivery.leased_until is None
    # then nothing goes out before the back-off has passed…
    assert sender.deliver_once() == 0 or delivery.next_attempt_at <= clock.now()
    # …and after it the same delivery is delivered
    with later():
        assert sender.deliver_once() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (2, 200, "")
    assert delivery.delivered_at is not None
    assert [r.delivery for r in receiver.requests] == [str(delivery.pk)] * 2
    assert list(delivery.delivery_attempts.values_list("status_code", flat=True)) == [503, 200]


def test_back_off_grows_exponentially_with_full_jitter_up_to_an_hour():
    with override_settings(PRIEMNAYA_WEBHOOK_RETRY_BASE=30):
        for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (20, 3600)]:
            delays = [sender.retry_delay(attempts).total_seconds() for _ in range(200)]
            assert all(0 <= d <= ceiling for d in delays)
            assert max(delays) > ceiling / 2  # spread over the whole range, not a fixed step


@override_settings(PRIEMNAYA_WEBHOOK_TIMEOUT=0.5)
def test_a_timeout_is_retried(citizen, submit, endpoint, receiver):
    receiver.script = [("sleep", 30)]
    submit(citizen)
    relay()
    sender.deliver_once()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_status is None
    assert "тайм-аут" in delivery.last_error
    [attempt] = delivery.delivery_attempts.all()
    assert attempt.status_code is None
    assert "тайм-аут" in attempt.error
    with later():
        sender.deliver_once()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert len(receiver.requests) == 2


def test_a_refused_connection_is_retried(citizen, submit, administrator):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint_create(administrator, name="Выключен", url=f"http://127.0.0.1:{port}/hook")
    submit(citizen)
    relay()
    sender.deliver_once()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error.startswith("Ошибка соединения")


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_a_4xx_fails_at_once_without_retry(citizen, submit, endpoint, receiver, status):
    receiver.script = [status]
    submit(citizen)
    relay()
    sender.deliver_once()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert (delivery.attempts, delivery.last_status) == (1, status)
    assert "без повторов" in delivery.last_error
    with later():
        assert sender.deliver_once() == 0
    assert len(receiver.requests) == 1


def test_a_429_is_retried(citizen, submit, endpoint, receiver):
    receiver.script = [429]
    submit(citizen)
    relay()
    sender.deliver_once()
    assert Delivery.objects.get().state == DeliveryState.PENDING
    with later():
        sender.deliver_once()
    assert Delivery.objects.get().state == DeliveryState.DELIVERED


@override_settings(PRIEMNAYA_WEBHOOK_MAX_ATTEMPTS=3)
def test_after_the_last_attempt_the_delivery_fails(citizen, submit, endpoint, receiver):
    receiver.script = [500, 502, 503, 200]
    submit(citizen)
    relay()
    for n in range(3):
        with later(n):
            assert sender.deliver_once() == 1
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 3
    assert "попыток: 3" in delivery.last_error
    with later(5):
        assert sender.deliver_once() == 0
    assert len(receiver.requests) == 3


def _events(appeal, actor, n: int) -> None:
    for i in range(n):
        services.appeal_comment(appeal=appeal, actor=actor, text=f"Дополнение {i}.")


@override_settings(PRIEMNAYA_WEBHOOK_DISABLE_AFTER=3)
def test_an_endpoint_is_disabled_after_a_run_of_failures_and_its_deliveries_wait(
    citizen, submit, administrator, endpoint, receiver
):
    # given a receiver that refuses three deliveries in a row
    receiver.script = [400, 400, 400]
    appeal = submit(citizen)
    _events(appeal, citizen, 2)
    relay()
    assert sender.deliver_once() == 3
    # then the endpoint is disabled with the reason
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.failure_run == 3
    assert endpoint.disabled_at is not None
    assert "подряд: 3" in endpoint.disabled_reason
    assert "HTTP 400" in endpoint.disabled_reason
    # and new events are queued for it but wait
    _events(appeal, citizen, 1)
    relay()
    waiting = Delivery.objects.get(state=DeliveryState.PENDING)
    with later():
        assert sender.deliver_once() == 0
    # when an administrator enables it again, the waiting delivery goes out and the run resets
    endpoint_enable(administrator, endpoint)
    assert sender.deliver_once() == 1
    waiting.refresh_from_db()
    endpoint.refresh_from_db()
    assert waiting.state == DeliveryState.DELIVERED
    assert (endpoint.is_active, endpoint.failure_run, endpoint.disabled_at) == (True, 0, None)


@override_settings(PRIEMNAYA_WEBHOOK_DISABLE_AFTER=3)
def test_a_success_resets_the_run_of_failures(citizen, submit, endpoint, receiver):
    receiver.script = [400, 400, 200, 400, 400]
    appeal = submit(citizen)
    _events(appeal, citizen, 4)
    relay()
    runs = []
    for _ in range(5):
        sender.deliver_once(limit=1)
        runs.append(Endpoint.objects.get().failure_run)
    assert runs == [1, 2, 0, 1, 2]
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.failure_run == 2


def test_an_endpoint_switched_off_by_hand_gets_nothing(citizen, submit, endpoint, receiver):
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    submit(citizen)
    relay()
    assert not Delivery.objects.exists()


def test_endpoints_get_only_the_event_types_they_chose(
    citizen, submit, operator, administrator, receiver
):
    every = endpoint_create(administrator, name="Всё", url=receiver.url)
    taken = endpoint_create(administrator, name="Взятые", url=receiver.url, event_types=["taken"])
    appeal = submit(citizen)
    services.appeal_take(appeal=appeal, actor=operator)
    relay()
    assert set(every.deliveries.values_list("event__type", flat=True)) == {"registered", "taken"}
    assert list(taken.deliveries.values_list("event__type", flat=True)) == ["taken"]
    while sender.deliver_once():
        pass
    assert sorted(r.headers["X-Priemnaya-Event"] for r in receiver.requests) == [
        "registered",
        "taken",
        "taken",
    ]


def test_a_replayed_event_makes_one_delivery(citizen, submit, endpoint):
    submit(citizen)
    relay()
    relay()
    event = Event.objects.get()
    consumer = WebhookConsumer()
    consumer.handle(event)
    consumer.handle(event)
    assert Delivery.objects.filter(event=event, endpoint=endpoint).count() == 1


def test_redelivery_sends_a_delivered_or_failed_delivery_again_under_the_same_id(
    citizen, submit, administrator, endpoint, receiver
):
    receiver.script = [200, 404, 200]
    submit(citizen)
    relay()
    sender.deliver_once()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.DELIVERED
    # a delivered one goes out again…
    again = delivery_redeliver(administrator, delivery)
    assert (again.pk, again.state, again.attempts) == (delivery.pk, DeliveryState.PENDING, 0)
    assert again.delivered_at is None
    # …and a pending one cannot be queued twice
    with pytest.raises(Conflict):
        delivery_redeliver(administrator, delivery)
    sender.deliver_once()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    # a failed one too
    delivery_redeliver(administrator, delivery)
    sender.deliver_once()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert [r.delivery for r in receiver.requests] == [str(delivery.pk)] * 3
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 3


def test_only_administrators_manage_webhooks(operator, endpoint, citizen, submit):
    submit(citizen)
    relay()
    delivery = Delivery.objects.get()
    with pytest.raises(NotPermitted):
        endpoint_create(operator, name="CRM", url="https://crm.example.ru/hook")
    with pytest.raises(NotPermitted):
        endpoint_enable(operator, endpoint)
    with pytest.raises(NotPermitted):
        delivery_redeliver(operator, delivery)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " ", "url": "https://crm.example.ru/hook"}, "name"),
        ({"name": "CRM", "url": "ftp://crm.example.ru/hook"}, "url"),
        ({"name": "CRM", "url": "не адрес"}, "url"),
        ({"name": "CRM", "url": "https://crm.example.ru/", "event_types": ["нет"]}, "event_types"),
        (
            {"name": "CRM", "url": "https://crm.example.ru/", "event_types": ["draft_saved"]},
            "event_types",
        ),
    ],
)
def test_bad_endpoint_input_names_the_field(administrator, fields, field):
    with pytest.raises(ValidationFailed) as error:
        endpoint_create(administrator, **fields)
    assert error.value.field == field
    assert not Endpoint.objects.exists()


def test_a_new_endpoint_has_its_own_secret(administrator):
    one = endpoint_create(administrator, name="Один", url="https://one.example.ru/")
    two = endpoint_create(administrator, name="Два", url="https://two.example.ru/")
    assert len(one.secret) >= 40
    assert one.secret != two.secret


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_sends_on_wake_and_survives_errors(catalog, receiver, monkeypatch):
    from tests.factories import make_citizen, make_user, submit_appeal

    admin = make_user("administrator")
    endpoint_create(admin, name="CRM", url=receiver.url)
    real = sender.deliver_once
    calls = {"n": 0}

    def flaky(limit: int = sender.BATCH) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("сбой базы")
        return real(limit)

    monkeypatch.setattr(sender, "deliver_once", flaky)
    submit_appeal(make_citizen())
    relay()
    # SQLite's shared in-memory test database locks across threads: only the loop touches it now
    stop = threading.Event()
    loop = threading.Thread(target=sender.run_forever, args=(stop,))
    loop.start()
    try:
        for _ in range(200):
            if receiver.requests:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        loop.join(30)
    assert not loop.is_alive()
    assert calls["n"] >= 2
    assert Delivery.objects.get().state == DeliveryState.DELIVERED
    assert len(receiver.requests) == 1
