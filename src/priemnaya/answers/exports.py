"""Exports of the applicant's own documents (SPEC §11): one appeal or the whole history as PDF,
and the evidence bundle (ZIP) for a complaint to a higher authority.

The documents show what the applicant reads in the cabinet — the public journal, the messages
not internal, the files not held back in an answer under review — whoever asks for them: staff
print the same document the applicant would get. Nothing is stored; each file is made on demand.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import storages
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.answers.models import Rendition
from priemnaya.answers.pdf import FAMILY, HousePdf
from priemnaya.answers.renditions import rendition_get
from priemnaya.appeals.lifecycle import Side
from priemnaya.appeals.models import Answer, Appeal, Event, Message
from priemnaya.appeals.permissions import side_of
from priemnaya.appeals.presenters import (
    Audience,
    EventDescription,
    due_date,
    event_describe,
    format_date,
    status_label,
)
from priemnaya.appeals.states import Status
from priemnaya.attachments.models import Attachment
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import ApplicationError, NotFound
from priemnaya.core.replicas import read_db

RENDITION_FORMATS = ("pdf", "json", "xml")
NOT_FOUND = "Обращение не найдено."


# ---- what the applicant may read ---------------------------------------------------------------


def _public_attachments() -> QuerySet[Attachment]:
    # Files of an answer still under the head's review, and of internal notes, are not the
    # applicant's yet (rule 14: attachments only to those entitled).
    return Attachment.objects.exclude(answer__isnull=True, answer_draft__isnull=False).exclude(
        message__is_internal=True
    )


def _prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "events",
            queryset=Event.objects.filter(is_public=True).select_related("actor"),
            to_attr="export_events",
        ),
        Prefetch(
            "messages",
            queryset=Message.objects.filter(is_internal=False),
            to_attr="export_messages",
        ),
        Prefetch("attachments", queryset=_public_attachments(), to_attr="export_attachments"),
        Prefetch("answers", queryset=Answer.objects.all(), to_attr="export_answers"),
    ]


@dataclass(frozen=True)
class AppealRecord:
    """One appeal with everything its export shows, read in a fixed number of queries."""

    appeal: Appeal
    timeline: list[EventDescription]
    messages: list[Message]
    attachments: list[Attachment]
    answers: list[Answer]  # newest first; superseded ones carry ``superseded_at``

    @property
    def current_answer(self) -> Answer | None:
        return next((a for a in self.answers if a.superseded_at is None), None)


def _record(appeal: Appeal) -> AppealRecord:
    return AppealRecord(
        appeal=appeal,
        timeline=[event_describe(e, audience=Audience.APPLICANT) for e in appeal.export_events],  # type: ignore[attr-defined]
        messages=list(appeal.export_messages),  # type: ignore[attr-defined]
        attachments=list(appeal.export_attachments),  # type: ignore[attr-defined]
        answers=list(appeal.export_answers),  # type: ignore[attr-defined]
    )


def _require_reach(appeal: Appeal, user: User, *, owner_only: bool = False) -> Side:
    side = side_of(user, appeal)
    wanted = (Side.APPLICANT,) if owner_only else (Side.APPLICANT, Side.STAFF)
    if side not in wanted or appeal.status == Status.DRAFT:
        raise NotFound(NOT_FOUND, field="number")
    return side  # type: ignore[return-value]


def appeal_record(appeal: Appeal, *, for_user: User, owner_only: bool = False) -> AppealRecord:
    """Return the appeal with its public journal, messages, files and answers; NotFound if the
    user may not see it (another citizen's, or out of the staff member's reach)."""
    _require_reach(appeal, for_user, owner_only=owner_only)
    fresh = (
        Appeal.objects.select_related("kind", "theme", "department", "applicant")
        .prefetch_related(*_prefetches())
        .get(pk=appeal.pk)
    )
    return _record(fresh)


def applicant_records(user: User) -> list[AppealRecord]:
    """Return every appeal the citizen sent, oldest first (drafts were never sent: left out)."""
    # A download of the history tolerates a replica's lag (core.replicas): it writes nothing.
    appeals = (
        Appeal.objects.using(read_db())
        .filter(applicant=user)
        .exclude(status=Status.DRAFT)
        .select_related("kind", "theme", "department")
        .prefetch_related(*_prefetches())
        .order_by("registered_at", "id")
    )
    return [_record(a) for a in appeals]


# ---- rendering ---------------------------------------------------------------------------------


def format_size(size: int) -> str:
    """Return a file size as people read it: «812 байт», «12,4 КБ», «3,1 МБ»."""
    if size < 1024:
        return f"{size} байт"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} КБ".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} МБ".replace(".", ",")


def _moment(value: datetime | None) -> str:
    if value is None:
        return "—"
    return f"{format_date(value)} {timezone.localtime(value):%H:%M}"


def _applicant_contacts(appeal: Appeal) -> str:
    parts = [appeal.contact_address, appeal.contact_phone, appeal.contact_email]
    return "; ".join(p for p in parts if p) or "—"


def answer_lines(answer: Answer) -> list[tuple[str, str]]:
    """Return the «label: value» lines of an issued answer (outcome, code, executor…)."""
    lines = [
        ("Дата ответа", format_date(answer.issued_at)),
        ("Результат", answer.get_outcome_display()),
        ("Код результата", str(answer.result_code)),
    ]
    if answer.legal_ground:
        lines.append(("Основание", answer.get_legal_ground_display()))
    executor = ", ".join(p for p in (answer.executor_name, answer.executor_position) if p)
    lines.append(("Исполнитель", executor))
    if answer.executor_phone:
        lines.append(("Телефон исполнителя", answer.executor_phone))
    if answer.forward_to:
        lines.append(("Направлено в", answer.forward_to))
    return lines


def _write_appeal(pdf: HousePdf, record: AppealRecord) -> None:
    appeal = record.appeal
    pdf.heading(f"Обращение № {appeal.display_number}")
    pdf.field("Тема", appeal.subject)
    pdf.field("Вид", appeal.kind.name)
    pdf.field("Тематика", appeal.theme.name)
    pdf.field("Ведомство", appeal.department.name)
    pdf.field("Статус", status_label(appeal.status, Audience.APPLICANT))
    pdf.field("Зарегистрировано", format_date(appeal.registered_at))
    pdf.field("Срок ответа", format_date(due_date(appeal)))
    pdf.field("Дата ответа", format_date(appeal.answered_at))
    pdf.field("Завершено", format_date(appeal.closed_at))
    pdf.field("Заявитель", appeal.applicant_name)
    pdf.field("Контакты", _applicant_contacts(appeal))
    pdf.heading("Текст обращения", 11)
    pdf.paragraph(appeal.text)
    if appeal.desired_result:
        pdf.heading("Желаемый результат", 11)
        pdf.paragraph(appeal.desired_result)

    pdf.heading("Ответ" if len(record.answers) <= 1 else "Ответы", 11)
    if not record.answers:
        pdf.paragraph("Ответ ещё не дан.")
    for answer in record.answers:
        if answer.superseded_at:
            pdf.paragraph(f"Заменён новым ответом {format_date(answer.superseded_at)}.")
        for label, value in answer_lines(answer):
            pdf.field(label, value)
        pdf.paragraph(answer.text)
        if answer.notice:
            pdf.paragraph(answer.notice)

    pdf.heading("Ход рассмотрения", 11)
    for event in record.timeline:
        pdf.field(_moment(event.created_at), event.title)
        for detail in [*event.details, *([event.text] if event.text else [])]:
            pdf.paragraph(f"    {detail}", 9)

    if record.messages:
        pdf.heading("Переписка", 11)
        for message in record.messages:
            pdf.field(f"{_moment(message.created_at)} {message.get_kind_display()}", message.text)

    pdf.heading("Файлы", 11)
    if not record.attachments:
        pdf.paragraph("Файлов нет.")
    for att in record.attachments:
        pdf.field(att.name, format_size(att.size), 9)
        pdf.paragraph(f"SHA-256: {att.sha256}", 8)


def _generated_note(pdf: HousePdf, at: datetime) -> None:
    pdf.paragraph(f"Сформировано {_moment(at)}.", 8)


def appeal_summary_pdf(appeal: Appeal, *, for_user: User, at: datetime | None = None) -> bytes:
    """Return the appeal as a PDF: its data, answer(s), public journal, messages and files.

    Staff in reach get the same document (to hand it over on paper); their export is audited.
    """
    record = appeal_record(appeal, for_user=for_user)
    content = summary_pdf_of(record, at=at)
    if side_of(for_user, appeal) is Side.STAFF:
        audit_record(
            action="appeal.exported",
            actor=for_user,
            target_type="appeal",
            target_id=appeal.pk,
            details={"format": "pdf"},
        )
    return content


def summary_pdf_of(record: AppealRecord, *, at: datetime | None = None) -> bytes:
    at = at or clock.now()
    number = record.appeal.display_number
    pdf = HousePdf(title=f"Обращение № {number}", subject="Сведения об обращении")
    _write_appeal(pdf, record)
    _generated_note(pdf, at)
    return pdf.render(created_at=at)


def applicant_history_pdf(user: User, *, at: datetime | None = None) -> bytes:
    """Return every appeal the citizen sent as one PDF: a list, then each appeal in full."""
    at = at or clock.now()
    records = applicant_records(user)
    pdf = HousePdf(title="История обращений", subject="Все обращения заявителя")
    pdf.heading("История обращений")
    pdf.field("Заявитель", user.full_name)
    pdf.field("Обращений", str(len(records)))
    if not records:
        pdf.paragraph("Обращений нет.")
    if records:
        pdf.set_font(FAMILY, "", 8)
        widths = (24, 22, 64, 24, 20, 20)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.2) as table:
            table.row(["№", "Зарегистрировано", "Тема", "Статус", "Срок", "Ответ"])
            for record in records:
                a = record.appeal
                answer = record.current_answer
                table.row(
                    [
                        a.display_number,
                        format_date(a.registered_at),
                        a.subject,
                        status_label(a.status, Audience.APPLICANT),
                        format_date(due_date(a)),
                        format_date(answer.issued_at) if answer else "—",
                    ]
                )
    for record in records:
        pdf.add_page()
        _write_appeal(pdf, record)
    _generated_note(pdf, at)
    return pdf.render(created_at=at)


# ---- downloads ---------------------------------------------------------------------------------


def attachment_disposition(name: str, fallback: str) -> str:
    """Return a Content-Disposition for a download named in Cyrillic (RFC 6266 / RFC 5987).

    ``filename`` carries a plain-ASCII fallback for old clients, ``filename*`` the real name
    percent-encoded in UTF-8; neither can carry a quote, a CR/LF or a path.
    """
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback).strip("._") or "download"
    real = quote(safe_name(name, plain), safe="")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{real}"


def summary_filename(appeal: Appeal) -> tuple[str, str]:
    return f"Обращение {appeal.display_number}.pdf", f"appeal-{appeal.display_number}.pdf"


def bundle_filename(appeal: Appeal) -> tuple[str, str]:
    return (
        f"Доказательства по обращению {appeal.display_number}.zip",
        f"evidence-{appeal.display_number}.zip",
    )


HISTORY_FILENAME = ("История обращений.pdf", "appeals-history.pdf")


# ---- the evidence bundle ----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_UNSAFE = re.compile(r"[/\\:*?\"<>|]+")


def safe_name(name: str, fallback: str = "file") -> str:
    """Return a file name safe inside a ZIP: no folders, control characters or leading dots."""
    name = unicodedata.normalize("NFC", name).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = _UNSAFE.sub("_", _CONTROL.sub("", name)).strip().lstrip(".").strip()
    return name[:180] or fallback


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
    taken.add(candidate.lower())
    return candidate


def _renditions(answer: Answer) -> list[Rendition]:
    found: list[Rendition] = []
    for fmt in RENDITION_FORMATS:
        try:
            rendition = rendition_get(answer, fmt)
        except (ApplicationError, LookupError):
            # A format that cannot be had is left out of the bundle, not a failed download.
            continue
        if rendition is not None:
            found.append(rendition)
    return found


@dataclass
class _Entry:
    path: str
    content: bytes
    what: str


README = """\
Пакет доказательств по обращению № {number}
Сформирован {generated} в сервисе «{service}» ({site}).

