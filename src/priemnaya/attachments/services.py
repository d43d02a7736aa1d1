"""Uploading, binding, removing and serving attachments (SPEC §7).

A file is checked and stored first («staged», bound to nothing, owned by its uploader), then
bound to an appeal, a message or an answer when the form that carried it is submitted. Every
check refuses with the file's name and a reason; a batch is accepted whole or not at all.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.attachments.checks import (
    Refused,
    inspect_content,
    name_clean,
    name_problem,
    name_shown,
)
from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.attachments.scanning import ScannerUnavailable, scanner_get
from priemnaya.core import clock
from priemnaya.core.errors import NotFound, ServiceUnavailable, ValidationFailed

MB = 1024 * 1024
# Files that count towards an appeal's limits: the applicant's own documents.
APPLICANT_PURPOSES = (Purpose.APPEAL, Purpose.ADDITION)


@dataclass(frozen=True)
class Refusal:
    name: str
    reason: str

    def __str__(self) -> str:
        return f"«{self.name}»: {self.reason}"


class UploadRefused(ValidationFailed):
    """One or more files were refused; ``refusals`` names each with its reason."""

    def __init__(self, refusals: Sequence[Refusal], *, field: str = "files"):
        self.refusals = list(refusals)
        super().__init__({field: [str(r) for r in self.refusals]})


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    appeal_bytes: int
    appeal_count: int
    chat_count: int
    staged_bytes: int


def limits() -> Limits:
    """Return the limits in force (settings, with SPEC §7 defaults)."""
    return Limits(
        file_bytes=getattr(settings, "PRIEMNAYA_ATTACHMENT_MAX_BYTES", 5 * MB),
        appeal_bytes=getattr(settings, "PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_BYTES", 10 * MB),
        appeal_count=getattr(settings, "PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_COUNT", 10),
        chat_count=getattr(settings, "PRIEMNAYA_CHAT_ATTACHMENTS_MAX_COUNT", 3),
        staged_bytes=getattr(settings, "PRIEMNAYA_STAGED_ATTACHMENTS_MAX_BYTES", 30 * MB),
    )


def size_text(size: int) -> str:
    """Return a size as people read it: «5 МБ», «1,5 МБ», «300 КБ»."""
    if size >= MB:
        return f"{size / MB:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " МБ"
    if size >= 1024:
        return f"{size // 1024} КБ"
    return f"{size} Б"


def storage() -> Storage:
    return storages["attachments"]


# ---- limits of a group of files ------------------------------------------------------------------


@dataclass
class _Item:
    name: str  # as shown in a refusal
    size: int


def _group_refusals(
    items: Sequence[_Item],
    *,
    purpose: str,
    existing_count: int,
    existing_bytes: int,
    lim: Limits,
) -> list[Refusal]:
    """Refuse the files of a group beyond its count or total size, in the order given."""
    if purpose == Purpose.CHAT:
        max_count, max_bytes = lim.chat_count, None
        where = "к одному сообщению"
    elif purpose == Purpose.ANSWER:
        max_count, max_bytes = lim.appeal_count, lim.appeal_bytes
        where = "к одному ответу"
    else:
        max_count, max_bytes = lim.appeal_count, lim.appeal_bytes
        where = "к одному обращению"
    refusals = []
    count, total = existing_count, existing_bytes
    for item in items:
        if count + 1 > max_count:
            refusals.append(
                Refusal(item.name, f"слишком много файлов: не больше {max_count} {where}")
            )
            continue
        if max_bytes is not None and total + item.size > max_bytes:
            refusals.append(
                Refusal(
                    item.name,
                    f"вместе с другими файлами больше {size_text(max_bytes)} {where}",
                )
            )
            continue
        count, total = count + 1, total + item.size
    return refusals


def _appeal_pool(appeal_id: int) -> tuple[int, int]:
    """Return how many of the applicant's documents the appeal carries and their total size."""
    sizes = list(
        Attachment.objects.filter(appeal_id=appeal_id, purpose__in=APPLICANT_PURPOSES).values_list(
            "size", flat=True
        )
    )
    return len(sizes), sum(sizes)


# ---- staging -------------------------------------------------------------------------------------


