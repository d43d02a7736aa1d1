"""A burst of 1,000 events survives a SIGKILL of the worker: every e-mail and every webhook
arrives, at real receivers in their own processes, once per delivery key.

Delivery is at-least-once with de-duplication (SPEC §9): what was handed to the SMTP server or the
receiver but not yet recorded when the worker died goes again — under the same Message-ID and the
same X-Priemnaya-Delivery, so mail clients and receivers drop the copy. The test shows that no key
is missing, that each key arrived, and that copies stay within what one batch can have in flight.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from priemnaya.notifications import sender as notify_sender
from priemnaya.webhooks import sender as webhook_sender
from tests.databases import ROOT, fresh_database_url, process_env, run
from tests.receivers import Sink

EVENTS = 1000
# The most a killed worker can have handed over without recording it: what its sender loops hold
# claimed at once (each claims one batch at a time).
MAIL_IN_FLIGHT = notify_sender.LOOP_BATCH * settings.PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER
HOOKS_IN_FLIGHT = webhook_sender.BATCH

pytestmark = pytest.mark.django_db(transaction=True)


def _status(env) -> dict:
    return json.loads(run(env, "-m", "tests.notifications.burst", "status").stdout)


def _worker(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "priemnaya.cli", "worker"], env=env, cwd=ROOT)


def _settled(state: dict) -> bool:
    email, hooks = state["email"], state["webhooks"]
    return (
        state["undispatched"] == 0
        and email.get("pending", 0) == 0
        and hooks.get("pending", 0) == 0
        and sum(email.values()) >= EVENTS
    )


def test_a_worker_killed_mid_burst_delivers_every_event_by_every_channel(tmp_path):
    url, drop = fresh_database_url(tmp_path, "burst")
    smtp = Sink.start("smtp", tmp_path)
    hooks = Sink.start("webhook", tmp_path)
    env = process_env(
        url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        # A killed worker's claims expire soon, so the second worker takes them over quickly;
        # not sooner than a batch can take on a loaded machine (5 s let the second worker's own
        # loops re-claim rows still being sent, 832 copies in a full run beside browser tests).
        PRIEMNAYA_NOTIFY_LEASE="15",
        PRIEMNAYA_WEBHOOK_TIMEOUT="2",
        PRIEMNAYA_WEBHOOK_LEASE_MARGIN="3",
        # 1,000 alike appeals must not open incidents: this test counts deliveries, not outages.
        PRIEMNAYA_INCIDENT_THRESHOLD="100000",
    )
    worker = None
    try:
        run(env, "-m", "priemnaya.cli", "manage", "migrate", "--no-input", "-v", "0")
        hook_url = f"http://127.0.0.1:{hooks.port}/hook"
        run(env, "-m", "tests.notifications.burst", "seed", str(EVENTS), "--webhook-url", hook_url)
        # given a worker delivering the burst
        worker = _worker(env)
        deadline = time.monotonic() + 120
        while smtp.count() < EVENTS // 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert smtp.count() >= EVENTS // 4, "the worker delivered nothing"
        # when it is killed mid-burst
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        killed_at = smtp.count()
        assert killed_at < EVENTS, "the burst was over before the kill; the test proves nothing"
        # and another worker is started
        worker = _worker(env)
        deadline = time.monotonic() + 240
        state = _status(env)
        while not _settled(state) and time.monotonic() < deadline:
            time.sleep(1)
            state = _status(env)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(15)
        smtp.stop()
        hooks.stop()
        drop()
    # then every notification and every delivery is done, none failed
    assert _settled(state), state
    assert state["email"] == {"sent": EVENTS}
    assert state["webhooks"] == {"delivered": state["events"]}
    # and every e-mail arrived under its own Message-ID, every webhook under its delivery id
    mail = smtp.keys()
    domain_ids = {f"<notification-{pk}@" for pk in state["email_ids"]}
    assert {key.split("@")[0] + "@" for key in mail} == domain_ids
    received = hooks.keys()
    assert set(received) == {str(pk) for pk in state["webhook_ids"]}
    # and copies re-sent after the kill stay within one batch in flight per sender loop, besides
    # the tries that failed on record (a 250 reply lost to a timeout on a loaded machine is retried)
    again = sum(mail.values()) - len(mail)
    assert again <= MAIL_IN_FLIGHT + state["email_failed_attempts"], (again, state)
    assert sum(received.values()) - len(received) <= HOOKS_IN_FLIGHT
