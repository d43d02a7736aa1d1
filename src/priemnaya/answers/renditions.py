"""An issued answer as PDF, JSON and XML, each signed and stored byte for byte (issue 10, SPEC §10).

A rendition is made once — by the outbox consumer when the answer is issued, or at the first
download — and then always served from the database, so a download returns exactly the signed
bytes. The three renditions of one answer carry the same verification code. Every rendition is a
function of the stored answer and its code only (the PDF's dates are pinned to ``issued_at``), so
it can be reproduced; the JSON is validated against ``schemas/answer.schema.json`` and the XML
against ``schemas/answer.xsd`` before it is stored.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import xmlschema
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from priemnaya.answers.models import Rendition, RenditionFormat
from priemnaya.answers.pdf import FAMILY, HousePdf
from priemnaya.answers.signing import KeyError_, SigningKey, sign, signing_key
from priemnaya.appeals.models import Answer
from priemnaya.appeals.presenters import format_date
from priemnaya.core.errors import ServiceUnavailable, ValidationFailed

SCHEMAS = Path(__file__).resolve().parent / "schemas"
JSON_SCHEMA = SCHEMAS / "answer.schema.json"
XSD = SCHEMAS / "answer.xsd"
XML_NAMESPACE = "urn:priemnaya:answer:1"
SCHEMA_ID = "urn:priemnaya:answer:1"
FORMATS = (RenditionFormat.PDF, RenditionFormat.JSON, RenditionFormat.XML)
CONTENT_TYPES = {
    RenditionFormat.PDF: "application/pdf",
    RenditionFormat.JSON: "application/json",
    RenditionFormat.XML: "application/xml",
}
# Verification codes: 12 characters from an alphabet without look-alikes (0/O, 1/I/L), ~59 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LEN = 3, 4
CODE_PATTERN = r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}"
PDF_KEYWORD = "verification-code:"
NO_KEY = (
    "Подписание ответов недоступно: на сервере не настроен ключ подписи "
    "(`priemnaya keys generate` или PRIEMNAYA_SIGNING_KEY)."
)


class SigningUnavailable(ServiceUnavailable):
    """No key to sign with: the operator must configure one (a 503, never a 500)."""

    code = "signing_unavailable"


def code_new() -> str:
    """A fresh random verification code, ``XXXX-XXXX-XXXX``."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LEN))
    return "-".join(chars[i : i + CODE_GROUP_LEN] for i in range(0, len(chars), CODE_GROUP_LEN))


def code_normalize(typed: str) -> str | None:
    """The code as stored from what a person typed (any case, spaces or dashes), or None."""
    chars = "".join(c for c in typed.upper() if c.isalnum())
    # Look-alikes a person may type for the letters and digits the alphabet leaves out.
    chars = chars.translate(str.maketrans("OIL", "011"))
    if len(chars) != CODE_GROUPS * CODE_GROUP_LEN or any(c not in CODE_ALPHABET for c in chars):
        return None
    return "-".join(chars[i : i + CODE_GROUP_LEN] for i in range(0, len(chars), CODE_GROUP_LEN))


def verify_url(code: str) -> str:
    return f"{settings.PRIEMNAYA_SITE_URL.rstrip('/')}/verify/?code={code}"


def download_name(answer: Answer, fmt: str, *, signature: bool = False) -> str:
    """``otvet-26-0001234-9.pdf`` (``….pdf.sig`` for the signature): ASCII, no path."""
    number = answer.appeal.display_number or f"id{answer.appeal_id}"
    return f"otvet-{number}.{fmt}" + (".sig" if signature else "")