def _read(upload: UploadedFile, limit: int) -> bytes | None:
    """Return the upload's bytes, or None as soon as they exceed the limit."""
    if upload.size is not None and upload.size > limit:
        return None
    parts, total = [], 0
    upload.seek(0)
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


@dataclass
class _Checked:
    name: str  # as stored
    shown: str  # as the person picked it, for a refusal
    data: bytes
    content_type: str


def attachments_stage(
    *,
    uploads: Sequence[UploadedFile],
    uploaded_by: User | None,
    purpose: str,
    appeal_id: int | None = None,
) -> list[Attachment]:
    """Check and store uploaded files, bound to nothing yet; all are stored or none.

    Refuses with UploadRefused naming every refused file and its reason. With ``appeal_id`` the
    appeal's documents already there count towards its limits.
    """
    if purpose not in Purpose.values:
        raise ValueError(f"unknown attachment purpose {purpose!r}")
    if not uploads:
        raise ValidationFailed.single("files", "Выберите хотя бы один файл.")
    lim = limits()
    refusals: list[Refusal] = []
    checked: list[_Checked] = []
    scanner = scanner_get()
    for upload in uploads:
        raw_name = upload.name or ""
        shown = name_shown(raw_name)
        if problem := name_problem(raw_name):
            refusals.append(Refusal(shown, problem))
            continue
        data = _read(upload, lim.file_bytes)
        if data is None:
            refusals.append(
                Refusal(shown, f"файл больше {size_text(lim.file_bytes)} — уменьшите его")
            )
            continue
        try:
            kind = inspect_content(data)
            found = scanner.scan(data)
        except Refused as exc:
            refusals.append(Refusal(shown, exc.reason))
            continue
        except ScannerUnavailable as exc:
            raise ServiceUnavailable(
                "Проверка файлов на вирусы сейчас недоступна; попробуйте позже.", field="files"
            ) from exc
        if found:
            refusals.append(Refusal(shown, f"обнаружена угроза ({found}) — файл не принят"))
            continue
        checked.append(_Checked(name_clean(raw_name, kind), shown, data, kind.mime))
    if appeal_id is not None and purpose in APPLICANT_PURPOSES:
        existing_count, existing_bytes = _appeal_pool(appeal_id)
    else:
        existing_count = existing_bytes = 0
    refusals += _group_refusals(
        [_Item(c.shown, len(c.data)) for c in checked],
        purpose=purpose,
        existing_count=existing_count,
        existing_bytes=existing_bytes,
        lim=lim,
    )
    if uploaded_by is not None and not refusals:
        staged = sum(
            Attachment.objects.filter(
                uploaded_by=uploaded_by, appeal__isnull=True, answer_draft__isnull=True
            )
            .exclude(purpose=Purpose.CHAT)
            .values_list("size", flat=True)
        )
        if staged + sum(len(c.data) for c in checked) > lim.staged_bytes:
            refusals += [
                Refusal(
                    c.shown,
                    "у вас много загруженных, но не отправленных файлов — отправьте форму "
                    "или удалите лишние",
                )
                for c in checked
            ]
    if refusals:
        raise UploadRefused(refusals)
    return _store(checked, uploaded_by=uploaded_by, purpose=purpose)


def _store(
    checked: Sequence[_Checked], *, uploaded_by: User | None, purpose: str
) -> list[Attachment]:
    store = storage()
    saved: list[str] = []
    try:
        with transaction.atomic():
            rows = []
            for item in checked:
                key = store.save(secrets.token_hex(20), ContentFile(item.data))
                saved.append(key)
                rows.append(
                    Attachment.objects.create(
                        key=key,
                        name=item.name,
                        content_type=item.content_type,
                        size=len(item.data),
                        sha256=hashlib.sha256(item.data).hexdigest(),
                        purpose=purpose,
                        uploaded_by=uploaded_by,
                        uploaded_at=clock.now(),
                    )
                )
    except BaseException:
        for key in saved:
            store.delete(key)
        raise
    return rows


# ---- binding -------------------------------------------------------------------------------------

NOT_YOURS = "Файл № {id} не найден среди ваших загруженных файлов."
ALREADY_BOUND = "Файл «{name}» уже приложен."


