"""What a receiver gets: the documented body, the headers, a signature it can check."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType
from priemnaya.core.numbering import format_number
from priemnaya.webhooks.models import Delivery
from priemnaya.webhooks.payload import sign, verify_signature
from priemnaya.webhooks.sender import deliver_once
from tests.webhooks.conftest import relay

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def test_a_delivery_carries_the_documented_body_and_headers(citizen, submit, endpoint, receiver):
    # given a registered appeal
    appeal = submit(citizen)
    # when the journal is relayed and the sender runs
    relay()
    assert deliver_once() == 1
    # then the receiver got one signed POST with the documented fields
    [request] = receiver.requests
    delivery = Delivery.objects.get()
    event = Event.objects.get(type=EventType.REGISTERED)
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "Priemnaya-Webhooks/1"
    assert headers["X-Priemnaya-Event"] == "registered"
    assert headers["X-Priemnaya-Delivery"] == str(delivery.pk)
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", headers["X-Priemnaya-Signature"])
    body = request.json
    assert set(body) == {"id", "type", "created_at", "appeal", "data", "internal"}
    assert body["id"] == event.pk
    assert body["type"] == "registered"
    assert re.search(r"T\d\d:\d\d:\d\d.*[+-]\d\d:\d\d$", body["created_at"])
    assert body["appeal"] == {
        "number": format_number(appeal.number),
        "status": "registered",
        "kind": appeal.kind.code,
        "theme": appeal.theme.code,
        "department": appeal.department.code,
        "due_date": body["data"]["due_date"],
    }
    assert body["appeal"]["number"] == body["data"]["number"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", body["data"]["due_date"])
    assert body["internal"] is False
    # Cyrillic travels as UTF-8, not \u-escapes
    assert "\\u" not in request.body.decode()


def test_the_signature_verifies_and_a_tampered_or_stale_request_does_not(
    citizen, submit, endpoint, receiver
):
    submit(citizen)
    relay()
    deliver_once()
    [request] = receiver.requests
    stamp = request.headers["X-Priemnaya-Timestamp"]
    header = request.headers["X-Priemnaya-Signature"]
    assert abs(int(stamp) - time.time()) < 300
    assert verify_signature(endpoint.secret, stamp, request.body, header)
    # a changed body, another secret, a garbled header or an old timestamp fail
    tampered = request.body.replace(b'"registered"', b'"answered"', 1)
    assert not verify_signature(endpoint.secret, stamp, tampered, header)
    assert not verify_signature("другой секрет", stamp, request.body, header)
    flipped = header[:-1] + ("1" if header.endswith("0") else "0")
    assert not verify_signature(endpoint.secret, stamp, request.body, flipped)
    assert not verify_signature(endpoint.secret, "не число", request.body, header)
    later = int(stamp) + 301
    assert not verify_signature(endpoint.secret, stamp, request.body, header, now=later)
    # an old request re-signed by nobody: the signature binds the timestamp too
    old = str(int(stamp) - 1000)
    assert not verify_signature(endpoint.secret, old, request.body, header)
    assert verify_signature(
        endpoint.secret,
        old,
        request.body,
        sign(endpoint.secret, int(old), request.body),
        now=int(old),
    )


def test_internal_events_go_out_marked_internal_with_staff_fields(
    citizen, submit, operator, endpoint, receiver
):
    appeal = submit(citizen)
    services.appeal_take(appeal=appeal, actor=operator)
    services.appeal_note(appeal=appeal, actor=operator, text="Проверить логи.")
    relay()
    while deliver_once():
        pass
    bodies = {r.json["type"]: r.json for r in receiver.requests}
    assert bodies["note_added"]["internal"] is True
    assert bodies["taken"]["internal"] is False
    # staff read how the appeal was routed; the webhook carries the staff view
    assert "route" in bodies["registered"]["data"]


def test_drafts_are_not_sent(citizen, endpoint, receiver):
    from tests.factories import save_draft

    save_draft(citizen)
    relay()
    assert not Delivery.objects.exists()
    assert deliver_once() == 0


def _docs_example() -> dict:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- verification example -->\s*```python\n(.*?)```", text, re.S)
    assert block, "docs/webhooks.md lost its verification example"
    namespace: dict = {}
    exec(compile(block.group(1), str(DOCS), "exec"), namespace)  # noqa: S102 — our own docs
    return namespace


@pytest.mark.parametrize("tamper", [False, True])
def test_the_docs_verification_example_checks_a_real_delivery(
    citizen, submit, endpoint, receiver, tamper
):
    submit(citizen)
    relay()
    deliver_once()
    [request] = receiver.requests
    body = request.body + (b" " if tamper else b"")
    verify = _docs_example()["verify"]
    assert verify(endpoint.secret, request.headers, body) is (not tamper)
