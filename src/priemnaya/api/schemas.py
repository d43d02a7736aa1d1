"""Shapes of the API's requests and answers; states and outcomes by their SPEC codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import create_model

from priemnaya.appeals.inputs import EDITABLE, INPUT_FIELDS, FieldKind
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.models import Answer, Appeal, Event
from priemnaya.appeals.selectors import AppealLink
from priemnaya.appeals.states import Status


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


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 — a scheme name, not a secret


class KindOut(Schema):
    code: str
    name: str
    description: str
    regime: str
    resolution_days: int
    resolution_unit: str


class ThemeOut(Schema):
    code: str
    name: str
    parent: str | None
    department: str
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


AppealIn = create_model(
    "AppealIn",
    __base__=Schema,
    **_input_fields(staff=False),
    repeat_of=(str | None, Field(None, description="number of an earlier own appeal to repeat")),
    contest_of=(
        str | None,
        Field(None, description="number of an earlier own appeal whose answer is contested"),
    ),
)
_staff_fields = _input_fields(staff=True)
StaffAppealIn = create_model(
    "StaffAppealIn",
    __base__=Schema,
    __doc__="An appeal registered by staff for a person who called, wrote or came in.",
    channel=(str, Field(description="phone, email, letter, mfc, social or chat")),
    # The caller's name first, as the console's form asks for it.
    applicant_name=_staff_fields.pop("applicant_name"),
    **_staff_fields,
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
    legal_ground: str = ""


class RedirectIn(Schema):
    department: str
    reason: str


class ExtendIn(Schema):
    due_date: date
    reason: str


class RateIn(Schema):
    rating: int
    comment: str = ""


class AnswerOut(Schema):
    outcome: str
    outcome_label: str
    result_code: int
    legal_ground: str
    text: str
    issued_at: datetime
    executor_name: str
    executor_position: str
    executor_phone: str

    @staticmethod
    def of(answer: Answer) -> dict:
        return {
            "outcome": answer.outcome,
            "outcome_label": answer.get_outcome_display(),
            "result_code": answer.result_code,
            "legal_ground": answer.legal_ground,
            "text": answer.text,
            "issued_at": answer.issued_at,
            "executor_name": answer.executor_name,
            "executor_position": answer.executor_position,
            "executor_phone": answer.executor_phone,
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
    overdue: bool
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
    follow_ups: list[str]
    links: list[LinkOut]
    answer: AnswerOut | None


class LinkOut(Schema):
    relation: str
    label: str
    number: str
    subject: str
    status: str


class AppealPageOut(Schema):
    items: list[AppealSummaryOut]
    page: int
    has_next: bool


class EventOut(Schema):
    type: str
    type_label: str
    created_at: datetime
    from_status: str
    to_status: str
    is_public: bool
    text: str
    actor_name: str
    data: dict


class CreatedOut(Schema):
    id: int
    created_at: datetime


def summary_of(appeal: Appeal, *, staff: bool) -> dict:
    label = Status(appeal.status).label if staff else APPLICANT_VIEW[appeal.status][0]
    return {
        "number": appeal.display_number,
        "status": appeal.status,
        "status_label": label,
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
        "overdue": appeal.is_overdue,
        "escalation_level": appeal.escalation_level,
    }


def detail_of(
    appeal: Appeal,
    *,
    staff: bool,
    answer: Answer | None,
    actions: list[str],
    links: list[AppealLink],
    follow_ups: list[str],
) -> dict:
    due = f"{appeal.due_at:%d.%m.%Y}" if appeal.due_at else "—"
    return summary_of(appeal, staff=staff) | {
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
        "next_step": APPLICANT_VIEW[appeal.status][1].format(due=due),
        "actions": [a.replace("_", "-") for a in actions],
        "follow_ups": follow_ups,
        "links": [
            {
                "relation": link.relation,
                "label": link.label,
                "number": link.appeal.display_number,
                "subject": link.appeal.subject,
                "status": link.appeal.status,
            }
            for link in links
        ],
        "answer": AnswerOut.of(answer) if answer else None,
    }


def event_of(event: Event) -> dict:
    return {
        "type": event.type,
        "type_label": event.get_type_display(),
        "created_at": event.created_at,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "is_public": event.is_public,
        "text": event.text,
        "actor_name": event.actor.full_name if event.actor else "Система",
        "data": event.data,
    }
