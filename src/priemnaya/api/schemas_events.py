"""Shapes of the journal in the API: each event type's data and the event as the reader sees it.

One schema per event type, discriminated by ``type`` (``GET /api/v1/appeals/{number}/events``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal, Union

from ninja import Field, Schema
from pydantic import create_model

from priemnaya.appeals.presenters import EventDescription
from priemnaya.appeals.states import EventType


class NoData(Schema):
    pass


class RouteData(Schema):
    by: str = Field(description="rule, theme, first_line или contest")
    rule: int | None = Field(None, description="id правила маршрутизации")
    rule_name: str = ""
    department: str = Field(description="код ведомства, куда направлено")


class FileRefOut(Schema):
    id: int
    name: str


def _files_field():
    return Field([], description="файлы, пришедшие с событием")


class RegisteredData(Schema):
    number: str = Field(description="номер обращения")
    due_date: date | None = Field(description="последний день срока ответа (местная дата)")
    repeat_of: str | None = Field(None, description="номер повторяемого обращения")
    contest_of: str | None = Field(
        None, description="номер обращения, ответ по которому обжалуется"
    )
    route: RouteData | None = Field(None, description="как распределено (только сотрудникам)")
    received_date: date | None = Field(
        None, description="когда письмо, звонок или визит поступили (только сотрудникам)"
    )
    late_registration: bool | None = Field(
        None, description="зарегистрировано позже срока после поступления (только сотрудникам)"
    )
    attachments: list[FileRefOut] = _files_field()


class EditedData(Schema):
    fields: list[str] = Field(description="изменённые поля обращения")


class DueDateData(Schema):
    due_date: date | None = Field(description="срок ответа после возобновления (местная дата)")


class InfoProvidedData(DueDateData):
    attachments: list[FileRefOut] = _files_field()


class DocumentsAddedData(Schema):
    attachments: list[FileRefOut] = _files_field()


class AnsweredData(Schema):
    outcome: str = Field(description="resolved, rejected, clarify, no_answer или forwarded")
    outcome_label: str
    attachments: list[FileRefOut] = _files_field()


class ForwardedData(Schema):
    forward_to: str = Field(description="орган, куда обращение направлено по компетенции")


class ClosedData(Schema):
    by: Literal["applicant", "timer"] = Field(description="кто завершил: заявитель или таймер")


class MovedData(Schema):
    department: str = Field(description="код ведомства, куда передано обращение")
    department_name: str
    previous_department: str | None = Field(None, description="откуда (только сотрудникам)")
    routed: bool | None = Field(
        None, description="ручное распределение нераспределённого (только сотрудникам)"
    )


class EscalatedData(MovedData):
    level: int = Field(description="уровень эскалации после передачи")


class ExtendedData(Schema):
    previous_due_date: date | None
    due_date: date | None = Field(description="новый последний день срока (местная дата)")


class AssignedData(Schema):
    assignee_name: str


class RatedData(Schema):
    rating: int | None = Field(description="оценка от 1 до 5")
    review: bool = Field(description="ответ передан на проверку руководителю")


class IncidentLinkedData(Schema):
    incident: int | None = Field(None, description="id инцидента (только сотрудникам)")


class DueSoonData(Schema):
    due_date: date | None = Field(description="последний день срока ответа (местная дата)")
    hours_left: int | None = Field(description="часов до срока на момент предупреждения")
    assignee_name: str | None = Field(description="кому: исполнитель (нет — ведомство)")
    department: str
    department_name: str


class FirstResponseOverdueData(Schema):
    first_response_due_at: datetime | None = Field(description="срок первой реакции")
    escalated: bool = Field(description="передано на контроль автоматически")


class OverdueData(Schema):
    due_date: date | None = Field(description="последний день истёкшего срока (местная дата)")
    escalated: bool = Field(description="передано на контроль руководителю автоматически")
    extended: bool = Field(description="истёк уже продлённый срок")
    assignee_name: str | None = Field(None, description="исполнитель (только сотрудникам)")


class ReopenedData(Schema):
    due_date: date | None = Field(
        None, description="новый срок ответа, если прежний уже прошёл (местная дата)"
    )
    previous_due_date: date | None = None


class RegimeChangedData(Schema):
    regime: str = Field(description="fz59 (обращение по 59-ФЗ) или message (сообщение)")
    regime_label: str
    due_date: date | None = Field(description="новый последний день срока ответа (местная дата)")
    previous_due_date: date | None
    previous_regime: str | None = Field(None, description="прежний режим (только сотрудникам)")
    policy: str | None = Field(None, description="код политики сроков (только сотрудникам)")


class AnswerSubmittedData(Schema):
    draft_id: int | None = Field(description="проект ответа (GET …/answer/draft)")
    outcome: str = Field(description="предлагаемый результат рассмотрения")
    outcome_label: str
    resubmitted: bool = Field(description="направлен повторно после доработки")


class AnswerReturnedData(Schema):
    draft_id: int | None
    author_name: str = Field(description="исполнитель, которому проект возвращён")


class ApplicantLinkedData(Schema):
    contact: str = Field(description="phone или email: подтверждённый контакт учётной записи")


class CollectiveJoinedData(Schema):
    collective: int | None = Field(description="номер коллективного обращения")
    title: str = Field(description="название общей проблемы")


class ArchivedData(Schema):
    retention_years: int | None = Field(description="срок хранения вида обращения, лет")


class AnonymisedData(Schema):
    act: int | None = Field(description="номер акта об уничтожении персональных данных")


EVENT_DATA: dict[str, type[Schema]] = {
    EventType.REGISTERED: RegisteredData,
    EventType.EDITED: EditedData,
    EventType.INFO_PROVIDED: InfoProvidedData,
    EventType.DOCUMENTS_ADDED: DocumentsAddedData,
    EventType.ANSWERED: AnsweredData,
    EventType.CLOSED: ClosedData,
    EventType.REDIRECTED: MovedData,
    EventType.ESCALATED: EscalatedData,
    EventType.EXTENDED: ExtendedData,
    EventType.ASSIGNED: AssignedData,
    EventType.RATED: RatedData,
    EventType.INCIDENT_LINKED: IncidentLinkedData,
    EventType.APPLICANT_LINKED: ApplicantLinkedData,
    EventType.COLLECTIVE_JOINED: CollectiveJoinedData,
    EventType.ARCHIVED: ArchivedData,
    EventType.ANONYMISED: AnonymisedData,
    EventType.FORWARDED: ForwardedData,
    EventType.DUE_SOON: DueSoonData,
    EventType.FIRST_RESPONSE_OVERDUE: FirstResponseOverdueData,
    EventType.OVERDUE: OverdueData,
    EventType.REGIME_CHANGED: RegimeChangedData,
    EventType.REOPENED: ReopenedData,
    EventType.ANSWER_SUBMITTED: AnswerSubmittedData,
    EventType.ANSWER_RETURNED: AnswerReturnedData,
}


class EventBaseOut(Schema):
    id: int
    title: str = Field(description="что произошло, словами читателя (заявителя или сотрудника)")
    created_at: datetime
    actor_name: str
    from_status: str
    to_status: str
    status_label: str = Field(description="статус после события, словами читателя")
    internal: bool = Field(description="внутреннее событие, видно только сотрудникам")
    text: str = Field(description="текст: вопрос, ответ заявителя, комментарий, причина")
    details: list[str] = Field(description="подробности одной строкой каждая, по-русски")


def _event_schema(event_type: EventType) -> type[Schema]:
    camel = "".join(part.capitalize() for part in event_type.value.split("_"))
    return create_model(
        f"{camel}EventOut",
        __base__=EventBaseOut,
        # A Literal of a value known only at run time, which mypy cannot check.
        type=(Literal[event_type.value], ...),  # type: ignore[arg-type]
        data=(EVENT_DATA.get(event_type, NoData), ...),
    )


EVENT_SCHEMAS = [_event_schema(t) for t in EventType]
if TYPE_CHECKING:
    EventOut = EventBaseOut  # the union below is built at run time, one schema per event type
else:
    EventOut = Annotated[Union[tuple(EVENT_SCHEMAS)], Field(discriminator="type")]  # noqa: UP007


def event_of(event: EventDescription) -> dict:
    return {
        "id": event.id,
        "type": event.type,
        "title": event.title,
        "created_at": event.created_at,
        "actor_name": event.actor_name,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "status_label": event.status_label,
        "internal": event.internal,
        "text": event.text,
        "details": event.details,
        "data": event.data,
    }
