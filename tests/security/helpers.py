"""Helpers of the security tests: a recording SMS gateway, TOTP codes, a waiting sign-in."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from priemnaya.core import clock
from priemnaya.security.second_factor import PENDING_KEY

SIGN_IN_CODE = re.compile(r"код входа (\d{6})")


class RecordingGateway:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> str:
        self.sent.append((phone, text))
        return f"sms-{len(self.sent)}"

    def last_code(self) -> str:
        match = SIGN_IN_CODE.search(self.sent[-1][1])
        assert match, self.sent[-1][1]
        return match.group(1)


@pytest.fixture
def sms(monkeypatch):
    gateway = RecordingGateway()
    monkeypatch.setattr("priemnaya.security.delivery.sms_gateway", lambda: gateway)
    return gateway


@pytest.fixture(autouse=True)
def _no_otp_throttling(settings):
    # django-otp waits 1, 2, 4… s after a wrong code; the tests type fast.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now (or ``steps_ahead`` periods later: a code not used yet)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)  # the app knows no drift
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def pending_client(user, *, remember: bool = False, next_url: str = "", at=None) -> Client:
    """A browser whose password step passed for ``user`` (what the sign-in page leaves)."""
    client = Client()
    session = client.session
    session[PENDING_KEY] = {
        "user_id": user.pk,
        "remember": remember,
        "next": next_url,
        "at": (at or clock.now()).isoformat(),
    }
    session.save()
    return client


def enrol_totp(client: Client, user) -> TOTPDevice:
    """Set up an authenticator through the pages; return the confirmed device."""
    assert client.get("/account/security/totp/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/security/totp/", {"otp": totp_code(device)})
    assert response.status_code == 200, response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device
