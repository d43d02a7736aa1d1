"""The content checks of SPEC §7 and issue 10 «Bad input», on real bytes."""

from __future__ import annotations

import pytest

from priemnaya.attachments.checks import (
    DOC,
    DOCX,
    JPEG,
    PDF,
    PNG,
    Refused,
    inspect_content,
    name_clean,
    name_problem,
)
from tests.attachments import samples


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (samples.pdf(), PDF),
        (samples.docx(), DOCX),
        (samples.doc(), DOC),
        (samples.jpeg(), JPEG),
        (samples.png(), PNG),
    ],
    ids=["pdf", "docx", "doc", "jpg", "png"],
)
def test_accepted_types_are_told_by_their_content(data, kind):
    assert inspect_content(data) is kind


def _reason(data: bytes) -> str:
    with pytest.raises(Refused) as caught:
        inspect_content(data)
    return caught.value.reason


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "пустой"),
        (samples.EXE, "исполняемый файл"),
        (samples.ELF, "исполняемый файл"),
        (samples.HTML, "веб-страница"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", "разметка"),
        (b"just some plain text, not a document at all", "не распознан"),
        (samples.pdf_with_javascript(), "JavaScript"),
        (samples.pdf_with_escaped_javascript(), "JavaScript"),
        (samples.pdf_with_launch(), "запуска программы"),
        (samples.pdf_with_embedded_file(), "вложенные файлы"),
        (samples.pdf()[:-20], "обрезан"),
        (samples.pdf()[:2000] + b"\n%%EOF\n", "повреждён"),
        (samples.docx_bomb(), "архив-бомбу"),
        (samples.docx_many_entries(), "архив-бомбу"),
        (samples.docx()[:-200], "DOCX повреждён"),
        (samples.png()[:-30], "обрезано"),
        (samples.jpeg()[: len(samples.jpeg()) // 2], "обрезано"),
        (samples.doc()[:1500], "DOC"),
    ],
    ids=[
        "empty",
        "exe",
        "elf",
        "html",
        "svg",
        "text",
        "pdf-js",
        "pdf-js-escaped",
        "pdf-launch",
        "pdf-embedded",
        "pdf-truncated",
        "pdf-broken",
        "docx-bomb",
        "docx-entries",
        "docx-truncated",
        "png-truncated",
        "jpg-truncated",
        "doc-truncated",
    ],
)
def test_bad_content_is_refused_with_a_reason(data, expected):
    assert expected in _reason(data)


def test_a_zip_that_is_no_word_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/other.xml", "<x/>")
    assert "не документ Word" in _reason(buffer.getvalue())


@pytest.mark.parametrize(
    "name",
    ["../x.pdf", "..\\..\\boot.ini", "C:\\x.pdf", "C:x.pdf", "/etc/passwd", "a\x00.pdf", ".."],
)
def test_names_with_a_path_or_nul_are_refused(name):
    assert name_problem(name)


@pytest.mark.parametrize(
    ("raw", "kind", "clean"),
    [
        ("Заявление на льготу.pdf", PDF, "Заявление на льготу.pdf"),
        ("скан паспорта.JPEG", JPEG, "скан паспорта.jpeg"),
        ("фото.pdf", PNG, "фото.png"),  # the content decides the ending
        ("\u202eгпж.exe", PNG, "гпж.exe.png"),  # no direction override, no .exe ending
        ("отчёт\x07\t  2024.docx", DOCX, "отчёт 2024.docx"),
        (".bashrc", PDF, "bashrc.pdf"),
        ("", PDF, "файл.pdf"),
        ('кавычки"в"имени.pdf', PDF, "кавычки'в'имени.pdf"),
    ],
)
def test_names_are_sanitised_and_keep_cyrillic(raw, kind, clean):
    assert name_clean(raw, kind) == clean


def test_long_names_are_cut_keeping_the_ending():
    cleaned = name_clean("д" * 400 + ".pdf", PDF)
    assert len(cleaned) <= 150
    assert cleaned.endswith("дд.pdf")
