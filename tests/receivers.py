"""Real receivers in their own processes, for the reliability tests and the benchmarks.

    python -m tests.receivers smtp --port P --maildir DIR     # aiosmtpd storing into a Maildir
    python -m tests.receivers webhook --port P --log FILE     # 200 to every POST, one line each

Each runs in a child process so it neither shares the GIL with the worker under test nor dies
with it. An SMTP server must store a message before it says 250, so the sink keeps every message
in a Maildir (aiosmtpd's own Mailbox handler): what is counted is what a real MTA would accept.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import mailbox
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class Sink:
    """A receiver process; ``stop()`` ends it."""

    kind: str
    port: int
    path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def start(cls, kind: str, folder: Path) -> Sink:
        port = free_port()
        path = folder / ("maildir" if kind == "smtp" else "webhooks.log")
        flag = "--maildir" if kind == "smtp" else "--log"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
        process = subprocess.Popen(  # noqa: S603 — our own module
            [sys.executable, "-m", "tests.receivers", kind, "--port", str(port), flag, str(path)],
            cwd=ROOT,
            env=env,
        )
        sink = cls(kind, port, path, process)
        _wait_port(port)
        return sink

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    # -- what arrived -------------------------------------------------------------------------

    def keys(self) -> Counter[str]:
        """Count arrivals per key: the Message-ID of an e-mail, the delivery id of a webhook."""
        if self.kind == "smtp":
            if not self.path.exists():
                return Counter()
            return Counter(str(m["Message-ID"]) for m in mailbox.Maildir(self.path, create=False))
        if not self.path.exists():
            return Counter()
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return Counter(json.loads(line)["delivery"] for line in lines if line)

    def count(self) -> int:
        if self.kind == "smtp":
            folder = self.path / "new"
            return len(os.listdir(folder)) if folder.exists() else 0
        if not self.path.exists():
            return 0
        with self.path.open("rb") as log:
            return sum(1 for _ in log)


def _serve_smtp(port: int, maildir: str) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def _serve_webhooks(port: int, log_path: str) -> None:
    """HTTP/1.1 with keep-alive on asyncio: 200 to every POST, one JSON line per request.

    Leaner than http.server (a thread per connection), so that in a benchmark the receiver takes
    little of the CPU the sender under test shares with it.
    """
    import asyncio

    log = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 — lives with us

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                event = json.loads(body or b"{}").get("id")
                record = {"delivery": headers.get("x-priemnaya-delivery"), "event": event}
                log.write(json.dumps(record) + "\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["smtp", "webhook"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir")
    parser.add_argument("--log")
    args = parser.parse_args()
    if args.kind == "smtp":
        _serve_smtp(args.port, args.maildir)
    else:
        _serve_webhooks(args.port, args.log)


if __name__ == "__main__":
    main()
