"""`priemnaya demo` and `priemnaya serve` survive the death of any one process and leave none.

These start the real commands on free ports of 127.0.0.1 against SQLite files in a temporary
directory, kill processes with SIGKILL and watch /healthz from outside.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.proctree import (
    Proc,
    alive,
    free_port,
    http_status,
    port_free,
    reaped,
    stop,
    survivors,
    tree,
    wait_for,
)

pytestmark = [
    pytest.mark.processes,
    pytest.mark.embedded,
    # One worker builds the migrated demo template (module fixture, ~10 s) once for all of them.
    pytest.mark.xdist_group("cli_processes"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

CLI = [sys.executable, "-m", "priemnaya.cli"]
# Only what a process needs to run: the test settings put test-only values (TASKS_BACKEND,
# SECRET_KEY, and DATABASE_URL on the PostgreSQL run) into os.environ, which must not leak.
BASE_ENV = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
START_TIMEOUT = 30


@pytest.fixture(scope="module")
def migrated_var(tmp_path_factory) -> Path:
    """Return a var directory with a migrated SQLite database holding the demo data.

    Loading the demo data takes most of 10 s; doing it once lets each command start in seconds.
    """
    var = tmp_path_factory.mktemp("template-var")
    env = {**BASE_ENV, "PRIEMNAYA_VAR_DIR": str(var), "DEBUG": "1"}
    for command in (["migrate"], ["load-demo"]):
        subprocess.run([*CLI, *command], env=env, check=True, capture_output=True, timeout=120)  # noqa: S603
    return var


def _var_copy(template: Path, tmp_path: Path) -> Path:
    var = tmp_path / "var"
    var.mkdir()
    for database in template.glob("priemnaya.sqlite3*"):
        shutil.copy(database, var / database.name)
    return var


def _launch(argv: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        argv,
        env={**BASE_ENV, **env},
        cwd=tmp_path,
        stdout=(tmp_path / "out.log").open("w"),
        stderr=subprocess.STDOUT,
    )


def _children(supervisor: subprocess.Popen, marker: str) -> list[Proc]:
    return [p for p in tree(supervisor.pid) if p.ppid == supervisor.pid and marker in p.cmdline]


def _child(supervisor: subprocess.Popen, marker: str) -> Proc:
    """Return the one direct child whose command line holds `marker`, waiting for it."""
    found = wait_for(lambda: _children(supervisor, marker), 10, f"a child running {marker!r}")
    assert len(found) == 1, found
    return found[0]


def _replaced(supervisor: subprocess.Popen, marker: str, old: int, timeout: float = 10) -> Proc:
    def new() -> Proc | None:
        return next((p for p in _children(supervisor, marker) if p.pid != old), None)

    return wait_for(new, timeout, f"a new child running {marker!r}")


def _healthy(port: int, timeout: float = 2.0) -> bool:
    return http_status(f"http://127.0.0.1:{port}/healthz", timeout=timeout) == 200


def _statuses(port: int, times: int = 10) -> list[int | None]:
    # Patient like a browser: a connection the kernel hands to a respawned granian worker waits
    # in its backlog until that worker has loaded Django (a second or three), then is served.
    return [http_status(f"http://127.0.0.1:{port}/healthz", timeout=15) for _ in range(times)]


def _log(tmp_path: Path) -> str:
    return (tmp_path / "out.log").read_text(errors="replace")


def _terminate_and_check_nothing_left(
    supervisor: subprocess.Popen, members: list[Proc], ports: list[int]
) -> None:
    supervisor.send_signal(signal.SIGTERM)

    assert supervisor.wait(timeout=15) == 0
    pids, groups = [p.pid for p in members], [p.pgid for p in members]
    assert survivors(pids, groups) == []
    assert all(port_free(port) for port in ports)


@pytest.fixture
def demo(migrated_var, tmp_path):
    port = free_port()
    env = {"PRIEMNAYA_VAR_DIR": str(_var_copy(migrated_var, tmp_path))}
    argv = [*CLI, "demo", "--port", str(port), "--ws-port", str(free_port())]
    supervisor = _launch(argv, env, tmp_path)
    seen: list[Proc] = []
    try:
        wait_for(lambda: _healthy(port), START_TIMEOUT, f"demo /healthz; log:\n{_log(tmp_path)}")
        yield supervisor, port, seen
    finally:
        stop(supervisor, {p.pgid for p in seen})


def test_demo_restarts_a_dead_worker_or_web_server_and_stops_whole(demo, tmp_path):
    supervisor, port, seen = demo
    web, worker = _child(supervisor, "wsgi"), _child(supervisor, "priemnaya.cli worker")
    seen += tree(supervisor.pid)

    # The task worker dies: pages keep answering, and the worker comes back.
    os.kill(worker.pid, signal.SIGKILL)
    wait_for(lambda: reaped(worker.pid), 5, "the killed worker to be gone")
    assert _statuses(port) == [200] * 10, _log(tmp_path)
    seen.append(_replaced(supervisor, "priemnaya.cli worker", worker.pid))
    assert alive(web.pid)

    # The web server's main process dies: its orphaned worker is swept and a new server answers.
    granian_workers = tree(web.pid)
    os.kill(web.pid, signal.SIGKILL)
    new_web = _replaced(supervisor, "wsgi", web.pid)
    wait_for(lambda: _healthy(port), START_TIMEOUT, "/healthz from the restarted web server")
    assert not any(alive(p.pid) for p in granian_workers)
    seen += tree(supervisor.pid)
    assert f"web (pid {web.pid}) exited with code -9" in _log(tmp_path)
    assert new_web.pgid == new_web.pid

    _terminate_and_check_nothing_left(supervisor, seen, [port])


def test_demo_serves_pages_through_wsgi_and_websockets_through_asgi(demo, tmp_path):
    supervisor, port, seen = demo
    web, websocket = _child(supervisor, "wsgi"), _child(supervisor, "asginl")
    seen += tree(supervisor.pid)
    assert "priemnaya.wsgi:application" in web.cmdline
    assert "priemnaya.asgi:application" in websocket.cmdline
    ws_port = int(websocket.cmdline.split("--port ")[1].split()[0])
    wait_for(lambda: _healthy(ws_port), START_TIMEOUT, f"the ASGI process; log:\n{_log(tmp_path)}")

    # Static files still come from WhiteNoise (DEBUG=1, from the packages' folders) under WSGI.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/web/site.css", timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/css")
        assert len(r.read()) > 100
    # Pages learn where WebSockets live, and their CSP lets them connect there.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
        page = r.read().decode()
        csp = r.headers["Content-Security-Policy"]
    assert f'data-ws-url="ws://127.0.0.1:{ws_port}/ws/"' in page
    assert f"ws://127.0.0.1:{ws_port}" in csp.split("connect-src")[1].split(";")[0]


def test_demo_tree_goes_when_the_supervisor_is_killed(demo):
    supervisor, port, seen = demo
    wait_for(lambda: len(tree(supervisor.pid)) >= 3, 10, "granian, its worker and the task worker")
    seen += tree(supervisor.pid)

    supervisor.kill()
    supervisor.wait()

    pids, groups = [p.pid for p in seen], [p.pgid for p in seen]
    wait_for(lambda: survivors(pids, groups) == [], 15, "every process of the tree to exit")
    assert port_free(port)


def test_serve_keeps_http_up_through_worker_and_websocket_process_deaths(migrated_var, tmp_path):
    port, ws_port = free_port(), free_port()
    var = _var_copy(migrated_var, tmp_path)
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "serve-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        # On, as in production: the probes must still answer over plain HTTP.
        "SECURE_SSL_REDIRECT": "1",
        "PRIEMNAYA_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'priemnaya.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    argv = [*CLI, "serve", "--port", str(port), "--ws-port", str(ws_port), "--workers", "2"]
    supervisor = _launch(argv, env, tmp_path)
    seen: list[Proc] = []
    try:
        wait_for(lambda: _healthy(port) and _healthy(ws_port), START_TIMEOUT, "serve /healthz")
        assert http_status(f"http://127.0.0.1:{port}/readyz") == 200
        http, websocket = _child(supervisor, "wsgi"), _child(supervisor, "asginl")
        http_workers = wait_for(lambda: len(tree(http.pid)) == 2 and tree(http.pid), 10, "workers")
        # /healthz answered once one worker was up; the one killed below must not be the last.
        wait_for(lambda: "Started worker-2" in _log(tmp_path), 10, "the second WSGI worker")
        seen += tree(supervisor.pid)

        # One WSGI worker dies: granian replaces just that worker; HTTP never stops answering.
        os.kill(http_workers[0].pid, signal.SIGKILL)
        # Connections already queued on the dead worker's own listener (SO_REUSEPORT) are reset
        # with it; what matters is every connection made after it is gone.
        wait_for(lambda: reaped(http_workers[0].pid), 5, "the killed worker to be gone")
        assert _statuses(port) == [200] * 10, _log(tmp_path)
        respawned = wait_for(
            lambda: [p for p in tree(http.pid) if p.pid not in {w.pid for w in http_workers}],
            10,
            "granian to respawn the worker",
        )
        assert alive(http_workers[1].pid)
        assert alive(http.pid)
        seen += respawned

        # The WebSocket process dies: HTTP is untouched and the ASGI server comes back.
        os.kill(websocket.pid, signal.SIGKILL)
        wait_for(lambda: reaped(websocket.pid), 5, "the killed ASGI server to be gone")
        assert _statuses(port) == [200] * 10, _log(tmp_path)
        _replaced(supervisor, "asginl", websocket.pid)
        wait_for(lambda: _healthy(ws_port), START_TIMEOUT, "/healthz from the new ASGI server")
        assert alive(http.pid)
        seen += tree(supervisor.pid)

        _terminate_and_check_nothing_left(supervisor, seen, [port, ws_port])
    finally:
        stop(supervisor, {p.pgid for p in seen})