Что внутри
- {summary} — сведения об обращении: даты, текст, ход рассмотрения, переписка, ответ.
- files/ — файлы, приложенные к обращению, дополнениям и ответу, как они хранятся в сервисе.
- answer/ — ответ в форматах PDF, JSON и XML, подписанный электронной подписью сервиса,
  и рядом с каждым файлом его отсоединённая подпись (*.sig.json).
- MANIFEST.json и SHA256SUMS — список всех файлов пакета с их контрольными суммами SHA-256.

Как проверить подлинность ответа
1. Откройте страницу проверки {site}/verify/ , выберите файл ответа (например,
   answer/answer-1.pdf) и его подпись (answer/answer-1.pdf.sig.json) — страница скажет,
   подлинный ли документ, не изменён ли он, кто и когда его выдал.
2. Или программно: POST {site}/api/v1/verify с полями multipart «file» и «signature».
   Ответ: {{"authentic": true, "intact": true, "number": …, "issued_at": …, "issuer": …}}.

Как проверить целостность пакета
- В Linux и macOS: в папке пакета выполните  sha256sum -c SHA256SUMS
  (в macOS — shasum -a 256 -c SHA256SUMS). Все строки должны завершиться словом OK.
- В Windows: certutil -hashfile <файл> SHA256 и сравните с MANIFEST.json.
Контрольная сумма каждого приложенного файла совпадает с суммой, записанной сервисом
при загрузке (указана также в сведениях об обращении).
"""


def evidence_entries(appeal: Appeal, *, for_user: User, at: datetime | None = None) -> list[_Entry]:
    """Return the bundle's files (everything but the manifest and README), owner only."""
    at = at or clock.now()
    record = appeal_record(appeal, for_user=for_user, owner_only=True)
    number = record.appeal.number or ""
    taken: set[str] = set()
    summary = f"obrashchenie-{number}.pdf"
    taken.add(summary)
    entries = [_Entry(summary, summary_pdf_of(record, at=at), "Сведения об обращении")]
    store = storages["attachments"]
    for att in record.attachments:
        path = "files/" + _unique(safe_name(att.name), taken)
        try:
            with store.open(att.key, "rb") as fh:
                content = fh.read()
        except (FileNotFoundError, OSError):
            entries.append(
                _Entry(path + ".missing.txt", "Файл не найден в хранилище.\n".encode(), att.name)
            )
            continue
        entries.append(
            _Entry(path, content, f"Файл «{att.name}», загружен {format_date(att.uploaded_at)}")
        )
    for index, answer in enumerate(reversed(record.answers), start=1):
        for rendition in _renditions(answer):
            base = f"answer/answer-{index}.{rendition.format}"
            label = f"Ответ от {format_date(answer.issued_at)} ({rendition.format.upper()})"
            if answer.superseded_at:
                label += ", заменён"
            entries.append(_Entry(base, bytes(rendition.content), label))
            entries.append(
                _Entry(base + ".sig.json", rendition.signature.encode(), f"Подпись: {label}")
            )
    return entries


