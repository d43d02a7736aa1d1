"""Several web processes and several workers on one PostgreSQL and one Redis lose nothing when one
of each is killed with SIGKILL mid-run.

`priemnaya serve --workers 3` (granian WSGI) answers the API; three `priemnaya worker` processes
take background tasks from RQ in Redis (PRIEMNAYA_TASKS_BROKER=rq) and relay the journal to the
notification and webhook senders, which deliver to real receivers (an SMTP server and a webhook
endpoint in processes of their own). A client files appeals steadily, as a real app would: a fresh
Idempotency-Key per appeal, the same key again after a connection error, a 5xx or a 409 (the key
still claimed by a request that died), and now and then a deliberate second send of a key that
already succeeded. A third of the way in, one WSGI worker and one task worker are killed.

At the end: every appeal the client got 201 for exists exactly once (by its key), no retry made a
second one, every journal event was dispatched and handled by every consumer, every notification
was sent and every webhook delivered — each under its own Message-ID / delivery id — and the
periodic jobs were enqueued into RQ once, not once per worker.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.db import connection

from priemnaya.notifications import sender as notify_sender
from priemnaya.webhooks import sender as webhook_sender
from tests.databases import ROOT, fresh_database_url, process_env, run
from tests.proctree import Proc, free_port, http_status, stop, tree, wait_for
from tests.receivers import Sink

REDIS = "redis://127.0.0.1:6379/15"
WORKERS = 3
WEB_WORKERS = 3
CLIENTS = 2
SUBMIT_SECONDS = 12.0
KILL_AFTER = 4.0
# A retried key whose first request died with its web worker stays claimed for the idempotency
# lease (api/idempotency.py LEASE, 30 s); the client keeps retrying it past that.
RETRY_UNTIL = 45.0
MAIL_IN_FLIGHT = notify_sender.LOOP_BATCH * 4  # PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER below
HOOKS_IN_FLIGHT = webhook_sender.BATCH
BODY = {
    "kind": "request",
    "theme": "tech-login",
    "subject": "Не могу войти",
    "text": "После смены пароля вход не работает.",
    "contact_email": "cluster@example.ru",
}


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
    pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True),
]


class Client:
    """Files appeals like an app: one key per appeal, retried with that key until a 201."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        self.created: dict[str, dict] = {}  # key -> the 201 body
        self.replays: list[tuple[str, dict]] = []  # a second send of a created key, its body
        self.retries = Counter[str]()
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()

    def _post(self, key: str) -> tuple[int | None, dict | None]:
        request = urllib.request.Request(  # noqa: S310 - our own server
            f"{self.base}/api/v1/appeals",
            data=json.dumps({**BODY, "subject": f"Не могу войти ({key[:8]})"}).encode(),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, {"error": error.read().decode(errors="replace")}
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            # Reset, refused, timed out, or the answer cut off mid-body: the same key again.
            return None, None

    def submit(self, key: str, until: float) -> dict | None:
        while time.monotonic() < until:
            status, body = self._post(key)
            if status == 201 and body is not None:
                return body
            # 4xx other than 409 would be the client's own fault: no retry would help.
            assert status in (None, 409, 500, 502, 503, 504), (status, key, body)
            with self.lock:
                self.retries[str(status)] += 1
            time.sleep(0.5 if status == 409 else 0.1)
        return None

    def run(self, stop_at: float, give_up_at: float) -> None:
        try:
            self._run(stop_at, give_up_at)
        except BaseException as exc:
            self.errors.append(exc)

    def _run(self, stop_at: float, give_up_at: float) -> None:
        n = 0
        while time.monotonic() < stop_at and not self.errors:
            key = uuid.uuid4().hex
            body = self.submit(key, give_up_at)
            if body is None:
                continue
            with self.lock:
                self.created[key] = body
            n += 1
            if n % 7 == 0:  # the app did not see the answer and sends the same appeal again
                again = self.submit(key, give_up_at)
                assert again is not None
                with self.lock:
                    self.replays.append((key, again))


def _status(env: dict[str, str]) -> dict:
    return json.loads(run(env, "-m", "tests.production.cluster", "status").stdout)


def _settled(state: dict, appeals: int) -> bool:
    return (
        state["appeals"] == appeals
        and state["undispatched"] == 0
        and state["undelivered"] == 0
        and set(state["email"]) == {"sent"}
        and state["email"]["sent"] == appeals
        and set(state["webhooks"]) == {"delivered"}
        and state["webhooks"]["delivered"] == state["events"]
    )


def _rq_jobs(client: redis.Redis) -> Counter[str]:
    """Count the jobs RQ holds (queued, running, done or failed) by their task."""
    found: Counter[str] = Counter()
    for key in client.scan_iter("rq:job:*"):
        if client.type(key) == b"hash" and (description := client.hget(key, "description")):
            found[description.decode().split("(")[0]] += 1
    return found


def _launch(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command
        argv, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def test_killing_a_web_worker_and_a_task_worker_mid_run_loses_nothing(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (SQLite is one machine)")
    url, drop = fresh_database_url(tmp_path, "prod_cluster")
    broker = redis.Redis.from_url(REDIS)
    broker.flushdb()
    smtp, hooks = Sink.start("smtp", tmp_path), Sink.start("webhook", tmp_path)
    port, ws_port = free_port(), free_port()
    env = process_env(
        url,
        DEBUG="0",
        SECRET_KEY="cluster-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        SECURE_SSL_REDIRECT="0",
        PRIEMNAYA_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        REDIS_URL=REDIS,
        PRIEMNAYA_TASKS_BROKER="rq",
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER="4",
        # A killed worker's claims expire soon, so the others take them over within the test.
        PRIEMNAYA_NOTIFY_LEASE="5",
        PRIEMNAYA_WEBHOOK_TIMEOUT="2",
        PRIEMNAYA_WEBHOOK_LEASE_MARGIN="3",
        PRIEMNAYA_RATE_APPEALS="1000000/h",
        PRIEMNAYA_RATE_APPEALS_USER="1000000/h",
        PRIEMNAYA_INCIDENT_THRESHOLD="1000000",
    )
    # Production settings (process_env names the test ones): Redis cache and limits, RQ.
    env["DJANGO_SETTINGS_MODULE"] = "priemnaya.settings"
    serve: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = []
    seen: list[Proc] = []
    try:
        run(env, "-m", "priemnaya.cli", "migrate")
        hook_url = f"http://127.0.0.1:{hooks.port}/hook"
        token = run(env, "-m", "tests.production.cluster", "seed", "--webhook-url", hook_url)
        token_value = token.stdout.strip().splitlines()[-1]

        cli = [sys.executable, "-m", "priemnaya.cli"]
        argv = [*cli, "serve", "--port", str(port), "--ws-port", str(ws_port)]
        serve = _launch([*argv, "--workers", str(WEB_WORKERS)], env, tmp_path / "serve.log")
        workers = [
            _launch([*cli, "worker"], env, tmp_path / f"worker-{n}.log") for n in range(WORKERS)
        ]
        # Patient: on a loaded machine loading Django in three WSGI workers takes a while.
        wait_for(
            lambda: http_status(f"http://127.0.0.1:{port}/healthz") == 200,
            120,
            "the web processes",
        )
        wsgi = wait_for(
            lambda: next((p for p in tree(serve.pid) if "wsgi" in p.cmdline), None), 10, "granian"
        )
        web_workers = wait_for(
            lambda: len(tree(wsgi.pid)) == WEB_WORKERS and tree(wsgi.pid), 30, "3 WSGI workers"
        )
        seen += tree(serve.pid)

        # A client files appeals steadily while one of each kind of process is killed.
        client = Client(f"http://127.0.0.1:{port}", token_value)
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=client.run, args=(started + SUBMIT_SECONDS, started + RETRY_UNTIL)
            )
            for _ in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(KILL_AFTER)
        created_before_kill = len(client.created)
        os.kill(web_workers[0].pid, signal.SIGKILL)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        for thread in threads:
            thread.join(RETRY_UNTIL + 20)
        seen += tree(serve.pid)
        appeals = len(client.created)
        assert client.errors == []

        deadline = time.monotonic() + 60
        state = _status(env)
        while not _settled(state, appeals) and time.monotonic() < deadline:
            time.sleep(1)
            state = _status(env)
        jobs = _rq_jobs(broker)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
        if serve is not None:
            stop(serve, {p.pgid for p in seen})
        smtp.stop()
        hooks.stop()
        broker.flushdb()
        broker.close()
        drop()

    summary = {k: v for k, v in state.items() if not k.endswith("_ids") and k != "client_tokens"}
    summary |= {"client_appeals": appeals, "retries": dict(client.retries)}
    (tmp_path / "state.json").write_text(json.dumps(summary, indent=1))
    # The run did what it claims: appeals before and after the kills.
    assert 0 < created_before_kill < appeals, (created_before_kill, summary)
    assert _settled(state, appeals), summary
    # Every 201 is one appeal, found by its key, and no retry or replay made another.
    assert state["appeals"] == appeals
    assert state["client_tokens"] == {f"api:{key}": 1 for key in client.created}
    for key, again in client.replays:
        assert again == client.created[key]
    numbers = [body["number"] for body in client.created.values()]
    assert len(set(numbers)) == len(numbers)
    # The whole journal was relayed: dispatched, and handled by every consumer.
    assert state["undispatched"] == 0
    assert state["undelivered"] == 0
    assert state["events_by_type"].get("registered") == appeals
    # One e-mail per appeal sent, one webhook delivery per event delivered, none failed ...
    assert state["email"] == {"sent": appeals}
    assert state["webhooks"] == {"delivered": state["events"]}
    # ... and each arrived under its own key; copies re-sent after the kill stay within what the
    # killed worker could have had in flight (receivers drop them by Message-ID / delivery id).
    mail, received = smtp.keys(), hooks.keys()
    assert {key.split("@")[0] for key in mail} == {
        f"<notification-{pk}" for pk in state["email_ids"]
    }
    assert set(received) == {str(pk) for pk in state["webhook_ids"]}
    assert sum(mail.values()) - len(mail) <= MAIL_IN_FLIGHT
    assert sum(received.values()) - len(received) <= HOOKS_IN_FLIGHT
    # Three workers' schedulers enqueued the daily token purge into RQ once, not three times.
    assert jobs["priemnaya.accounts.tasks.api_tokens_purge"] == 1, jobs