def _instant(value: datetime | None) -> str | None:
    """An instant in UTC to the second: the same text whether the answer came from memory or DB."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _local(value: datetime | None) -> str:
    if value is None:
        return "—"
    return f"{format_date(value)} {timezone.localtime(value):%H:%M}"


def answer_record(answer: Answer, code: str) -> dict[str, Any]:
    """Everything a rendition says, as one JSON-able record (the JSON rendition itself)."""
    appeal = answer.appeal
    files = [
        {"name": f.name, "size": f.size, "sha256": f.sha256}
        for f in answer.attachments.order_by("uploaded_at", "id")
    ]
    return {
        "schema": SCHEMA_ID,
        "service": {"name": settings.PRIEMNAYA_SERVICE_NAME, "site": settings.PRIEMNAYA_SITE_URL},
        "appeal": {
            "number": appeal.display_number,
            "registered_at": _instant(appeal.registered_at),
            "kind": {"code": appeal.kind.code, "name": appeal.kind.name},
            "theme": {"code": appeal.theme.code, "name": appeal.theme.name},
            "subject": appeal.subject,
            "applicant_name": appeal.applicant_name,
        },
        "answer": {
            "id": answer.pk,
            "outcome": answer.outcome,
            "outcome_label": answer.get_outcome_display(),
            "result_code": answer.result_code,
            "legal_ground": answer.legal_ground or None,
            "legal_ground_label": answer.get_legal_ground_display()
            if answer.legal_ground
            else None,
            "notice": answer.notice or None,
            "forward_to": answer.forward_to or None,
            "text": answer.text,
            "files": files,
            "executor": {
                "name": answer.executor_name,
                "position": answer.executor_position or None,
                "work_phone": answer.executor_phone or None,
            },
            "department": {"code": appeal.department.code, "name": appeal.department.name},
            "issued_at": _instant(answer.issued_at),
            "reply_channel": answer.reply_channel or None,
            "reply_channel_label": (
                answer.get_reply_channel_display() if answer.reply_channel else None
            ),
            # As of rendering; the verification page tells whether it has been superseded since.
            "superseded": answer.superseded_at is not None,
        },
        "verification": {"code": code, "url": verify_url(code)},
    }


# ---- the three formats ----------------------------------------------------------------------


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} МБ".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.1f} КБ".replace(".", ",")
    return f"{size} Б"


def render_pdf(answer: Answer, record: dict[str, Any]) -> bytes:
    """The answer as the house PDF; the code also goes into the keywords (found in raw bytes)."""
    appeal, body = record["appeal"], record["answer"]
    code = record["verification"]["code"]
    pdf = HousePdf(
        title=f"Ответ на обращение № {appeal['number']}",
        subject=appeal["subject"],
        keywords=f"{PDF_KEYWORD}{code}",
    )
    pdf.heading(f"Ответ на обращение № {appeal['number']}")
    pdf.field("Дата регистрации", format_date(answer.appeal.registered_at))
    pdf.field("Вид", appeal["kind"]["name"])
    pdf.field("Тема", appeal["theme"]["name"])
    pdf.field("Краткое содержание", appeal["subject"])
    pdf.field("Заявитель", appeal["applicant_name"])
    pdf.ln(2)
    pdf.heading("Результат рассмотрения", size=12)
    pdf.field("Результат", f"{body['outcome_label']} (код {body['result_code']})")
    if body["legal_ground_label"]:
        pdf.field("Основание", body["legal_ground_label"])
    if body["notice"]:
        pdf.field("Уведомление", body["notice"])
    if body["forward_to"]:
        pdf.field("Направлено в", body["forward_to"])
    pdf.heading("Текст ответа", size=12)
    pdf.paragraph(body["text"])
    if body["files"]:
        pdf.heading("Приложенные файлы", size=12)
        for f in body["files"]:
            pdf.paragraph(f"{f['name']} — {_size(f['size'])}", size=9)
            pdf.paragraph(f"SHA-256: {f['sha256']}", size=8)
    pdf.ln(2)
    executor = body["executor"]
    pdf.field("Исполнитель", executor["name"])
    if executor["position"]:
        pdf.field("Должность", executor["position"])
    if executor["work_phone"]:
        pdf.field("Рабочий телефон", executor["work_phone"])
    pdf.field("Подразделение", body["department"]["name"])
    pdf.field("Дата ответа", _local(answer.issued_at))
    if body["reply_channel_label"]:
        pdf.field("Способ направления", body["reply_channel_label"])
    if body["superseded"]:
        pdf.field("Статус", "Ответ заменён новым ответом")
    pdf.ln(3)
    pdf.heading("Проверка подлинности", size=12)
    pdf.field("Код проверки", code)
    pdf.paragraph(
        "Документ подписан электронной подписью службы. Проверить его подлинность и "
        "неизменность можно на странице проверки:"
    )
    url = record["verification"]["url"]
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(0, 5, url, link=url, align="L")
    issued = answer.issued_at.astimezone(UTC).replace(microsecond=0)
    return pdf.render(created_at=issued)


def render_json(record: dict[str, Any]) -> bytes:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8, a final newline."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode()


def _xml_add(parent: ET.Element, name: str, value: Any) -> ET.Element | None:
    if value is None:
        return None
    child = ET.SubElement(parent, f"{{{XML_NAMESPACE}}}{name}")
    child.text = str(value).lower() if isinstance(value, bool) else str(value)
    return child


def render_xml(record: dict[str, Any]) -> bytes:
    """The record as XML in ``urn:priemnaya:answer:1`` (schemas/answer.xsd)."""
    ET.register_namespace("", XML_NAMESPACE)

    def el(parent: ET.Element, name: str) -> ET.Element:
        return ET.SubElement(parent, f"{{{XML_NAMESPACE}}}{name}")

    root = ET.Element(f"{{{XML_NAMESPACE}}}answerDocument")
    service = el(root, "service")
    _xml_add(service, "name", record["service"]["name"])
    _xml_add(service, "site", record["service"]["site"])
    a = record["appeal"]
    appeal = el(root, "appeal")
    _xml_add(appeal, "number", a["number"])
    _xml_add(appeal, "registeredAt", a["registered_at"])
    for part in ("kind", "theme"):
        node = el(appeal, part)
        node.set("code", a[part]["code"])
        node.text = a[part]["name"]
    _xml_add(appeal, "subject", a["subject"])
    _xml_add(appeal, "applicantName", a["applicant_name"])
    b = record["answer"]
    answer = el(root, "answer")
    answer.set("id", str(b["id"]))
    outcome = el(answer, "outcome")
    outcome.set("code", b["outcome"])
    outcome.set("resultCode", str(b["result_code"]))
    outcome.text = b["outcome_label"]
    if b["legal_ground"]:
        ground = el(answer, "legalGround")
        ground.set("code", b["legal_ground"])
        ground.text = b["legal_ground_label"]
    _xml_add(answer, "notice", b["notice"])
    _xml_add(answer, "forwardTo", b["forward_to"])
    _xml_add(answer, "text", b["text"])
    files = el(answer, "files")
    for f in b["files"]:
        node = el(files, "file")
        node.set("size", str(f["size"]))
        node.set("sha256", f["sha256"])
        node.text = f["name"]
    executor = el(answer, "executor")
    _xml_add(executor, "name", b["executor"]["name"])
    _xml_add(executor, "position", b["executor"]["position"])
    _xml_add(executor, "workPhone", b["executor"]["work_phone"])
    department = el(answer, "department")
    department.set("code", b["department"]["code"])
    department.text = b["department"]["name"]
    _xml_add(answer, "issuedAt", b["issued_at"])
    if b["reply_channel"]:
        channel = el(answer, "replyChannel")
        channel.set("code", b["reply_channel"])
        channel.text = b["reply_channel_label"]
    _xml_add(answer, "superseded", b["superseded"])
    verification = el(root, "verification")
    _xml_add(verification, "verificationCode", record["verification"]["code"])
    _xml_add(verification, "url", record["verification"]["url"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


@cache
def json_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@cache
def xml_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def validate_json(content: bytes) -> None:
    """Raise ``jsonschema.ValidationError`` unless the JSON rendition fits its schema."""
    json_validator().validate(json.loads(content))


def validate_xml(content: bytes) -> None:
    """Raise ``xmlschema.XMLSchemaValidationError`` unless the XML rendition fits the XSD."""
    xml_schema().validate(content.decode())


def render(answer: Answer, fmt: str, code: str) -> bytes:
    """The bytes of one rendition (validated against its schema); the same every time."""
    record = answer_record(answer, code)
    if fmt == RenditionFormat.PDF:
        return render_pdf(answer, record)
    if fmt == RenditionFormat.JSON:
        content = render_json(record)
        validate_json(content)
        return content
    content = render_xml(record)
    validate_xml(content)
    return content


# ---- storing and serving ---------------------------------------------------------------------


def _format(fmt: str) -> str:
    if fmt not in RenditionFormat.values:
        raise ValidationFailed.single("format", "Формат ответа: pdf, json или xml.")
    return fmt


def _key() -> SigningKey:
    try:
        return signing_key()
    except KeyError_ as exc:
        raise SigningUnavailable(NO_KEY + f" ({exc})") from exc


def _ordered(answer: Answer) -> list[Rendition]:
    found = {r.format: r for r in Rendition.objects.filter(answer=answer)}
    return [found[fmt] for fmt in FORMATS if fmt in found]


def renditions_issue(answer: Answer) -> list[Rendition]:
    """Render, sign and store every missing rendition of the answer; return all three.

    All missing formats are inserted in one transaction with one code, so two workers racing on
    the same answer cannot leave it with two codes: the loser hits the unique (answer, format)
    constraint and re-reads the winner's rows.
    """
    existing = _ordered(answer)
    if len(existing) == len(FORMATS):
        return existing
    key = _key()
    code = existing[0].code if existing else code_new()
    have = {r.format for r in existing}
    rows = []
    for fmt in FORMATS:
        if fmt in have:
            continue
        content = render(answer, fmt, code)
        signature = sign(content, key)
        rows.append(
            Rendition(
                answer=answer,
                format=fmt,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                code=code,
                signature=signature.as_json(),
                algorithm=signature.algorithm,
                key_id=signature.key_id,
            )
        )
    try:
        with transaction.atomic():
            for row in rows:
                row.save(force_insert=True)
    except IntegrityError:
        pass  # another process stored them first: theirs stand
    return _ordered(answer)


def rendition_get(answer: Answer, fmt: str) -> Rendition:
    """The stored rendition of the answer in ``fmt``, rendered, signed and stored if missing."""
    fmt = _format(fmt)
    found = Rendition.objects.filter(answer=answer, format=fmt).first()
    if found is not None:
        return found
    for rendition in renditions_issue(answer):
        if rendition.format == fmt:
            return rendition
    raise SigningUnavailable(NO_KEY)  # pragma: no cover - renditions_issue stores every format


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[RenditionFormat(fmt)]
