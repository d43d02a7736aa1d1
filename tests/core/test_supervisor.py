"""The supervisor restarts dead children with back-off and leaves no process behind.

The supervisor runs in its own process (it installs signal handlers and reaps every child), and
its children are small Python sleepers that note their pid in a directory.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from priemnaya.core.supervisor import (
    FIRST_DELAY,
    MAX_DELAY,
    RESET_AFTER,
    ChildSpec,
    Supervisor,
    next_delay,
)
from tests.proctree import alive, stop, survivors, tree, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

RUNNER = """
import json, logging, sys
from priemnaya.core.supervisor import ChildSpec, Supervisor
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout, force=True)
specs = [ChildSpec(name, argv) for name, argv in json.loads(sys.argv[1])]
sys.exit(Supervisor(specs, stop_timeout=1.5).run())
"""
# Note the pid under <dir>/<name>/, optionally leave a grandchild in the group, then sleep.
CHILD = """
import os, pathlib, subprocess, sys, time
folder = pathlib.Path(sys.argv[1]); folder.mkdir(exist_ok=True)
(folder / str(os.getpid())).touch()
if sys.argv[2] == "grandchild":
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
if sys.argv[2] == "stubborn":
    ignore = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
    subprocess.Popen([sys.executable, "-c", ignore])
if sys.argv[2] != "crash":
    time.sleep(600)
"""


def _child(tmp_path: Path, name: str, mode: str = "sleep") -> tuple[str, list[str]]:
    return name, [sys.executable, "-c", CHILD, str(tmp_path / name), mode]


def _start(tmp_path: Path, *children: tuple[str, list[str]]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", RUNNER, json.dumps(children)],
        stdout=(tmp_path / "supervisor.log").open("w"),
        stderr=subprocess.STDOUT,
    )


def _pids(tmp_path: Path, name: str) -> list[int]:
    folder = tmp_path / name
    return sorted(int(p.name) for p in folder.iterdir()) if folder.exists() else []


def _log(tmp_path: Path) -> str:
    return (tmp_path / "supervisor.log").read_text()


def test_next_delay_doubles_up_to_thirty_seconds():
    delays = [next_delay(None, lived=0.1)]
    for _ in range(7):
        delays.append(next_delay(delays[-1], lived=0.1))

    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    assert (FIRST_DELAY, MAX_DELAY) == (1, 30)


def test_next_delay_starts_over_after_a_child_lived_a_minute():
    assert next_delay(30, lived=RESET_AFTER) == FIRST_DELAY
    assert next_delay(30, lived=RESET_AFTER - 1) == MAX_DELAY


def test_child_names_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        Supervisor([ChildSpec("a", ["true"]), ChildSpec("a", ["false"])])


@pytest.mark.processes
def test_a_killed_child_is_restarted_and_the_other_keeps_running(tmp_path):
    supervisor = _start(tmp_path, _child(tmp_path, "a"), _child(tmp_path, "b"))
    try:
        [a] = wait_for(lambda: _pids(tmp_path, "a"), 10, "child a")
        [b] = wait_for(lambda: _pids(tmp_path, "b"), 10, "child b")

        os.kill(a, signal.SIGKILL)

        restarted = wait_for(lambda: len(_pids(tmp_path, "a")) == 2, 5, "a restarted")
        assert restarted
        new_a = next(pid for pid in _pids(tmp_path, "a") if pid != a)
        assert alive(new_a)
        assert alive(b)
        assert _pids(tmp_path, "b") == [b]
        assert f"a (pid {a}) exited with code -9" in _log(tmp_path)
        assert "restarting in 1 s" in _log(tmp_path)
    finally:
        stop(supervisor)


@pytest.mark.processes
def test_a_dead_childs_leftover_processes_are_swept_before_the_restart(tmp_path):
    supervisor = _start(tmp_path, _child(tmp_path, "a", "grandchild"))
    try:
        [a] = wait_for(lambda: _pids(tmp_path, "a"), 10, "child a")
        grandchild = wait_for(lambda: [p.pid for p in tree(a)], 5, "the grandchild")[0]

        os.kill(a, signal.SIGKILL)

        wait_for(lambda: not alive(grandchild), 5, "the orphaned grandchild to go")
        wait_for(lambda: len(_pids(tmp_path, "a")) == 2, 5, "a restarted")
    finally:
        stop(supervisor)


@pytest.mark.processes
def test_a_child_that_crashes_at_once_is_restarted_with_back_off(tmp_path):
    supervisor = _start(tmp_path, _child(tmp_path, "crasher", "crash"))
    try:
        # Delays 1, 2, 4 s: by the time the third exit is logged there were exactly 3 starts.
        wait_for(lambda: "restarting in 4 s" in _log(tmp_path), 10, "the third back-off")

        assert len(_pids(tmp_path, "crasher")) == 3
        log = _log(tmp_path)
        assert log.index("restarting in 1 s") < log.index("restarting in 2 s")
    finally:
        stop(supervisor)


@pytest.mark.processes
def test_sigterm_stops_every_process_of_the_tree(tmp_path):
    supervisor = _start(tmp_path, _child(tmp_path, "a", "grandchild"), _child(tmp_path, "b"))
    try:
        wait_for(lambda: len(tree(supervisor.pid)) == 3, 10, "two children and a grandchild")
        members = tree(supervisor.pid)

        supervisor.send_signal(signal.SIGTERM)

        assert supervisor.wait(timeout=10) == 0
        pids, groups = [p.pid for p in members], [p.pgid for p in members]
        assert survivors(pids, groups) == []
        assert "all children stopped" in _log(tmp_path)
    finally:
        stop(supervisor)


@pytest.mark.processes
def test_a_process_that_ignores_sigterm_is_killed_after_the_stop_timeout(tmp_path):
    supervisor = _start(tmp_path, _child(tmp_path, "a", "stubborn"))
    try:
        wait_for(lambda: len(tree(supervisor.pid)) == 2, 10, "a child and its grandchild")
        members = tree(supervisor.pid)

        supervisor.send_signal(signal.SIGTERM)

        assert supervisor.wait(timeout=10) == 0
        assert survivors([p.pid for p in members], [p.pgid for p in members]) == []
        assert "outlived SIGTERM, killing it" in _log(tmp_path)
    finally:
        stop(supervisor)


@pytest.mark.processes
def test_children_die_with_a_supervisor_killed_by_sigkill(tmp_path):
    supervisor = _start(tmp_path, _child(tmp_path, "a"), _child(tmp_path, "b"))
    try:
        wait_for(lambda: len(tree(supervisor.pid)) == 2, 10, "two children")
        children = [p.pid for p in tree(supervisor.pid)]

        supervisor.kill()
        supervisor.wait()

        wait_for(lambda: not any(alive(pid) for pid in children), 5, "children to die")
    finally:
        stop(supervisor)
