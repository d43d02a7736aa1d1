"""Web push: VAPID keys, and delivery to a real local push service that we decrypt."""

from __future__ import annotations

import json
import os
import secrets
import socket
import stat
import time

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from priemnaya.notifications import push
from priemnaya.notifications.channels.push import PushSender, push_address
from priemnaya.notifications.models import Channel, Notification, PushSubscription
from priemnaya.notifications.push import b64url, b64url_decode, vapid_public_key, vapid_subject
from priemnaya.notifications.rendering import appeal_url
from tests.notifications.local_http import Reply, local_server


@pytest.fixture(autouse=True)
def _own_keys(settings, tmp_path):
    # Each test gets its own VAR_DIR, so a generated key never leaks between tests.
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = ""
    push.vapid_reset()
    yield
    push.vapid_reset()


class Browser:
    """A browser's side of a subscription: its own P-256 key pair and auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = secrets.token_bytes(16)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def subscribe(self, user, endpoint: str) -> PushSubscription:
        return PushSubscription.objects.create(
            user=user, endpoint=endpoint, p256dh=self.p256dh, auth=b64url(self.auth_secret)
        )

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def push_row(appeal, subscription_or_address, **extra) -> Notification:
    address = (
        subscription_or_address
        if isinstance(subscription_or_address, str)
        else push_address(subscription_or_address)
    )
    return Notification.objects.create(
        event=appeal.events.first(),
        appeal=appeal,
        user=appeal.applicant,
        channel=Channel.PUSH,
        address=address,
        audience="applicant",
        subject=extra.pop("subject", "Дан ответ"),
        body=extra.pop("body", "Обращение № 26-0001234-9: ответ готов."),
        **extra,
    )


def verify_vapid(header: str, *, audience: str) -> dict:
    """Check an RFC 8292 ``vapid t=…, k=…`` header: the JWT is signed by k, and k is ours."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid"
    parts = dict(item.strip().split("=", 1) for item in params.split(","))
    assert parts["k"] == vapid_public_key()
    signing_input, _, signature = parts["t"].rpartition(".")
    raw = b64url_decode(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(parts["k"]))
    der = utils.encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    header_part, claims_part = signing_input.split(".")
    assert json.loads(b64url_decode(header_part))["alg"] == "ES256"
    claims = json.loads(b64url_decode(claims_part))
    assert claims["aud"] == audience
    assert claims["exp"] > time.time()
    return claims


# ---- keys ---------------------------------------------------------------------------------------


def test_key_is_generated_once_and_kept_private(settings, tmp_path):
    first = vapid_public_key()

    path = tmp_path / "vapid_private.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    push.vapid_reset()
    assert vapid_public_key() == first  # read back, not generated again
    raw = b64url_decode(first)
    assert len(raw) == 65
    assert raw[0] == 4  # an uncompressed point, as applicationServerKey takes it
    assert "=" not in first


def test_key_from_a_pem_setting(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    expected = b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )

    assert vapid_public_key() == expected
    assert not (settings.VAR_DIR / "vapid_private.pem").exists()


def test_key_from_a_raw_base64url_setting_and_a_matching_public_key(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_PUBLIC_KEY = b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )

    assert vapid_public_key() == settings.VAPID_PUBLIC_KEY


def test_a_public_key_that_does_not_match_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.VAPID_PRIVATE_KEY = b64url(secrets.token_bytes(31) + b"\x01")
    settings.VAPID_PUBLIC_KEY = b64url(b"\x04" + secrets.token_bytes(64))

    with pytest.raises(ImproperlyConfigured, match="does not match"):
        vapid_public_key()


def test_subject_defaults_to_the_sender_address(settings):
    settings.DEFAULT_FROM_EMAIL = "Приёмная <noreply@priemnaya.example.ru>"
    assert vapid_subject() == "mailto:noreply@priemnaya.example.ru"

    settings.VAPID_SUBJECT = "https://priemnaya.example.ru"
    assert vapid_subject() == "https://priemnaya.example.ru"


# ---- delivery -----------------------------------------------------------------------------------


