"""Keep named child processes running: restart the dead ones, leave no orphans behind.

Each child runs in its own session, so in its own process group: granian forks its workers, and
when the granian main process dies those workers keep the port open and serve on their own.
Signalling the whole group sweeps them. On Linux each child also gets PR_SET_PDEATHSIG, so even a
supervisor killed with SIGKILL takes its children (and, through granian's own shutdown, their
workers) with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger("priemnaya.supervisor")

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
# A child that lived this long counts as having been healthy: its next crash starts over.
RESET_AFTER = 60.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1
_TICK = 0.1


@dataclass(frozen=True)
class ChildSpec:
    """One process to keep running: a name for the logs and its command line."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None


def next_delay(previous: float | None, lived: float) -> float:
    """Return the wait before restarting a child that lived `lived` seconds.

    `previous` is the wait before its last restart (None if it never restarted).
    """
    if previous is None or lived >= RESET_AFTER:
        return FIRST_DELAY
    return min(previous * 2, MAX_DELAY)


@dataclass
class _Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    delay: float | None = None
    restart_at: float | None = None
    # Process groups of dead incarnations that may still hold processes (orphaned workers).
    stale_groups: list[int] = field(default_factory=list)


@functools.cache
def _libc() -> ctypes.CDLL:
    # Loaded in the parent: dlopen between fork and exec is not safe.
    return ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> Callable[[], None] | None:
    """Return a preexec_fn that makes Linux send SIGTERM to the child when we die."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = _libc().prctl
    parent = os.getpid()

    def preexec() -> None:
        # SIGTERM rather than SIGKILL: granian stops its own workers on SIGTERM, so the tree goes.
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            # The supervisor died between fork and prctl: no one would ever stop this child.
            os._exit(1)

    return preexec


def group_alive(pgid: int) -> bool:
    """Return whether any process (zombies included) is left in the process group."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class Supervisor:
    """Run the children until SIGTERM, SIGINT or SIGHUP; restart each that exits, with back-off."""

    def __init__(self, specs: Sequence[ChildSpec], *, stop_timeout: float = 10.0) -> None:
        names = [spec.name for spec in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"child names must be unique: {names}")
        self.children = [_Child(spec) for spec in specs]
        self.stop_timeout = stop_timeout
        self._stopping = False

    def run(self) -> int:
        """Supervise until a stop signal arrives; then stop every child's process group."""
        previous = {sig: signal.signal(sig, self._request_stop) for sig in STOP_SIGNALS}
        try:
            for child in self.children:
                self._start(child)
            while not self._stopping:
                self._reap()
                self._schedule_restarts()
                self._restart_due()
                time.sleep(_TICK)
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _request_stop(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def _start(self, child: _Child) -> None:
        child.process = subprocess.Popen(  # noqa: S603 - argv comes from our own wiring
            list(child.spec.argv),
            env=dict(child.spec.env) if child.spec.env is not None else None,
            start_new_session=True,
            preexec_fn=_die_with_parent(),
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        logger.info("supervisor: started %s (pid %s)", child.spec.name, child.process.pid)

    def _live(self) -> dict[int, subprocess.Popen[bytes]]:
        return {
            c.process.pid: c.process
            for c in self.children
            if c.process is not None and c.process.returncode is None
        }

    def _reap(self) -> None:
        """Collect every exited child; record the exit codes of ours.

        waitpid(-1) rather than Popen.poll(): as PID 1 of a container the supervisor inherits the
        orphans of its children (granian workers) and must reap them too, or they stay zombies.
        """
        live = self._live()
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in live:
                live[pid].returncode = os.waitstatus_to_exitcode(status)

    def _schedule_restarts(self) -> None:
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if process is None or process.returncode is None:
                continue
            lived = now - child.started_at
            child.delay = next_delay(child.delay, lived)
            child.restart_at = now + child.delay
            # The group id is the dead leader's pid (start_new_session); its workers may live on
            # and keep serving the port, so they go too.
            child.stale_groups.append(process.pid)
            _signal_group(process.pid, signal.SIGTERM)
            child.process = None
            logger.warning(
                "supervisor: %s (pid %s) exited with code %s after %.1f s; restarting in %.0f s",
                child.spec.name,
                process.pid,
                process.returncode,
                lived,
                child.delay,
            )

    def _restart_due(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is None or now < child.restart_at:
                continue
            # The previous incarnation's leftovers must be gone first, as they may hold the port;
            # wait for them tick by tick so the other children stay watched meanwhile.
            left = [g for g in child.stale_groups if group_alive(g)]
            if left and now < child.restart_at + self.stop_timeout:
                continue
            for group in left:
                logger.warning("supervisor: process group %s outlived SIGTERM, killing it", group)
                _signal_group(group, signal.SIGKILL)
            if left:
                continue
            child.stale_groups.clear()
            self._start(child)

    def _drain(self, groups: Sequence[int], *, deadline: float) -> None:
        """Wait for the groups to empty until the deadline, then SIGKILL what is left."""
        while any(group_alive(g) for g in groups) and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        for group in groups:
            if group_alive(group):
                logger.warning("supervisor: process group %s outlived SIGTERM, killing it", group)
                _signal_group(group, signal.SIGKILL)
        kill_deadline = time.monotonic() + 2
        while any(group_alive(g) for g in groups) and time.monotonic() < kill_deadline:
            self._reap()
            time.sleep(0.05)

    def _stop_all(self) -> None:
        logger.info("supervisor: stopping children")
        groups = [group for child in self.children for group in child.stale_groups]
        groups += [child.process.pid for child in self.children if child.process is not None]
        for group in groups:
            _signal_group(group, signal.SIGTERM)
        self._drain(groups, deadline=time.monotonic() + self.stop_timeout)
        self._reap()
        logger.info("supervisor: all children stopped")
