"""The demo's receiver /dev/webhooks/: checks signatures, keeps and lists what arrived."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from priemnaya.accounts.models import User
from priemnaya.demo.loader import DEMO_ENDPOINT, _demo_webhook_endpoint
from priemnaya.webhooks.models import Delivery, Endpoint
from priemnaya.webhooks.payload import encode, headers_for, payload_for
from tests.webhooks.conftest import relay


def _post(client: Client, delivery: Delivery, *, body: bytes | None = None, secret=None):
    sent = encode(payload_for(delivery.event))
    headers = headers_for(
        secret=secret or delivery.endpoint.secret,
        body=sent,
        event_type=delivery.event.type,
        delivery_id=delivery.pk,
    )
    extra = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"
    }
    return client.post(
        "/dev/webhooks/", data=body or sent, content_type="application/json", **extra
    )


@pytest.fixture
def queued(citizen, submit, endpoint):
    submit(citizen)
    relay()
    return Delivery.objects.get()


def test_the_receiver_keeps_signed_deliveries_and_lists_them(queued, tmp_path):
    client = Client(enforce_csrf_checks=True)
    with override_settings(DEBUG=True, VAR_DIR=tmp_path):
        # a good delivery is accepted, a forged one refused — both are listed
        assert _post(client, queued).status_code == 200
        forged = _post(client, queued, body=encode({"id": 1, "type": "answered"}))
        assert forged.status_code == 401
        page = client.get("/dev/webhooks/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("подпись верна") == 1
    assert text.count("подпись неверна") == 1
    assert text.index("подпись неверна") < text.index("подпись верна")  # newest first
    stored = sorted((tmp_path / "outbox" / "webhooks").glob("*.json"))
    assert len(stored) == 2
    first = json.loads(stored[0].read_text(encoding="utf-8"))
    assert first["signature_ok"] is True
    assert first["delivery"] == str(queued.pk)
    assert first["body"]["type"] == "registered"


def test_the_receiver_is_there_only_in_debug(queued):
    client = Client()
    assert client.get("/dev/webhooks/").status_code == 404
    assert _post(client, queued).status_code == 404


def test_the_demo_registers_its_endpoint_once(administrator, settings):
    settings.PRIEMNAYA_SITE_URL = "http://127.0.0.1:8704"
    admin = User.objects.get(pk=administrator.pk)
    _demo_webhook_endpoint(admin)
    _demo_webhook_endpoint(admin)
    endpoint = Endpoint.objects.get(name=DEMO_ENDPOINT)
    assert endpoint.url == "http://127.0.0.1:8704/dev/webhooks/"
    assert endpoint.is_active
    assert endpoint.event_types == []
