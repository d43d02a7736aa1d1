"""SMS: the gateway interface (dev outbox, HTTP with retries), the sender and status callbacks."""

from __future__ import annotations

import json
import socket

import pytest
from django.test import override_settings

from priemnaya.notifications import channels
from priemnaya.notifications.channels.sms import SmsSender
from priemnaya.notifications.models import Channel, DeliveryAttempt, Notification, State
from priemnaya.notifications.sms import (
    HttpSmsGateway,
    OutboxSmsGateway,
    SmsPermanentError,
    SmsReceipt,
    SmsTemporaryError,
    sms_gateway,
    sms_status_record,
)
from tests.factories import api
from tests.notifications.local_http import Reply, local_server

PHONE = "+79161234567"
ACCEPTED = Reply(200, json.dumps({"id": "gw-1", "status": "accepted"}).encode())
CALLBACK_TOKEN = "callback-secret-0123456789"


def gateway(url: str, **options) -> HttpSmsGateway:
    return HttpSmsGateway(
        url + "/send",
        token="gw-token",
        callback_url="http://127.0.0.1:8702/api/v1/notifications/sms-status",
        timeout=options.pop("timeout", 2.0),
        backoff=0.01,
        **options,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sms_row(appeal, *, address: str = PHONE, body: str = "Обращение: ответ готов.", **extra):
    return Notification.objects.create(
        event=appeal.events.first(),
        appeal=appeal,
        channel=Channel.SMS,
        address=address,
        audience="applicant",
        body=body,
        **extra,
    )


# ---- the HTTP gateway ---------------------------------------------------------------------------


def test_http_gateway_retries_a_503_and_returns_the_receipt():
    with local_server(Reply(503, b"busy"), ACCEPTED) as server:
        receipt = gateway(server.url).send(PHONE, "Обращение № 26-0001234-9: ответ готов.")

    assert receipt == SmsReceipt(id="gw-1", status="accepted")
    assert len(server.received) == 2
    request = server.received[-1]
    assert request.path == "/send"
    assert request.headers["authorization"] == "Bearer gw-token"
    assert request.headers["content-type"].startswith("application/json")
    assert json.loads(request.body) == {
        "to": PHONE,
        "text": "Обращение № 26-0001234-9: ответ готов.",
        "callback_url": "http://127.0.0.1:8702/api/v1/notifications/sms-status",
    }


def test_http_gateway_4xx_is_permanent_and_not_retried():
    with (
        local_server(Reply(400, b'{"error": "bad number"}')) as server,
        pytest.raises(SmsPermanentError, match="400"),
    ):
        gateway(server.url).send(PHONE, "текст")

    assert len(server.received) == 1


def test_http_gateway_gives_up_after_its_tries_with_a_temporary_error():
    with (
        local_server(default=Reply(502, b"bad gateway")) as server,
        pytest.raises(SmsTemporaryError, match="502"),
    ):
        gateway(server.url, tries=3).send(PHONE, "текст")

    assert len(server.received) == 3


def test_http_gateway_retries_a_timeout():
    with local_server(Reply(200, b"{}", delay=1.5), ACCEPTED) as server:
        receipt = gateway(server.url, timeout=0.3).send(PHONE, "текст")

    assert receipt.id == "gw-1"
    assert len(server.received) == 2


def test_http_gateway_refused_connection_is_temporary():
    with pytest.raises(SmsTemporaryError, match="недоступен"):
        gateway(f"http://127.0.0.1:{free_port()}", tries=2).send(PHONE, "текст")


@pytest.mark.parametrize(
    "phone", ["89161234567", "+7916123456", "+7916123456a", "", "+19161234567"]
)
def test_invalid_phone_is_permanent_and_never_sent(phone):
    with local_server(ACCEPTED) as server, pytest.raises(SmsPermanentError, match="номер"):
        gateway(server.url).send(phone, "текст")

    assert server.received == []


# ---- the dev outbox and the factory -------------------------------------------------------------


def test_outbox_gateway_keeps_the_sms_as_a_file(settings, tmp_path):
    settings.VAR_DIR = tmp_path

    receipt = OutboxSmsGateway().send(PHONE, "Код: 1234")

    stored = json.loads((tmp_path / "outbox" / "sms" / receipt.id).read_text(encoding="utf-8"))
    assert stored["to"] == PHONE
    assert stored["text"] == "Код: 1234"
    assert receipt.status == "stored"


def test_sms_gateway_is_the_outbox_without_a_url_and_http_with_one(settings):
    settings.SMS_GATEWAY_URL = ""
    assert isinstance(sms_gateway(), OutboxSmsGateway)

    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    settings.SMS_GATEWAY_TOKEN = "t"
    settings.PRIEMNAYA_SITE_URL = "https://priemnaya.example.ru/"
    configured = sms_gateway()
    assert isinstance(configured, HttpSmsGateway)
    assert configured.token == "t"
    assert configured.callback_url == "https://priemnaya.example.ru/api/v1/notifications/sms-status"


# ---- the sender ---------------------------------------------------------------------------------


def test_sms_sender_returns_one_result_per_item(registered):
    # given three planned SMS: good, a malformed number, good
    rows = [
        sms_row(registered),
        sms_row(registered, address="12345"),
        sms_row(registered, address="+79160000000"),
    ]

    with local_server(
        ACCEPTED, default=Reply(200, b'{"id": "gw-2", "status": "accepted"}')
    ) as server:
        # when
        results = SmsSender(gateway(server.url)).send(rows)

    # then
    assert [r.ok for r in results] == [True, False, True]
    assert results[0].provider_id == "gw-1"
    assert results[2].provider_id == "gw-2"
    assert results[1].permanent
    assert "номер" in results[1].error
    assert [json.loads(r.body)["to"] for r in server.received] == [PHONE, "+79160000000"]


def test_sms_sender_stops_at_an_unreachable_gateway(registered):
    rows = [sms_row(registered), sms_row(registered, address="+79160000000")]
    down = gateway(f"http://127.0.0.1:{free_port()}", tries=1)

    results = SmsSender(down).send(rows)

    assert [r.ok for r in results] == [False, False]
    assert not any(r.permanent for r in results)
    assert all("недоступен" in r.error for r in results)


def test_sender_for_sms_builds_the_configured_sender(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.SMS_GATEWAY_URL = ""
    channels.reset()
    try:
        sender = channels.sender_for("sms")
        assert isinstance(sender, SmsSender)
        assert sender.channel == "sms"
        assert isinstance(sender.gateway, OutboxSmsGateway)
    finally:
        channels.reset()


# ---- the delivery-status callback ---------------------------------------------------------------


@pytest.fixture
def sent(registered):
    return sms_row(registered, state=State.SENT, provider_id="gw-77")


def callback(body, **headers):
    return api()("post", "/notifications/sms-status", body, **headers)


@override_settings(SMS_CALLBACK_TOKEN=CALLBACK_TOKEN)
def test_callback_records_delivered(sent):
    response = callback({"id": "gw-77", "status": "delivered"}, X_Callback_Token=CALLBACK_TOKEN)

    assert response.status_code == 204, response.content
    sent.refresh_from_db()
    assert sent.provider_status == "delivered"
    assert sent.state == State.SENT


@override_settings(SMS_CALLBACK_TOKEN=CALLBACK_TOKEN)
def test_callback_failed_parks_the_notification_with_the_reason(sent):
    response = callback(
        {"id": "gw-77", "status": "FAILED", "error": "абонент недоступен"},
        X_Callback_Token=CALLBACK_TOKEN,
    )

    assert response.status_code == 204, response.content
    sent.refresh_from_db()
    assert sent.state == State.FAILED
    assert sent.provider_status == "failed"
    assert "абонент недоступен" in sent.last_error
    attempt = DeliveryAttempt.objects.get(notification=sent)
    assert not attempt.ok
    assert attempt.provider_answer == "status callback: failed"


@override_settings(SMS_CALLBACK_TOKEN=CALLBACK_TOKEN)
@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [({}, 401, "unauthorized"), ({"X_Callback_Token": "wrong"}, 403, "bad_token")],
)
def test_callback_needs_the_token(sent, headers, status, code):
    response = callback({"id": "gw-77", "status": "failed"}, **headers)

    assert response.status_code == status
    error = response.json()["errors"][0]
    assert error["field"] == "X-Callback-Token"
    assert error["code"] == code
    sent.refresh_from_db()
    assert sent.state == State.SENT


@override_settings(SMS_CALLBACK_TOKEN="")
def test_callback_is_refused_while_no_token_is_configured(sent):
    response = callback({"id": "gw-77", "status": "failed"}, X_Callback_Token="")

    assert response.status_code == 401
    response = callback({"id": "gw-77", "status": "failed"}, X_Callback_Token="anything")
    assert response.status_code == 403


@override_settings(SMS_CALLBACK_TOKEN=CALLBACK_TOKEN)
def test_callback_for_an_unknown_id_is_404(sent):
    response = callback({"id": "nope", "status": "delivered"}, X_Callback_Token=CALLBACK_TOKEN)

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "id"


@override_settings(SMS_CALLBACK_TOKEN=CALLBACK_TOKEN)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "delivered"}, "id"),
        ({"id": "gw-77"}, "status"),
        ({"id": "gw-77", "status": "доставлено"}, "status"),
        ({"id": "", "status": "delivered"}, "id"),
    ],
)
def test_callback_bad_body_is_422_naming_the_field(sent, body, field):
    response = callback(body, X_Callback_Token=CALLBACK_TOKEN)

    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field


def test_status_of_an_sms_sent_through_the_gateway_comes_back(registered, settings):
    # given an SMS sent through the HTTP gateway, which called back with its id
    settings.SMS_CALLBACK_TOKEN = CALLBACK_TOKEN
    row = sms_row(registered)
    with local_server(Reply(200, b'{"id": "gw-9001", "status": "queued"}')) as server:
        [result] = SmsSender(gateway(server.url)).send([row])
    Notification.objects.filter(pk=row.pk).update(state=State.SENT, provider_id=result.provider_id)
    callback_url = json.loads(server.received[0].body)["callback_url"]
    assert callback_url.endswith("/api/v1/notifications/sms-status")

    # when the gateway reports delivery
    response = callback({"id": "gw-9001", "status": "delivered"}, X_Callback_Token=CALLBACK_TOKEN)

    # then
    assert response.status_code == 204
    row.refresh_from_db()
    assert row.provider_status == "delivered"


def test_sms_status_record_refuses_an_sms_it_never_sent(registered):
    from priemnaya.core.errors import NotFound

    sms_row(registered, provider_id="")
    with pytest.raises(NotFound):
        sms_status_record(provider_id="", status="delivered")
