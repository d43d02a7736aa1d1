"""Shapes of the API's requests and answers; states and outcomes by their SPEC codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ninja import Field, Schema
from pydantic import create_model

from priemnaya.appeals.inputs import EDITABLE, INPUT_FIELDS, FieldKind
from priemnaya.appeals.models import Answer, Appeal
from priemnaya.appeals.presenters import (
    Audience,
    due_date,
    local_date,
    overdue_since,
    status_label,
)
from priemnaya.appeals.selectors import AppealPage
from priemnaya.attachments.models import Attachment


class ErrorItem(Schema):
    field: str | None
    message: str
    code: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


class TokenIn(Schema):
    login: str
    password: str
    # The second factor (TOTP, SMS or recovery code) when the account needs one.
    otp: str | None = None
    # A name for the token in the list of sessions and tokens; else the User-Agent.
    device: str | None = None


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 — a scheme name, not a secret


class KindOut(Schema):
    code: str
    name: str
    description: str
    regime: str
    policy: str | None
    resolution_days: int | None
    resolution_unit: str | None


class ThemeOut(Schema):
    code: str
    name: str
    parent: str | None
    department: str | None
    hint: str
    template_text: str
    required_fields: list[str]


class DepartmentOut(Schema):
    code: str
    name: str
    parent: str | None


def _input_fields(*, staff: bool, optional: bool = False) -> dict[str, Any]:
    """Return pydantic field definitions for the appeal's input fields (appeals.inputs)."""
    definitions: dict[str, Any] = {}
    for spec in INPUT_FIELDS:
        if spec.staff_only and not staff:
            continue
        if spec.kind is FieldKind.DATE:
            definitions[spec.name] = (datetime | date | None, None)
        elif optional:
            definitions[spec.name] = (str | None, None)
        else:
            definitions[spec.name] = (str, "")
    return definitions


if TYPE_CHECKING:
    # mypy cannot follow create_model: these say what the routers read from the built schemas.
    class AppealIn(Schema):
        repeat_of: str | None
        contest_of: str | None
        attachments: list[int]

    class StaffAppealIn(Schema):
        channel: str
        attachments: list[int]

    class AppealEditIn(Schema): ...

else:
    AppealIn = create_model(
        "AppealIn",
        __base__=Schema,
        **_input_fields(staff=False),
        repeat_of=(
            str | None,
            Field(None, description="number of an earlier own appeal to repeat"),
        ),
        contest_of=(
            str | None,
            Field(None, description="number of an earlier own appeal whose answer is contested"),
        ),
        attachments=(
            list[int],
            Field([], description="ids of files uploaded first with POST /api/v1/attachments"),
        ),
    )
    _staff_fields = _input_fields(staff=True)
    StaffAppealIn = create_model(
        "StaffAppealIn",
        __base__=Schema,
        __doc__="An appeal registered by staff for a person who called, wrote or came in.",
        channel=(str, Field(description="phone, email, letter, mfc, social or chat")),
        received_on=(
            date | None,
            Field(
                None,
                description="дата поступления звонка, письма, e-mail или визита в МФЦ; "
                "регистрация позже 3 дней отмечается (late_registration)",
            ),
        ),
        # The caller's name first, as the console's form asks for it.
        applicant_name=_staff_fields.pop("applicant_name"),
        **{name: d for name, d in _staff_fields.items() if name != "received_on"},
        attachments=(
            list[int],
            Field([], description="ids of files uploaded first with POST /api/v1/attachments"),
        ),
    )
    AppealEditIn = create_model(
        "AppealEditIn",
        __base__=Schema,
        **{
            name: definition
            for name, definition in _input_fields(staff=False, optional=True).items()
            if name in EDITABLE
        },
    )


class TextIn(Schema):
    text: str


class ProvideInfoIn(TextIn):
    attachments: list[int] = Field(
        [], description="ids of files uploaded first with POST /api/v1/attachments"
    )


class ReasonIn(Schema):
    reason: str = ""


class AssignIn(Schema):
    assignee_id: int


class StaffMemberOut(Schema):
    id: int
    full_name: str
    position: str


class CommentIn(Schema):
    comment: str = ""


class QuestionIn(Schema):
    question: str


class AnswerIn(Schema):
    outcome: str
    text: str
    legal_ground: str = Field(
        "",
        description="для no_answer: no_name_or_address, obscene, unreadable, substance_unclear "
        "или repeated (прекращение переписки)",
    )
    crime_report: bool = Field(
        False, description="без фамилии/адреса, но о противоправном деянии: переслать"
    )
    forward_to: str = Field("", description="орган, куда переслать (при crime_report)")
    contacts_readable: bool = Field(
        True, description="имя и адрес читаемы: уведомление в 7 дней (unreadable и др.)"
    )
    no_new_arguments: bool = Field(False, description="нет новых доводов (для repeated)")
    decision: str = Field("", description="решение руководителя (для repeated)")
    attachments: list[int] = Field(
        [],
        description="ids of files uploaded with POST /api/v1/staff/appeals/{number}/answer/"
        "attachments",
    )


