"""The scanner hook (SPEC §7): a pluggable check that may reject a file as malicious.

``PRIEMNAYA_CLAMAV`` names a clamd to ask («tcp://host:port» or a unix socket path); empty means
no scanning. Another scanner plugs in through ``PRIEMNAYA_ATTACHMENT_SCANNER``, the dotted path of
a class or factory returning a ``Scanner``.
"""

from __future__ import annotations

import socket
import struct
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string


class ScannerUnavailable(Exception):
    """The scanner could not be asked; the file is not accepted unchecked."""


class Scanner(Protocol):
    def scan(self, data: bytes) -> str | None:
        """Return the name of what was found in the bytes, or None if they are clean."""
        ...


class NoScanner:
    """Accepts everything: used when no scanner is configured."""

    def scan(self, data: bytes) -> str | None:
        return None


class ClamdScanner:
    """Asks clamd through its zINSTREAM command (clamd.conf(5), «INSTREAM»)."""

    CHUNK = 64 * 1024

    def __init__(self, address: str, *, timeout: float = 30.0):
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("tcp://"):
            parts = urlsplit(self.address)
            if not parts.hostname or not parts.port:
                raise ScannerUnavailable(f"неверный адрес clamd: {self.address}")
            return socket.create_connection((parts.hostname, parts.port), timeout=self.timeout)
        path = self.address.removeprefix("unix://")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(path)
        return sock

    def scan(self, data: bytes) -> str | None:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.CHUNK):
                    chunk = data[start : start + self.CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as exc:
            raise ScannerUnavailable(str(exc)) from exc
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        # «stream: OK», «stream: Eicar-Signature FOUND», «… ERROR».
        verdict = text.partition(": ")[2] if ": " in text else text
        if verdict.endswith(" FOUND"):
            return verdict.removesuffix(" FOUND").strip() or "вредоносный код"
        if verdict == "OK":
            return None
        raise ScannerUnavailable(text or "clamd не ответил")


def scanner_get() -> Scanner:
    """Return the scanner the settings configure."""
    dotted = getattr(settings, "PRIEMNAYA_ATTACHMENT_SCANNER", "")
    if dotted:
        return import_string(dotted)()
    address = getattr(settings, "PRIEMNAYA_CLAMAV", "")
    return ClamdScanner(address) if address else NoScanner()
