"""The scanner hook against a small clamd of our own: a real socket speaking zINSTREAM."""

from __future__ import annotations

import os
import socket
import struct
import tempfile
import threading

import pytest
from django.test import override_settings

from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.attachments.scanning import (
    ClamdScanner,
    NoScanner,
    ScannerUnavailable,
    scanner_get,
)
from priemnaya.attachments.services import UploadRefused, attachments_stage
from priemnaya.core.errors import ServiceUnavailable
from tests.attachments import samples
from tests.attachments.samples import upload


class FakeClamd:
    """Answers zINSTREAM as clamd does: FOUND for the EICAR string, OK otherwise."""

    def __init__(self, family: int = socket.AF_INET, path: str | None = None, broken=False):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if family == socket.AF_INET:
            self.sock.bind(("127.0.0.1", 0))
            self.address = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        else:
            self.sock.bind(path)
            self.address = path
        self.sock.listen()
        self.broken = broken
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exact(self, conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = conn.recv(size - len(data))
            if not part:
                raise ConnectionError("closed")
            data += part
        return data

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                command = self._read_exact(conn, len(b"zINSTREAM\0"))
                assert command == b"zINSTREAM\0"
                stream = b""
                while True:
                    (size,) = struct.unpack("!L", self._read_exact(conn, 4))
                    if size == 0:
                        break
                    stream += self._read_exact(conn, size)
                self.received.append(stream)
                if self.broken:
                    conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                elif samples.EICAR in stream:
                    conn.sendall(b"stream: Eicar-Test-Signature FOUND\0")
                else:
                    conn.sendall(b"stream: OK\0")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def clamd():
    server = FakeClamd()
    yield server
    server.close()


def test_the_clamd_client_reports_what_it_found(clamd):
    scanner = ClamdScanner(clamd.address)
    assert scanner.scan(b"harmless" * 50_000) is None  # several chunks
    assert scanner.scan(b"prefix " + samples.EICAR) == "Eicar-Test-Signature"
    assert clamd.received[0] == b"harmless" * 50_000


def test_the_clamd_client_speaks_over_a_unix_socket():
    path = os.path.join(tempfile.mkdtemp(), "clamd.sock")
    server = FakeClamd(socket.AF_UNIX, path)
    try:
        assert ClamdScanner(path).scan(samples.EICAR) == "Eicar-Test-Signature"
    finally:
        server.close()


def test_an_error_or_no_clamd_is_unavailable_not_clean():
    broken = FakeClamd(broken=True)
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(broken.address).scan(b"x")
    finally:
        broken.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(f"tcp://127.0.0.1:{port}", timeout=2).scan(b"x")


def test_settings_choose_the_scanner(clamd):
    with override_settings(PRIEMNAYA_CLAMAV="", PRIEMNAYA_ATTACHMENT_SCANNER=""):
        assert isinstance(scanner_get(), NoScanner)
    with override_settings(PRIEMNAYA_CLAMAV=clamd.address, PRIEMNAYA_ATTACHMENT_SCANNER=""):
        assert isinstance(scanner_get(), ClamdScanner)
    with override_settings(
        PRIEMNAYA_ATTACHMENT_SCANNER="tests.attachments.test_scanner.RefuseEverything"
    ):
        assert isinstance(scanner_get(), RefuseEverything)


class RefuseEverything:
    """A scanner plugged in by its dotted path."""

    def scan(self, data: bytes) -> str | None:
        return "Test.Everything"


def _eicar_docx() -> bytes:
    import io
    import zipfile

    # A real DOCX whose stored (uncompressed) part carries the EICAR string.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(samples.docx())) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_DEFLATED)
        target.writestr("word/media/eicar.txt", samples.EICAR, zipfile.ZIP_STORED)
    return buffer.getvalue()


def test_an_infected_upload_is_refused_with_its_name(citizen, clamd):
    with override_settings(PRIEMNAYA_CLAMAV=clamd.address, PRIEMNAYA_ATTACHMENT_SCANNER=""):
        with pytest.raises(UploadRefused) as caught:
            attachments_stage(
                uploads=[upload("чистый.png", samples.png()), upload("вирус.docx", _eicar_docx())],
                uploaded_by=citizen,
                purpose=Purpose.APPEAL,
            )
        [refusal] = caught.value.refusals
        assert refusal.name == "вирус.docx"
        assert "Eicar-Test-Signature" in refusal.reason
        assert not Attachment.objects.filter(uploaded_by=citizen).exists()
        [ok] = attachments_stage(
            uploads=[upload("чистый.png", samples.png())],
            uploaded_by=citizen,
            purpose=Purpose.APPEAL,
        )
        assert ok.pk


def test_uploads_wait_when_the_scanner_is_down(citizen):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        override_settings(PRIEMNAYA_CLAMAV=f"tcp://127.0.0.1:{port}"),
        pytest.raises(ServiceUnavailable) as caught,
    ):
        attachments_stage(
            uploads=[upload("a.png", samples.png())], uploaded_by=citizen, purpose=Purpose.APPEAL
        )
    assert caught.value.field == "files"
    assert not Attachment.objects.filter(uploaded_by=citizen).exists()
