"""What an uploaded file is, decided from its bytes (SPEC §7), and what it may be called.

``inspect_content`` returns the accepted type or raises ``Refused`` with a reason a person can
read; nothing here trusts the name the browser sent. ``name_problem`` and ``name_clean`` judge
and tidy the name itself.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from PIL import Image

ACCEPTED_TEXT = "PDF, DOC, DOCX, JPG и PNG"


class Refused(Exception):
    """The file is not accepted; ``reason`` is the Russian text shown after its name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str  # the canonical one, without the dot
    label: str
    extensions: frozenset[str]  # the ones a name of this type may end with


PDF = FileType("application/pdf", "pdf", "PDF", frozenset({"pdf"}))
DOC = FileType("application/msword", "doc", "DOC", frozenset({"doc"}))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "DOCX",
    frozenset({"docx"}),
)
JPEG = FileType("image/jpeg", "jpg", "JPG", frozenset({"jpg", "jpeg"}))
PNG = FileType("image/png", "png", "PNG", frozenset({"png"}))
ACCEPTED = {t.mime: t for t in (PDF, DOC, DOCX, JPEG, PNG)}
KNOWN_EXTENSIONS = frozenset().union(*(t.extensions for t in ACCEPTED.values()))

# Limits of the structural checks: beyond them a file is refused rather than examined further.
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DOCX_MAX_RATIO = 100  # a Word part compresses some 5–20 times; a bomb, thousands of times
PDF_MAX_OBJECTS = 200_000
IMAGE_MAX_PIXELS = 50_000_000

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MIMES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-elf",
        "application/x-mach-binary",
        "application/x-sharedlib",
        "application/vnd.microsoft.portable-executable",
    }
)


def _not_accepted(what: str) -> Refused:
    return Refused(f"по содержимому это {what}; принимаются только {ACCEPTED_TEXT}")


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") or any(
        tag in text for tag in (b"<html", b"<script", b"<svg", b"<!doctype", b"<body", b"<?xml")
    )


def detect(data: bytes) -> FileType:
    """Return the accepted type of the bytes, or raise Refused saying what they are instead."""
    kind = filetype.guess(data)
    if kind is not None and kind.mime in ACCEPTED:
        return ACCEPTED[kind.mime]
    # filetype recognises a Word 97 file by the first bytes of its text stream; an OLE2 compound
    # file with a WordDocument stream elsewhere is a DOC too.
    if data.startswith(OLE2_MAGIC) and "WordDocument".encode("utf-16-le") in data:
        return DOC
    if kind is not None:
        if kind.mime in EXECUTABLE_MIMES or kind.extension in {"exe", "elf", "dll", "macho"}:
            raise Refused(f"это исполняемый файл (программа); принимаются только {ACCEPTED_TEXT}")
        return_label = kind.extension.upper()
        raise _not_accepted(f"файл {return_label}")
    if _looks_like_markup(data[:1024]):
        raise _not_accepted("веб-страница или разметка (HTML, SVG, XML)")
    raise Refused(f"формат файла не распознан; принимаются только {ACCEPTED_TEXT}")


def inspect_content(data: bytes) -> FileType:
    """Return the accepted type of a whole file after its structural check, or raise Refused."""
    if not data:
        raise Refused("файл пустой")
    kind = detect(data)
    {
        "pdf": _check_pdf,
        "doc": _check_doc,
        "docx": _check_docx,
        "jpg": _check_image,
        "png": _check_image,
    }[kind.extension](data)
    return kind


# ---- PDF -----------------------------------------------------------------------------------------

# Names whose presence anywhere in a PDF means active content: scripts, launching programs,
# files carried inside, multimedia players.
PDF_ACTIVE = {
    "/JavaScript": "встроенный сценарий (JavaScript)",
    "/JS": "встроенный сценарий (JavaScript)",
    "/Launch": "команду запуска программы",
    "/EmbeddedFile": "вложенные файлы",
    "/EmbeddedFiles": "вложенные файлы",
    "/RichMedia": "встроенное мультимедиа",
}
# The same names in the raw bytes, also written with #xx escapes (/J#61vaScript).
_PDF_RAW_NAME = re.compile(rb"/(?:[A-Za-z]|#[0-9A-Fa-f]{2})+")
_PDF_STREAM_START = re.compile(rb"stream\r?\n")


def _outside_streams(data: bytes) -> bytes:
    """Return the PDF's bytes with stream contents left out, in one pass (no backtracking: a
    file of nothing but «stream» keywords costs what its length costs)."""
    parts, pos = [], 0
    while (start := _PDF_STREAM_START.search(data, pos)) is not None:
        parts.append(data[pos : start.start()])
        end = data.find(b"endstream", start.end())
        if end < 0:
            return b" ".join(parts)
        pos = end + len(b"endstream")
    parts.append(data[pos:])
    return b" ".join(parts)


def _pdf_name(raw: bytes) -> str:
    return "/" + re.sub(
        rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw[1:]
    ).decode("latin-1")


