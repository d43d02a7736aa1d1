"""Real bytes of accepted and hostile files for the attachment tests (and the pages' tests)."""

from __future__ import annotations

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

# The EICAR anti-virus test string (https://www.eicar.org/download-anti-malware-testfile/).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def png(width: int = 64, height: int = 48, color=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def noisy_png(width: int = 200, height: int = 200) -> bytes:
    """A PNG that does not compress: about width × height × 3 bytes."""
    import random

    pixels = random.Random(width * height).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def pdf(text: str = "Справка") -> bytes:
    from priemnaya.answers.pdf import HousePdf

    doc = HousePdf(title=text, subject=text, keywords="тест")
    doc.heading(text)
    doc.paragraph("Документ для проверки вложений.")
    return doc.render()


def _writer_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_javascript() -> bytes:
    """A one-page PDF that runs a script when opened (/OpenAction → /JavaScript)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('привет');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _writer_bytes(writer)


def pdf_with_escaped_javascript() -> bytes:
    """A hand-written PDF whose script action spells its names with #xx escapes."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def pdf_with_launch() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _writer_bytes(writer)


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    return _writer_bytes(writer)


def docx(text: str = "Заявление") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_bomb(megabytes: int = 200) -> bytes:
    """A DOCX-shaped zip with one part that inflates to ``megabytes`` of zeros (~0.2 MB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        chunk = b"\0" * (1024 * 1024)
        with archive.open("word/media/bomb.bin", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return buffer.getvalue()


def docx_many_entries(count: int = 3000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(count):
            archive.writestr(f"word/p{n}.xml", "<x/>")
    return buffer.getvalue()


def doc() -> bytes:
    """A minimal Word 97 compound file: the OLE2 header, the FIB's magic, a WordDocument entry."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    body = bytearray(512 * 3)
    body[0:4] = b"\xec\xa5\xc1\x00"  # wIdent of the Word File Information Block
    entry = "WordDocument".encode("utf-16-le")
    body[1024 : 1024 + len(entry)] = entry
    return bytes(header + body)


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 48
    + b"PE\x00\x00"
    + b"\x00" * 400
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    """An uploaded file as a form delivers it; the name is kept as given (paths included)."""
    file = SimpleUploadedFile("x", data, content_type=content_type)
    # UploadedFile strips directories from its name; a service must cope with a raw one too.
    file._name = name
    return file
