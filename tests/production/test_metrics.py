"""GET /metrics: request latency by route, queue gauges read at scrape time, closed to outsiders."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from priemnaya.appeals.models import Event, EventDelivery
from priemnaya.appeals.states import EventType
from priemnaya.core import clock
from priemnaya.notifications.models import Notification, State
from priemnaya.webhooks.models import Delivery, DeliveryState, Endpoint

TOKEN = "scrape-token-0123456789"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(client, **extra) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@pytest.mark.django_db
def test_requests_are_timed_by_route_method_and_status_class(client):
    before = samples(scrape(client))
    key = (
        "priemnaya_request_duration_seconds_count",
        (("method", "GET"), ("route", "healthz"), ("status", "2xx")),
    )
    missing = (
        "priemnaya_request_duration_seconds_count",
        (("method", "GET"), ("route", "unmatched"), ("status", "4xx")),
    )
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page/")
    after = samples(scrape(client))
    assert after[key] - before.get(key, 0) == 2
    assert after[missing] - before.get(missing, 0) == 1


@pytest.mark.django_db
def test_gauges_show_outbox_lag_queue_depth_and_failed_deliveries(client, registered):
    # Journal rows are append-only: an old undispatched event is written as such.
    event = Event.objects.create(
        appeal=registered, type=EventType.NOTE_ADDED, created_at=clock.now() - timedelta(minutes=5)
    )
    EventDelivery.objects.create(event=event, consumer="probe")
    DBTaskResult.objects.create(
        task_path="priemnaya.appeals.tasks.example",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
    )
    Notification.objects.all().delete()
    tries = ((State.FAILED, 8), (State.FAILED, 8), (State.PENDING, 2))
    for n, (state, attempts) in enumerate(tries):
        Notification.objects.create(
            event=event,
            appeal=registered,
            channel="sms",
            address=f"+7999000000{n}",
            audience="applicant",
            state=state,
            attempts=attempts,
        )
    endpoint = Endpoint.objects.create(name="Учёт", url="https://hooks.example.ru/in", secret="s")
    Delivery.objects.create(endpoint=endpoint, event=event, state=DeliveryState.FAILED)

    found = samples(scrape(client))

    assert 295 <= found[("priemnaya_outbox_lag_seconds", ())] < 3600
    undispatched = Event.objects.filter(dispatched_at__isnull=True).count()
    assert undispatched >= 1
    assert found[("priemnaya_outbox_undispatched_events", ())] == undispatched
    assert found[("priemnaya_outbox_undelivered", (("consumer", "probe"),))] == 1
    assert found[("priemnaya_task_queue_depth", (("queue", "default"),))] == 1
    assert found[("priemnaya_notifications_failed", (("channel", "sms"),))] == 2
    assert found[("priemnaya_notifications_retrying", (("channel", "sms"),))] == 1
    assert found[("priemnaya_webhook_deliveries_failed", ())] == 1

    Event.objects.update(dispatched_at=clock.now())
    assert samples(scrape(client))[("priemnaya_outbox_lag_seconds", ())] == 0


@pytest.mark.django_db
def test_nothing_waits_means_zero_lag(client):
    found = samples(scrape(client))
    assert found[("priemnaya_outbox_lag_seconds", ())] == 0
    assert found[("priemnaya_webhook_deliveries_failed", ())] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("peer", ["127.0.0.1", "::1"])
def test_this_machine_may_scrape(client, peer):
    assert "priemnaya_outbox_lag_seconds" in scrape(client, REMOTE_ADDR=peer)


@pytest.mark.django_db
@override_settings(PRIEMNAYA_METRICS_TOKEN=TOKEN)
def test_others_need_the_token_and_see_404_without_it(client):
    outside = {"REMOTE_ADDR": "203.0.113.5"}
    assert client.get("/metrics", **outside).status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope", **outside)
    assert wrong.status_code == 404
    assert "priemnaya_" not in wrong.content.decode()
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404
    text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **outside)
    assert re.search(r"^priemnaya_outbox_lag_seconds 0", text, re.M)


@pytest.mark.django_db
def test_without_a_token_outsiders_get_404(client):
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7").status_code == 404
    assert (
        client.get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer ").status_code
        == 404
    )


@pytest.mark.django_db
@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_proxy_the_local_peer_is_not_enough(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    with override_settings(PRIEMNAYA_METRICS_TOKEN=TOKEN):
        assert scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_multiprocess_mode_adds_up_the_processes(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR, any process answers for the requests of all of them."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    observe = (
        "from priemnaya.core.metrics import REQUEST_SECONDS;"
        "REQUEST_SECONDS.labels(route='healthz', method='GET', status='2xx').observe(0.01)"
    )
    show = "from priemnaya.core.metrics import requests_exposition as e; print(e().decode())"
    for code in (observe, observe, show):
        out = subprocess.run(  # noqa: S603 - this interpreter, a fixed argument list
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
    key = (
        "priemnaya_request_duration_seconds_count",
        (("method", "GET"), ("route", "healthz"), ("status", "2xx")),
    )
    assert samples(out.stdout)[key] == 2