class RedirectIn(Schema):
    department: str
    reason: str


class ExtendIn(Schema):
    due_date: date
    reason: str


class RegimeIn(Schema):
    regime: str = Field(description="fz59 или message")
    reason: str


class RateIn(Schema):
    rating: int
    comment: str = ""


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="имя файла (очищенное), с расширением по содержимому")
    size: int = Field(description="размер в байтах")
    content_type: str = Field(description="тип, определённый по содержимому")
    sha256: str
    uploaded_at: datetime
    purpose: str = Field(description="appeal, addition, answer или chat")
    url: str | None = Field(description="где скачать (для приложенных к обращению)")

    @staticmethod
    def of(attachment: Attachment, *, number: str | None = None) -> dict:
        return {
            "id": attachment.pk,
            "name": attachment.name,
            "size": attachment.size,
            "content_type": attachment.content_type,
            "sha256": attachment.sha256,
            "uploaded_at": attachment.uploaded_at,
            "purpose": attachment.purpose,
            "url": f"/api/v1/appeals/{number}/attachments/{attachment.pk}" if number else None,
        }


class AnswerOut(Schema):
    id: int
    outcome: str
    outcome_label: str
    result_code: int
    legal_ground: str
    text: str
    issued_at: datetime
    executor_name: str
    executor_position: str
    executor_phone: str
    reply_channel: str = Field(
        description="как направлен ответ: electronic, post или phone_post (следует каналу подачи)"
    )
    reply_channel_label: str
    notice: str = Field(description="уведомление заявителю по основанию ст. 11 59-ФЗ, или пусто")
    forward_to: str = Field(description="орган, куда обращение направлено по компетенции")
    notice_due_on: date | None = Field(
        description="срок уведомления о нечитаемом или неясном обращении (регистрация + 7 дней)"
    )
    notice_in_time: bool | None = Field(description="уведомление направлено в срок")
    superseded_at: datetime | None = Field(
        None, description="когда ответ заменён новым (обращение возвращали в работу), или null"
    )
    attachments: list[AttachmentOut] = Field([], description="файлы ответа")

    @staticmethod
    def of(answer: Answer) -> dict:
        return {
            "id": answer.pk,
            "outcome": answer.outcome,
            "outcome_label": answer.get_outcome_display(),
            "result_code": answer.result_code,
            "legal_ground": answer.legal_ground,
            "text": answer.text,
            "issued_at": answer.issued_at,
            "executor_name": answer.executor_name,
            "executor_position": answer.executor_position,
            "executor_phone": answer.executor_phone,
            "reply_channel": answer.reply_channel,
            "reply_channel_label": answer.get_reply_channel_display(),
            "notice": answer.notice,
            "forward_to": answer.forward_to,
            "notice_due_on": answer.notice_due_on,
            "notice_in_time": answer.notice_in_time,
            "superseded_at": answer.superseded_at,
        }


class AppealSummaryOut(Schema):
    number: str
    status: str
    status_label: str
    kind: str
    theme: str
    theme_name: str
    subject: str
    department: str
    department_name: str
    channel: str
    created_at: datetime
    registered_at: datetime | None
    due_at: datetime | None
    due_date: date | None = Field(description="последний день срока ответа (местная дата)")
    overdue: bool = Field(description="срок ответа истёк, а обращение ещё не отвечено")
    overdue_since: date | None = Field(
        description="последний день истёкшего срока (местная дата), если срок нарушен"
    )
    escalation_level: int