def attachments_bindable(
    *,
    ids: Sequence[int],
    actor: User | None,
    appeal_id: int | None = None,
    for_answer: bool = False,
    message_id: int | None = None,
    answer_id: int | None = None,
    answer_draft_id: int | None = None,
    lock: bool = False,
) -> list[Attachment]:
    """Return the actor's staged files named by ``ids`` if they may be bound, else refuse.

    The checks of ``attachments_bind`` without binding: a form checks its files before it
    creates what they will be bound to (a new appeal counts nothing already there).
    """
    unique = list(dict.fromkeys(ids))
    if not unique:
        return []
    problems: list[str] = []
    owner = actor.pk if actor is not None else None
    query = Attachment.objects.filter(pk__in=unique)
    if lock:
        query = query.select_for_update(of=("self",))
    found = {a.pk: a for a in query}
    rows: list[Attachment] = []
    for pk in unique:
        a = found.get(pk)
        if a is None or a.uploaded_by_id != owner:
            problems.append(NOT_YOURS.format(id=pk))
        elif a.appeal_id is not None or a.answer_draft_id is not None:
            problems.append(ALREADY_BOUND.format(name=a.name))
        elif (a.purpose == Purpose.ANSWER) != for_answer:
            problems.append(_purpose_mismatch(a, for_answer=for_answer))
        else:
            rows.append(a)
    if problems:
        raise ValidationFailed({"attachments": problems})
    refusals = _bind_refusals(
        rows,
        appeal_id=appeal_id,
        message_id=message_id,
        answer_id=answer_id,
        answer_draft_id=answer_draft_id,
    )
    if refusals:
        raise UploadRefused(refusals, field="attachments")
    return rows


def attachments_bind(
    *,
    ids: Sequence[int],
    actor: User | None,
    appeal_id: int,
    message_id: int | None = None,
    answer_id: int | None = None,
    answer_draft_id: int | None = None,
    purpose: str | None = None,
) -> list[Attachment]:
    """Bind the actor's staged files to an appeal (and a message or an answer), limits rechecked.

    Runs in the caller's transaction; refuses (field ``attachments``) ids that are not the
    actor's staged files and files beyond the appeal's limits, binding none of them. ``purpose``
    (appeal or addition) says how the applicant's documents came, whatever the upload said.
    """
    if not ids:
        return []
    with transaction.atomic():
        rows = attachments_bindable(
            ids=ids,
            actor=actor,
            appeal_id=appeal_id,
            for_answer=answer_id is not None or answer_draft_id is not None,
            message_id=message_id,
            answer_id=answer_id,
            answer_draft_id=answer_draft_id,
            lock=True,
        )
        if not rows:
            return []
        Attachment.objects.filter(pk__in=[a.pk for a in rows]).update(
            appeal_id=appeal_id,
            message_id=message_id,
            answer_id=answer_id,
            answer_draft_id=answer_draft_id,
        )
        if purpose in APPLICANT_PURPOSES:
            Attachment.objects.filter(
                pk__in=[a.pk for a in rows], purpose__in=APPLICANT_PURPOSES
            ).update(purpose=purpose)
        for a in rows:
            a.appeal_id, a.message_id = appeal_id, message_id
            a.answer_id, a.answer_draft_id = answer_id, answer_draft_id
            if purpose in APPLICANT_PURPOSES and a.purpose in APPLICANT_PURPOSES:
                a.purpose = purpose
    return rows


def _purpose_mismatch(a: Attachment, *, for_answer: bool) -> str:
    if for_answer:
        return f"Файл «{a.name}» загружен не для ответа."
    return f"Файл «{a.name}» загружен для ответа, а не для обращения."


def _bind_refusals(
    rows: Sequence[Attachment],
    *,
    appeal_id: int | None,
    message_id: int | None,
    answer_id: int | None,
    answer_draft_id: int | None,
) -> list[Refusal]:
    lim = limits()
    refusals: list[Refusal] = []
    by_purpose: dict[str, list[Attachment]] = {}
    for a in rows:
        by_purpose.setdefault(
            Purpose.APPEAL if a.purpose in APPLICANT_PURPOSES else a.purpose, []
        ).append(a)
    for purpose, group in by_purpose.items():
        existing = Attachment.objects.none()
        if purpose == Purpose.APPEAL and appeal_id is not None:
            existing = Attachment.objects.filter(
                appeal_id=appeal_id, purpose__in=APPLICANT_PURPOSES
            )
        elif purpose == Purpose.ANSWER and answer_id is not None:
            existing = Attachment.objects.filter(answer_id=answer_id)
        elif purpose == Purpose.ANSWER and answer_draft_id is not None:
            existing = Attachment.objects.filter(answer_draft_id=answer_draft_id)
        elif purpose == Purpose.CHAT and message_id is not None:
            existing = Attachment.objects.filter(message_id=message_id)
        sizes = list(existing.values_list("size", flat=True))
        refusals += _group_refusals(
            [_Item(a.name, a.size) for a in group],
            purpose=purpose,
            existing_count=len(sizes),
            existing_bytes=sum(sizes),
            lim=lim,
        )
    return refusals