def _zip_time(appeal: Appeal) -> tuple[int, int, int, int, int, int]:
    # The same appeal in the same state gives the same entries: the time of its last change.
    moment = timezone.localtime(appeal.updated_at or appeal.created_at)
    if moment.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second // 2 * 2,
    )


def _write_zip(
    out: io.BufferedIOBase | io.BytesIO,
    entries: Iterable[_Entry],
    stamp: tuple[int, int, int, int, int, int],
) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for entry in entries:
            info = zipfile.ZipInfo(entry.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.flag_bits |= 0x800  # UTF-8 names (Cyrillic file names read right everywhere)
            zf.writestr(info, entry.content)


def evidence_bundle(appeal: Appeal, *, for_user: User, at: datetime | None = None) -> bytes:
    """Return the evidence bundle (ZIP): summary PDF, files, signed answers, manifest, README."""
    at = at or clock.now()
    entries = evidence_entries(appeal, for_user=for_user, at=at)
    manifest = {
        "appeal": appeal.display_number,
        "generated_at": at.isoformat(),
        "files": [
            {
                "path": e.path,
                "size": len(e.content),
                "sha256": hashlib.sha256(e.content).hexdigest(),
                "description": e.what,
            }
            for e in entries
        ],
    }
    sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in manifest["files"])  # type: ignore[index]
    readme = README.format(
        number=appeal.display_number,
        generated=_moment(at),
        service=settings.PRIEMNAYA_SERVICE_NAME,
        site=settings.PRIEMNAYA_SITE_URL.rstrip("/"),
        summary=entries[0].path,
    )
    tail = [
        _Entry("README.txt", readme.encode(), "Как проверить"),
        _Entry(
            "MANIFEST.json",
            json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
            "Список файлов",
        ),
        _Entry("SHA256SUMS", sums.encode(), "Контрольные суммы"),
    ]
    buffer = io.BytesIO()
    _write_zip(buffer, [*entries, *tail], _zip_time(appeal))
    return buffer.getvalue()