def test_push_is_delivered_encrypted_and_signed(settings, registered, citizen):
    # given a browser subscribed at a local push service
    settings.DEFAULT_FROM_EMAIL = "Приёмная <noreply@priemnaya.example.ru>"
    browser = Browser()
    with local_server(Reply(201, b"", content_type="text/plain")) as service:
        subscription = browser.subscribe(citizen, f"{service.url}/push/abc")
        row = push_row(registered, subscription)

        # when
        [result] = PushSender().send([row])

    # then the service got one POST that only the browser can read
    assert result.ok, result.error
    assert result.provider_answer.startswith("201")
    [request] = service.received
    assert request.path == "/push/abc"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) == settings.PUSH_TTL
    assert browser.decrypt(request.body) == {
        "title": "Дан ответ",
        "body": "Обращение № 26-0001234-9: ответ готов.",
        "url": appeal_url(registered, "applicant"),
        "tag": f"appeal-{registered.number[:2]}-{registered.number[2:-1]}-{registered.number[-1]}",
    }
    # and the VAPID header is ours, for this service, with our contact
    claims = verify_vapid(request.headers["authorization"], audience=service.url)
    assert claims["sub"] == "mailto:noreply@priemnaya.example.ru"


def test_a_forged_vapid_signature_does_not_verify(registered, citizen):
    browser = Browser()
    with local_server(Reply(201)) as service:
        PushSender().send([push_row(registered, browser.subscribe(citizen, f"{service.url}/p"))])
    header = service.received[0].headers["authorization"]
    token = header.split("t=")[1].split(",")[0]
    forged = header.replace(token, token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))

    with pytest.raises(InvalidSignature):
        verify_vapid(forged, audience=service.url)


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscription_is_permanent_and_deleted(registered, citizen, status):
    browser = Browser()
    with local_server(Reply(status, b"gone", content_type="text/plain")) as service:
        subscription = browser.subscribe(citizen, f"{service.url}/push/gone")
        [result] = PushSender().send([push_row(registered, subscription)])

    assert not result.ok
    assert result.permanent
    assert str(status) in result.error
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()


@pytest.mark.parametrize("status", [500, 503, 429])
def test_failing_push_service_is_temporary_and_keeps_the_subscription(registered, citizen, status):
    browser = Browser()
    with local_server(Reply(status, b"later", content_type="text/plain")) as service:
        subscription = browser.subscribe(citizen, f"{service.url}/push/busy")
        [result] = PushSender().send([push_row(registered, subscription)])

    assert not result.ok
    assert not result.permanent
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_unreachable_push_service_is_temporary(registered, citizen):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subscription = Browser().subscribe(citizen, f"http://127.0.0.1:{port}/push/x")

    [result] = PushSender().send([push_row(registered, subscription)])

    assert not result.ok
    assert not result.permanent
    assert "недоступен" in result.error


def test_slow_push_service_times_out_as_temporary(settings, registered, citizen):
    settings.PUSH_TIMEOUT = 0.3
    browser = Browser()
    with local_server(Reply(201, delay=1.5)) as service:
        subscription = browser.subscribe(citizen, f"{service.url}/push/slow")
        [result] = PushSender().send([push_row(registered, subscription)])

    assert not result.ok
    assert not result.permanent


@pytest.mark.parametrize("address", ["push:999999", "push:abc", "user:1"])
def test_missing_subscription_is_permanent(registered, address):
    [result] = PushSender().send([push_row(registered, address)])

    assert not result.ok
    assert result.permanent
    assert "Подписка" in result.error


def test_one_result_per_item_in_order(registered, citizen):
    good = Browser()
    with local_server(Reply(201), Reply(410)) as service:
        first = good.subscribe(citizen, f"{service.url}/push/1")
        second = Browser().subscribe(citizen, f"{service.url}/push/2")
        rows = [
            push_row(registered, first),
            push_row(registered, "push:999999"),
            push_row(registered, second),
        ]
        results = PushSender().send(rows)

    assert [r.ok for r in results] == [True, False, False]
    assert [r.permanent for r in results] == [False, True, True]
    assert [r.path for r in service.received] == ["/push/1", "/push/2"]
