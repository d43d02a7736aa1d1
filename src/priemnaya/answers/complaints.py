"""The complaint to a higher authority (SPEC §11): the facts of an appeal made into a document.

Not stored: the complaint is the citizen's own document, built on demand from the appeal and what
they typed, and downloaded as PDF or DOCX beside the evidence bundle; they send it themselves.
Nothing is journaled or audited — it is an export of one's own data, like the PDF of the appeal.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf.enums import XPos, YPos

from priemnaya.accounts.models import User
from priemnaya.answers.authorities import AUTHORITIES, BY_CODE, Authority
from priemnaya.answers.exports import AppealRecord, appeal_record
from priemnaya.answers.pdf import HousePdf
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.presenters import due_date, format_date
from priemnaya.appeals.states import EventType, Outcome
from priemnaya.core import clock
from priemnaya.core.errors import ValidationFailed

DEMAND_MAX = 3000
EXCERPT = 700
# The journal entries a complaint cites: what moved the deadline or the appeal.
TIMELINE_FACTS = frozenset(
    {
        EventType.EXTENDED,
        EventType.REDIRECTED,
        EventType.ESCALATED,
        EventType.FORWARDED,
        EventType.INFO_REQUESTED,
        EventType.REOPENED,
        EventType.OVERDUE,
        EventType.REGIME_CHANGED,
        EventType.ANSWERED,
        EventType.CLOSED,
        EventType.WITHDRAWN,
    }
)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def authority_get(code: str) -> Authority:
    """Return the authority by code or raise ValidationFailed naming «authority»."""
    authority = BY_CODE.get(code or "")
    if authority is None:
        raise ValidationFailed.single(
            "authority",
            "Выберите орган, куда подаётся жалоба: Роскомнадзор, Минцифры, прокуратура или "
            "уполномоченный по правам человека.",
        )
    return authority


def demand_clean(demand: str) -> str:
    """Return the demand trimmed, or raise ValidationFailed naming «demand»."""
    demand = (demand or "").strip()
    if not demand:
        raise ValidationFailed.single("demand", "Напишите требование: чего вы просите от органа.")
    if len(demand) > DEMAND_MAX:
        raise ValidationFailed.single(
            "demand",
            f"Требование слишком длинное: не больше {DEMAND_MAX} символов, сейчас {len(demand)}.",
        )
    return demand


def _late(appeal: Appeal) -> bool:
    """The deadline passed without an answer, or the answer came after it."""
    if appeal.is_overdue or appeal.breached_at:
        return True
    return bool(appeal.answered_at and appeal.due_at and appeal.answered_at > appeal.due_at)


def suggested_demand(record: AppealRecord, authority: Authority) -> str:
    """Return a demand the facts suggest for this authority; the citizen edits it."""
    appeal = record.appeal
    number = appeal.display_number
    answer = record.current_answer
    late = _late(appeal)
    unanswered = answer is None
    parts: list[str] = []
    match authority.code:
        case "prosecutor":
            if late:
                parts.append(
                    f"Провести проверку соблюдения сроков рассмотрения моего обращения № {number}, "
                    "установленных статьёй 12 Федерального закона от 02.05.2006 № 59-ФЗ "
                    "«О порядке рассмотрения обращений граждан Российской Федерации»"
                )
            else:
                parts.append(
                    f"Провести проверку соблюдения порядка рассмотрения моего обращения № {number} "
                    "(статьи 9 и 10 Федерального закона от 02.05.2006 № 59-ФЗ), в том числе "
                    "полноты и объективности данного ответа"
                )
            parts.append("принять меры прокурорского реагирования")
        case "rkn":
            parts.append(
                "Провести проверку соблюдения требований Федерального закона от 27.07.2006 "
                f"№ 152-ФЗ «О персональных данных» при обработке моих персональных данных в связи "
                f"с обращением № {number}"
            )
            parts.append("принять меры к устранению выявленных нарушений")
        case "mintsifry":
            parts.append(
                f"Рассмотреть жалобу на работу государственного цифрового сервиса по обращению "
                f"№ {number} и проверить изложенные в нём обстоятельства"
            )
            parts.append("обеспечить устранение недостатков в работе сервиса")
        case _:
            parts.append(
                f"Проверить обстоятельства рассмотрения моего обращения № {number} и содействовать "
                "восстановлению моих нарушенных прав"
            )
    if unanswered:
        parts.append("обеспечить направление мне ответа по существу обращения")
    if authority.code != "ombudsman":
        parts.append("о результатах сообщить мне по указанным контактам")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


@dataclass
class Complaint:
    """A ready complaint: every block of the document, rendered alike to PDF, DOCX and HTML."""

    authority: Authority
    appeal: Appeal
    applicant: list[tuple[str, str]]  # «ФИО», «Адрес», «Телефон», «E-mail»
    title: str
    facts: list[str]
    timeline: list[str]
    demand: str
    evidence: list[str]
    day: date
    signer: str
    notes: list[str] = field(default_factory=list)

    @property
    def filename_stem(self) -> str:
        return f"Жалоба по обращению {self.appeal.display_number}"

    @property
    def ascii_stem(self) -> str:
        return f"complaint-{self.appeal.display_number}"


def _facts(record: AppealRecord) -> list[str]:
    appeal = record.appeal
    number = appeal.display_number
    due = format_date(due_date(appeal))
    facts = [
        f"{format_date(appeal.registered_at)} мною подано обращение в сервис "
        f"«{settings.PRIEMNAYA_SERVICE_NAME}» ({appeal.department.name}); оно зарегистрировано "
        f"под № {number}. "
        f"Срок ответа — до {due}.",
        f"Предмет обращения: «{appeal.subject}». {excerpt(appeal.text)}",
    ]
    if appeal.desired_result:
        facts.append(f"Я просил(а): {excerpt(appeal.desired_result, 400)}")
    answer = record.current_answer
    if answer is None:
        if appeal.is_overdue or appeal.breached_at:
            facts.append(f"Ответ на обращение не дан, хотя срок его рассмотрения истёк {due}.")
        else:
            facts.append("Ответ на обращение на дату этой жалобы не дан.")
    else:
        executor = ", ".join(p for p in (answer.executor_name, answer.executor_position) if p)
        line = (
            f"{format_date(answer.issued_at)} дан ответ: результат "
            f"«{answer.get_outcome_display()}» (код {answer.result_code}), исполнитель — {executor}"
        )
        if answer.executor_phone:
            line += f", тел. {answer.executor_phone}"
        line += "."
        if answer.legal_ground:
            line += f" Основание: {answer.get_legal_ground_display()}."
        if appeal.due_at and answer.issued_at > appeal.due_at:
            line += f" Ответ дан после истечения срока ({due})."
        facts.append(line)
        facts.append(f"Текст ответа: «{excerpt(answer.text)}»")
        if answer.outcome == Outcome.NO_ANSWER:
            facts.append("Обращение оставлено без ответа по существу.")
    superseded = [a for a in record.answers if a.superseded_at]
    for old in superseded:
        facts.append(
            f"Ранее, {format_date(old.issued_at)}, был дан ответ «{old.get_outcome_display()}» "
            f"(код {old.result_code}), заменённый {format_date(old.superseded_at)}."
        )
    return facts


def _timeline(record: AppealRecord) -> list[str]:
    lines = []
    for event in record.timeline:
        if event.type not in TIMELINE_FACTS:
            continue
        details = "; ".join(event.details)
        lines.append(
            f"{format_date(event.created_at)} — {event.title}"
            + (f" ({details})" if details else "")
        )
    return lines


def _evidence(record: AppealRecord) -> list[str]:
    number = record.appeal.display_number
    items = [f"Сведения об обращении № {number} с ходом рассмотрения (PDF)."]
    items += [f"Файл «{a.name}» (SHA-256 {a.sha256})." for a in record.attachments]
    if record.answers:
        items.append("Ответ в форматах PDF, JSON и XML с электронной подписью сервиса.")
    items.append(
        f"Пакет доказательств по обращению № {number} (ZIP) с перечнем файлов и их "
        "контрольными суммами."
    )
    return items


def complaint_build(
    appeal: Appeal, *, for_user: User, authority: str, demand: str, day: date | None = None
) -> Complaint:
    """Assemble the complaint from the applicant's own appeal; NotFound for anyone else's."""
    record = appeal_record(appeal, for_user=for_user, owner_only=True)
    errors: dict[str, list[str]] = {}
    chosen: Authority | None = None
    try:
        chosen = authority_get(authority)
    except ValidationFailed as exc:
        errors |= exc.errors
    try:
        demand = demand_clean(demand)
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors or chosen is None:
        raise ValidationFailed(errors)
    a = record.appeal
    name = a.applicant_name or for_user.full_name
    applicant = [
        ("ФИО", name),
        ("Адрес", a.contact_address or "______________________________"),
        ("Телефон", a.contact_phone or for_user.phone or "—"),
        ("E-mail", a.contact_email or for_user.email or "—"),
    ]
    return Complaint(
        authority=chosen,
        appeal=a,
        applicant=applicant,
        title=(f"на действия (бездействие) при рассмотрении обращения № {a.display_number}"),
        facts=_facts(record),
        timeline=_timeline(record),
        demand=demand,
        evidence=_evidence(record),
        day=day or timezone.localdate(clock.now()),
        signer=name,
    )


def suggestion_for(appeal: Appeal, *, for_user: User, authority: str) -> str:
    """Return the pre-filled demand for the chosen authority (owner only)."""
    record = appeal_record(appeal, for_user=for_user, owner_only=True)
    return suggested_demand(record, authority_get(authority))


# ---- rendering ----------------------------------------------------------------------------------


def complaint_pdf(complaint: Complaint, *, at: datetime | None = None) -> bytes:
    """Return the complaint as a PDF in the house layout."""
    c = complaint
    pdf = HousePdf(title=c.filename_stem, subject=f"Жалоба: {c.authority.short}")
    pdf.set_font("DejaVu", "", 10)
    for line in (c.authority.addressee, c.authority.postal):
        pdf.multi_cell(0, 5, line, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.multi_cell(0, 5, "от", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for label, value in c.applicant:
        pdf.multi_cell(0, 5, f"{label}: {value}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, "ЖАЛОБА", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, c.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for fact in c.facts:
        pdf.paragraph(fact)
    if c.timeline:
        pdf.heading("Ход рассмотрения", 11)
        for line in c.timeline:
            pdf.paragraph(line)
    pdf.heading("Прошу", 11)
    pdf.paragraph(c.demand)
    pdf.heading("Приложения", 11)
    for i, item in enumerate(c.evidence, start=1):
        pdf.paragraph(f"{i}. {item}")
    pdf.ln(6)
    pdf.paragraph(f"{format_date(c.day)}        _______________ / {c.signer} /")
    return pdf.render(created_at=at or clock.now())


def complaint_docx(complaint: Complaint) -> bytes:
    """Return the complaint as a Word document the citizen may edit before sending."""
    c = complaint
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    doc.core_properties.title = c.filename_stem
    doc.core_properties.author = c.signer

    def right(text: str) -> None:
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(0)

    right(c.authority.addressee)
    right(c.authority.postal)
    right("")
    right("от")
    for label, value in c.applicant:
        right(f"{label}: {value}")
    doc.add_paragraph("")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("ЖАЛОБА").bold = True
    sub = doc.add_paragraph(c.title)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for fact in c.facts:
        doc.add_paragraph(fact)
    if c.timeline:
        doc.add_paragraph().add_run("Ход рассмотрения").bold = True
        for line in c.timeline:
            doc.add_paragraph(line)
    doc.add_paragraph().add_run("Прошу").bold = True
    doc.add_paragraph(c.demand)
    doc.add_paragraph().add_run("Приложения").bold = True
    for i, item in enumerate(c.evidence, start=1):
        doc.add_paragraph(f"{i}. {item}")
    doc.add_paragraph("")
    doc.add_paragraph(f"{format_date(c.day)}        _______________ / {c.signer} /")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = [
    "AUTHORITIES",
    "Complaint",
    "authority_get",
    "complaint_build",
    "complaint_docx",
    "complaint_pdf",
    "suggested_demand",
    "suggestion_for",
]
