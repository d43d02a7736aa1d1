"""Look at real process trees from tests: /proc scanning, free ports, polling HTTP (Linux only).

psutil is not a dependency, so process relations come from /proc/<pid>/stat.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    pgid: int
    state: str
    cmdline: str


def _read(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    return Proc(pid, int(fields[1]), int(fields[2]), fields[0], cmdline.strip())


def processes() -> list[Proc]:
    """Return every live (not zombie) process."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (proc := _read(int(entry))) and proc.state != "Z":
            found.append(proc)
    return found


def tree(root: int) -> list[Proc]:
    """Return the live descendants of `root` (not root itself)."""
    procs = processes()
    children: dict[int, list[Proc]] = {}
    for proc in procs:
        children.setdefault(proc.ppid, []).append(proc)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def alive(pid: int) -> bool:
    proc = _read(pid)
    return proc is not None and proc.state != "Z"


def reaped(pid: int) -> bool:
    """Return whether the process is gone entirely, all its threads and open files with it.

    Not `not alive(pid)`: a multi-threaded process shows as a zombie as soon as its main thread
    exits, while the other threads may still hold its sockets.
    """
    return not Path(f"/proc/{pid}").exists()


def survivors(pids: Iterable[int], pgids: Iterable[int]) -> list[Proc]:
    """Return live processes among `pids` or in any of the process groups `pgids`."""
    pids, pgids = set(pids), set(pgids)
    return [p for p in processes() if p.pid in pids or p.pgid in pgids]


def wait_for(check: Callable[[], T], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll until `check` returns something truthy; return it, or fail saying `what`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    """Return whether nothing listens on the port (closed connections in TIME_WAIT are fine)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
        return True


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """Return the status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - test URLs
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def stop(process: subprocess.Popen, pgids: Iterable[int] = ()) -> None:
    """Clean up after a test that failed midway: stop the process, kill the groups it led."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pgid in set(pgids) - {os.getpgrp()}:  # never our own group: that would kill pytest
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