class AppealOut(AppealSummaryOut):
    text: str
    service_code: str
    incident_at: datetime | None
    desired_result: str
    contact_email: str
    contact_phone: str
    contact_address: str
    applicant_name: str
    priority: int
    first_response_due_at: datetime | None
    extended: bool
    extension_reason: str
    answered_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    rating_comment: str
    review_requested_at: datetime | None
    next_step: str
    actions: list[str]
    in_your_queue: bool = Field(
        description="false, если ваше действие передало обращение за пределы ваших ведомств"
    )
    region: str = Field("", description="код субъекта РФ («77»), если указан")
    unrouted: bool | None = Field(
        None, description="ждёт распределения оператором первой линии (только сотрудникам)"
    )
    follow_ups: list[str]
    escalation_note: str = Field(
        "", description="почему заявителю пока нельзя эскалировать и когда станет можно"
    )
    links: list[LinkOut]
    answer: AnswerOut | None
    answers: list[AnswerOut] = Field(
        default_factory=list,
        description="все выданные ответы, новые первыми; заменённые — с superseded_at",
    )
    regime: str = Field("", description="fz59 (обращение по 59-ФЗ) или message (сообщение)")
    complained_department: str | None = Field(
        None, description="код ведомства, на которое жалоба (вид «жалоба»)"
    )
    complained_department_name: str | None = None
    received_date: date | None = Field(
        None, description="когда обращение поступило (письмо, звонок, МФЦ); только сотрудникам"
    )
    late_registration: bool | None = Field(
        None, description="зарегистрировано позже срока после поступления; только сотрудникам"
    )
    attachments: list[AttachmentOut] = Field(
        [], description="файлы обращения, дополнений и ответов, видимые вызывающему"
    )


class LinkOut(Schema):
    relation: str
    label: str
    number: str
    subject: str
    status: str


class AppealPageOut(Schema):
    items: list[AppealSummaryOut]
    page: int = Field(description="номер страницы при ?page=; 0 — страница по курсору after")
    has_next: bool
    next: str | None = Field(
        None,
        description="курсор следующей страницы для ?after= (null — страница последняя)",
    )


# ---- journal events: one documented shape per type (a discriminated union in OpenAPI) ----------


class CreatedOut(Schema):
    id: int
    created_at: datetime


def summary_of(appeal: Appeal, *, staff: bool) -> dict:
    audience = Audience.STAFF if staff else Audience.APPLICANT
    return {
        "number": appeal.display_number,
        "status": appeal.status,
        "status_label": status_label(appeal.status, audience),
        "kind": appeal.kind.code,
        "theme": appeal.theme.code,
        "theme_name": appeal.theme.name,
        "subject": appeal.subject,
        "department": appeal.department.code,
        "department_name": appeal.department.name,
        "channel": appeal.channel,
        "created_at": appeal.created_at,
        "registered_at": appeal.registered_at,
        "due_at": appeal.due_at,
        "due_date": due_date(appeal),
        "overdue": appeal.is_overdue,
        "overdue_since": overdue_since(appeal),
        "escalation_level": appeal.escalation_level,
    }


def _answer_of(page: AppealPage, answer: Answer | None) -> dict | None:
    if answer is None:
        return None
    files = [a for a in page.attachments if a.answer_id == answer.pk]
    number = page.appeal.display_number
    return AnswerOut.of(answer) | {
        "attachments": [AttachmentOut.of(a, number=number) for a in files]
    }


def detail_of(page: AppealPage) -> dict:
    appeal = page.appeal
    complained = appeal.complained_department
    return (
        summary_of(appeal, staff=page.audience is Audience.STAFF)
        | {
            "text": appeal.text,
            "service_code": appeal.service_code,
            "incident_at": appeal.incident_at,
            "desired_result": appeal.desired_result,
            "contact_email": appeal.contact_email,
            "contact_phone": appeal.contact_phone,
            "contact_address": appeal.contact_address,
            "applicant_name": appeal.applicant_name,
            "priority": appeal.priority,
            "first_response_due_at": appeal.first_response_due_at,
            "extended": appeal.extended,
            "extension_reason": appeal.extension_reason,
            "answered_at": appeal.answered_at,
            "closed_at": appeal.closed_at,
            "rating": appeal.rating,
            "rating_comment": appeal.rating_comment,
            "review_requested_at": appeal.review_requested_at,
            "next_step": page.next_step,
            "actions": page.action_slugs,
            "follow_ups": page.follow_ups,
            "escalation_note": page.escalation_note,
            "in_your_queue": page.visible,
            "region": appeal.region,
            "unrouted": appeal.unrouted if page.audience is Audience.STAFF else None,
            "links": [
                {
                    "relation": link.relation,
                    "label": link.label,
                    "number": link.appeal.display_number,
                    "subject": link.appeal.subject,
                    "status": link.appeal.status,
                }
                for link in page.links
            ],
            "answer": _answer_of(page, page.answer),
            "answers": [_answer_of(page, a) for a in page.answers],
            "attachments": [
                AttachmentOut.of(a, number=appeal.display_number) for a in page.attachments
            ],
            "regime": appeal.regime,
            "complained_department": complained.code if complained else None,
            "complained_department_name": complained.name if complained else None,
        }
        | (
            {
                "received_date": local_date(appeal.received_at),
                "late_registration": appeal.late_registration,
            }
            if page.audience is Audience.STAFF
            else {}
        )
    )
