"""Is this file an answer we issued, unchanged? (issue 10, item 5; docs/signatures.md).

Two ways in: the file with its detached signature, or the file alone, which carries its
verification code (the PDF's keywords, the JSON's ``verification.code``, the XML's
``verificationCode``). *Authentic* means the service issued this document: the signature was made
by one of the service's keys and is one the service stored with a rendition (or, without a
signature, the code names a rendition of that format). *Intact* means the uploaded bytes are
exactly the signed ones.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from priemnaya.answers.models import Rendition, RenditionFormat
from priemnaya.answers.renditions import CODE_PATTERN, PDF_KEYWORD, code_normalize
from priemnaya.answers.signing import KeyError_, Signature, SigningKey, keys_load, verify
from priemnaya.appeals.models import Answer
from priemnaya.core.errors import ServiceUnavailable, ValidationFailed

MAX_FILE = 10 * 1024 * 1024
MAX_SIGNATURE = 16 * 1024

_PDF_CODE = re.compile(re.escape(PDF_KEYWORD).encode() + rb"(" + CODE_PATTERN.encode() + rb")")
_XML_CODE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?verificationCode>\s*(" + CODE_PATTERN.encode() + rb")\s*<"
)
_JSON_CODE = re.compile(rb'"code"\s*:\s*"(' + CODE_PATTERN.encode() + rb')"')


@dataclass
class Verdict:
    """What the verification found; ``reason`` (Russian) says why when not authentic or intact."""

    authentic: bool = False
    intact: bool = False
    format: str | None = None
    algorithm: str | None = None
    key_id: str | None = None
    reason: str = ""
    rendition: Rendition | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        """Why the file is not authentic or not intact, in one line ("" when all is well)."""
        return " ".join(part for part in (self.reason, *self.notes) if part)

    @property
    def answer(self) -> Answer | None:
        return self.rendition.answer if self.rendition else None


def sniff_format(data: bytes) -> str | None:
    """pdf, json or xml by the first bytes (after a BOM and whitespace), or None."""
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"%PDF-"):
        return RenditionFormat.PDF
    if head.startswith(b"{"):
        return RenditionFormat.JSON
    if head.startswith(b"<"):
        return RenditionFormat.XML
    return None


def code_in(data: bytes, fmt: str | None) -> str | None:
    """The verification code the file carries, or None."""
    if fmt == RenditionFormat.JSON:
        try:
            code = json.loads(data)["verification"]["code"]
            return code_normalize(code) if isinstance(code, str) else None
        except (ValueError, KeyError, TypeError):
            found = _JSON_CODE.search(data)
    elif fmt == RenditionFormat.PDF:
        found = _PDF_CODE.search(data)
    elif fmt == RenditionFormat.XML:
        found = _XML_CODE.search(data)
    else:
        found = None
    return found.group(1).decode() if found else None


def _check_file(data: bytes | None) -> bytes:
    if data is None:
        raise ValidationFailed.single("file", "Приложите файл ответа (PDF, JSON или XML).")
    if not data:
        raise ValidationFailed.single("file", "Файл пустой.")
    if len(data) > MAX_FILE:
        raise ValidationFailed.single("file", "Файл больше 10 МБ: это не ответ службы.")
    return data


def _parse_signature(raw: bytes) -> Signature:
    if not raw:
        raise ValidationFailed.single("signature", "Файл подписи пустой.")
    if len(raw) > MAX_SIGNATURE:
        raise ValidationFailed.single("signature", "Файл подписи слишком большой.")
    try:
        return Signature.from_json(raw)
    except KeyError_ as exc:
        raise ValidationFailed.single(
            "signature", "Файл подписи не разобран: ожидается .sig, выданный вместе с ответом."
        ) from exc


def _keys() -> list[SigningKey]:
    try:
        return keys_load()
    except KeyError_ as exc:
        raise ServiceUnavailable(f"Ключи проверки не загружены: {exc}") from exc


def _rendition_related():
    return Rendition.objects.select_related(
        "answer", "answer__appeal", "answer__appeal__department"
    )


def rendition_verify(data: bytes | None, signature: bytes | None = None) -> Verdict:
    """Check an uploaded rendition (and its detached signature, if given)."""
    data = _check_file(data)
    keys = _keys()
    fmt = sniff_format(data)
    digest = hashlib.sha256(data).hexdigest()
    if signature is not None:
        sig = _parse_signature(signature)
        verdict = Verdict(format=fmt, algorithm=sig.algorithm, key_id=sig.key_id)
        ours = {(k.key_id, k.algorithm) for k in keys}
        issued = _rendition_related().filter(signature=sig.as_json()).first()
        verdict.intact = verify(data, sig, keys)
        if (sig.key_id, sig.algorithm) not in ours:
            verdict.reason = "Подпись сделана не ключом службы."
        elif issued is None or not (
            # The same bytes as issued: the check just made over them answers this one too
            # (a GOST check costs half a second in pure Python).
            verdict.intact if digest == issued.sha256 else verify(bytes(issued.content), sig, keys)
        ):
            verdict.reason = "Служба не выдавала документ с такой подписью."
        else:
            verdict.authentic = True
            verdict.rendition = issued
            verdict.format = issued.format
        if not verdict.intact:
            verdict.notes.append("Файл изменён: подпись не сходится с его содержимым.")
        return verdict
    verdict = Verdict(format=fmt)
    if fmt is None:
        verdict.reason = "Это не PDF, JSON или XML, выданный службой."
        return verdict
    code = code_in(data, fmt)
    if code is None:
        verdict.reason = "В файле не найден код проверки: приложите файл подписи (.sig)."
        return verdict
    issued = _rendition_related().filter(code=code, format=fmt).first()
    if issued is None:
        verdict.reason = "Служба не выдавала документ с таким кодом проверки."
        return verdict
    stored = Signature.from_json(issued.signature)
    verdict.algorithm, verdict.key_id = stored.algorithm, stored.key_id
    verdict.rendition = issued
    verdict.authentic = verify(bytes(issued.content), stored, keys)
    if not verdict.authentic:
        verdict.reason = "Подпись службы под этим документом не проверяется ключами службы."
    # Equal digests mean equal bytes: the signature just checked over the issued ones holds.
    verdict.intact = digest == issued.sha256 and verdict.authentic
    if not verdict.intact:
        verdict.notes.append("Файл изменён: он не совпадает с выданным документом.")
    return verdict


def renditions_by_code(typed: str) -> list[Rendition]:
    """The renditions a verification code refers to (PDF, JSON, XML), or [] if none."""
    code = code_normalize(typed)
    if code is None:
        return []
    found = list(_rendition_related().filter(code=code).defer("content"))
    order = {fmt: i for i, fmt in enumerate(RenditionFormat.values)}
    return sorted(found, key=lambda r: order[r.format])


def issuer_of(answer: Answer) -> dict[str, str]:
    """Who issued the answer: the department and the executor (no applicant's data)."""
    return {
        "department": answer.appeal.department.name,
        "executor": answer.executor_name,
        "position": answer.executor_position,
    }


def verdict_out(verdict: Verdict) -> dict:
    """The API's answer: authentic, intact, which appeal, when and by whom (no personal data)."""
    answer = verdict.answer
    return {
        "authentic": verdict.authentic,
        "intact": verdict.intact,
        "number": answer.appeal.display_number if answer else None,
        "issued_at": answer.issued_at.isoformat() if answer else None,
        "issuer": issuer_of(answer) if answer else None,
        "algorithm": verdict.algorithm,
        "key_id": verdict.key_id,
        "format": verdict.format,
        "superseded": answer.superseded_at is not None if answer else None,
        "reason": verdict.explanation,
    }