def _pdf_active(name: str) -> Refused:
    return Refused(f"PDF содержит {PDF_ACTIVE[name]} — такие файлы не принимаются")


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    # A file cut short in transfer loses its tail: the end-of-file marker must be there.
    if b"%%EOF" not in data[-2048:]:
        raise Refused("файл PDF обрезан (нет конца файла) — загрузите его заново")
    # Stream contents are binary (an image, compressed text): names are looked for outside them.
    for match in _PDF_RAW_NAME.finditer(_outside_streams(data)):
        if (name := _pdf_name(match.group())) in PDF_ACTIVE:
            raise _pdf_active(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise Refused("PDF защищён паролем — загрузите файл без пароля")
            if len(reader.pages) < 1:
                raise Refused("в PDF нет ни одной страницы")
            # Walk every object reachable from the trailer: compressed object streams hide
            # names from the raw scan above.
            seen: set[tuple[int, int]] = set()
            stack: list[object] = [reader.trailer]
            visited = 0
            while stack:
                obj = stack.pop()
                visited += 1
                if visited > PDF_MAX_OBJECTS:
                    raise Refused("PDF слишком сложный для проверки")
                if isinstance(obj, IndirectObject):
                    ref = (obj.idnum, obj.generation)
                    if ref in seen:
                        continue
                    seen.add(ref)
                    obj = obj.get_object()
                if isinstance(obj, NameObject) and str(obj) in PDF_ACTIVE:
                    raise Refused(
                        f"PDF содержит {PDF_ACTIVE[str(obj)]} — такие файлы не принимаются"
                    )
                if isinstance(obj, DictionaryObject):
                    for key, value in obj.items():
                        if str(key) in PDF_ACTIVE:
                            raise Refused(
                                f"PDF содержит {PDF_ACTIVE[str(key)]} — такие файлы не принимаются"
                            )
                        stack.append(value)
                elif isinstance(obj, ArrayObject):
                    stack.extend(obj)
    except Refused:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file
        raise Refused("файл PDF повреждён и не читается") from exc


# ---- DOC (OLE2 compound file) --------------------------------------------------------------------


def _check_doc(data: bytes) -> None:
    if len(data) < 1536 or not data.startswith(OLE2_MAGIC):
        raise Refused("файл DOC повреждён или обрезан")
    _minor, major, byte_order, sector_shift = struct.unpack_from("<HHHH", data, 24)
    if byte_order != 0xFFFE or (major, sector_shift) not in {(3, 9), (4, 12)}:
        raise Refused("файл DOC повреждён: неверный заголовок")
    sector = 1 << sector_shift
    # The header is one sector; the rest is whole sectors, unless the file was cut off.
    if (len(data) - 512) % sector and len(data) % sector:
        raise Refused("файл DOC обрезан — загрузите его заново")
    if "WordDocument".encode("utf-16-le") not in data:
        raise Refused("это не документ Word (в файле нет текста документа)")
    for macro in ("Macros", "_VBA_PROJECT", "VBA"):
        if (macro + "\x00").encode("utf-16-le") in data:
            raise Refused("документ содержит макросы — такие файлы не принимаются")


# ---- DOCX (a zip of XML parts) -------------------------------------------------------------------


def _check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise Refused("файл DOCX повреждён или обрезан") from exc
    if len(entries) > DOCX_MAX_ENTRIES:
        raise Refused("в файле DOCX слишком много частей — похоже на архив-бомбу")
    total = 0
    names = set()
    for entry in entries:
        names.add(entry.filename)
        total += entry.file_size
        if entry.flag_bits & 0x1:
            raise Refused("файл DOCX зашифрован — загрузите файл без пароля")
        if entry.file_size > 1024 * 1024 and entry.file_size > DOCX_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise Refused("файл DOCX распаковывается в огромный объём — похоже на архив-бомбу")
    if total > DOCX_MAX_UNCOMPRESSED:
        raise Refused("файл DOCX распаковывается в огромный объём — похоже на архив-бомбу")
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise Refused("это не документ Word: в архиве нет текста документа")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise Refused("документ содержит макросы — такие файлы не принимаются")
    # The central directory was read; each part's local header must be there too (a file cut
    # short in transfer loses its directory first, but check that the document part is whole).
    try:
        with archive.open("word/document.xml") as part:
            head = part.read(64)
    # zipfile raises NotImplementedError for a compression method it cannot read: refused too.
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise Refused("файл DOCX повреждён или обрезан") from exc
    if not head.lstrip().startswith(b"<"):
        raise Refused("файл DOCX повреждён: текст документа не читается")


# ---- JPG and PNG ---------------------------------------------------------------------------------


def _check_image(data: bytes) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise Refused("изображение слишком большое по числу точек")
                image.verify()
            # verify() checks the structure; only decoding finds a cut-off tail.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except Refused:
        raise
    except Image.DecompressionBombWarning as exc:
        raise Refused("изображение слишком большое по числу точек") from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, …
        raise Refused("изображение повреждено или обрезано — загрузите его заново") from exc


# ---- names ---------------------------------------------------------------------------------------

NAME_MAX = 150
_DRIVE = re.compile(r"^[A-Za-z]:")


def name_problem(name: str) -> str:
    """Return why the name itself is refused (a path or a NUL in it), or ""."""
    if "\x00" in name:
        return "имя файла содержит недопустимый символ (NUL)"
    if "/" in name or "\\" in name or _DRIVE.match(name) or name.strip() in {".", ".."}:
        return "имя файла содержит путь к папке — укажите только имя файла"
    return ""


def name_shown(name: str) -> str:
    """Return the name as it may appear in a message: control characters made visible."""
    shown = "".join("�" if unicodedata.category(c) in {"Cc", "Cf"} else c for c in name)
    return shown[:NAME_MAX] or "без имени"


def name_clean(name: str, kind: FileType) -> str:
    """Return a safe stored name: no control or direction characters, bounded, the right ending.

    Cyrillic and other letters stay. A name that ends as another type gets this type's ending.
    """
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"})
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    name = name.replace('"', "'")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if ext.lower() in kind.extensions:
        ext = ext.lower()
    elif ext.lower() in KNOWN_EXTENSIONS or not ext:
        ext = kind.extension
    else:
        stem, ext = name, kind.extension
    stem = stem.strip() or "файл"
    stem = stem[: NAME_MAX - len(ext) - 1].rstrip()
    return f"{stem}.{ext}"