def attachments_move_to_answer(*, answer_draft_id: int, answer_id: int) -> int:
    """Carry the files of an approved answer draft over to the answer issued from it."""
    return Attachment.objects.filter(answer_draft_id=answer_draft_id).update(answer_id=answer_id)


# ---- removing, reading, sweeping -----------------------------------------------------------------


def attachment_discard(*, attachment_id: int, actor: User) -> None:
    """Remove one's own staged file before the form is submitted; bound files stay."""
    with transaction.atomic():
        a = (
            Attachment.objects.select_for_update(of=("self",))
            .filter(pk=attachment_id, uploaded_by=actor)
            .first()
        )
        if a is None:
            raise NotFound("Файл не найден.", field="attachment")
        if a.appeal_id is not None or a.answer_draft_id is not None or a.purpose == Purpose.CHAT:
            raise ValidationFailed.single(
                "attachment", f"Файл «{a.name}» уже отправлен — удалить его нельзя."
            )
        key = a.key
        a.delete()
        transaction.on_commit(lambda: storage().delete(key))


def attachments_forget(attachments: Sequence[Attachment]) -> None:
    """Remove staged files at once, content included: a one-step upload that failed after
    storing them (nobody would ever bind them)."""
    store = storage()
    for a in attachments:
        Attachment.objects.filter(pk=a.pk, appeal__isnull=True, answer_draft__isnull=True).delete()
        store.delete(a.key)


def attachment_open(attachment: Attachment) -> File:
    """Return the stored content of the file, opened for reading (the caller closes it)."""
    return storage().open(attachment.key, "rb")


def staged_sweep(older_than: timedelta) -> int:
    """Delete staged files nobody bound within ``older_than``; return how many went."""
    cutoff = clock.now() - older_than
    store = storage()
    removed = 0
    # Chat files are never staged for long: the chat binds them to its message at once.
    stale = (
        Attachment.objects.filter(
            appeal__isnull=True, answer_draft__isnull=True, uploaded_at__lt=cutoff
        )
        .exclude(purpose=Purpose.CHAT)
        .values_list("pk", "key")
    )
    for pk, key in list(stale):
        # Re-checked in the delete itself: a file bound meanwhile stays.
        deleted, _ = Attachment.objects.filter(
            pk=pk, appeal__isnull=True, answer_draft__isnull=True
        ).delete()
        if deleted:
            store.delete(key)
            removed += 1
    return removed


# ---- downloads -----------------------------------------------------------------------------------

_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "_",
    "ы": "y",
    "ь": "_",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}


def _ascii_name(name: str) -> str:
    """Return an ASCII stand-in for a name: Cyrillic transliterated, anything odd as «_»."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", ext):
        stem, ext = name, ""
    out = []
    for c in stem:
        low = c.lower()
        if low in _TRANSLIT:
            t = _TRANSLIT[low].strip("_")
            out.append(t.capitalize() if c != low else t)
        else:
            out.append(c)
    text = unicodedata.normalize("NFKD", "".join(out)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9.()\- ]+", "_", text).strip(" ._")[:140] or "file"
    return f"{text}.{ext}" if ext else text


def content_disposition(name: str, *, inline: bool = False) -> str:
    """Return a safe Content-Disposition value: an ASCII name and the original (RFC 6266/5987)."""
    clean = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"})
    clean = clean.replace("/", "_").replace("\\", "_").strip() or "file"
    kind = "inline" if inline else "attachment"
    fallback = _ascii_name(clean).replace('"', "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(clean, safe='')}"
