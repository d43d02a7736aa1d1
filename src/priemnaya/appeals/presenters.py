"""How the appeal and its journal read to people: one presenter for pages, API and notifications.

The journal stores private payload keys (``appeals.events``); everything shown or published goes
through ``event_describe``, which picks the vocabulary of the audience (the applicant reads plain
words, staff the working ones) and names the documented fields each event type publishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from priemnaya.appeals.deadlines import local_day
from priemnaya.appeals.inputs import SPECS
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.states import EventType, Outcome, Status
from priemnaya.catalog.models import Regime
from priemnaya.core.numbering import format_number


class Audience(StrEnum):
    APPLICANT = "applicant"
    STAFF = "staff"


# ---- dates and states ---------------------------------------------------------------------------


def local_date(value: datetime | date | str | None) -> date | None:
    """Return the local calendar date of an instant (or of an ISO date or date-time string)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value) if "T" in value else None
        value = parsed or parse_date(value)
        if value is None:
            return None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def format_date(value: datetime | date | str | None) -> str:
    """Return ДД.ММ.ГГГГ in local time, or «—»: the one way dates of deadlines are shown."""
    day = local_date(value)
    return f"{day:%d.%m.%Y}" if day else "—"


def due_date(appeal: Appeal) -> date | None:
    """Return the day by the end of which the answer is due, in the department's zone (a due
    moment of 23:59:59 in Kaliningrad is already the next day in Moscow)."""
    return local_day(appeal.department, appeal.due_at) if appeal.due_at else None


def overdue_since(appeal: Appeal) -> date | None:
    """Return the last day of the deadline that passed without an answer, or None if in time."""
    return due_date(appeal) if appeal.is_overdue else None


def overdue_explanation(
    *, due: date | None, escalated: bool | None, extended: bool = False
) -> list[str]:
    """What the applicant reads about a missed deadline: that it passed, why, and what now.

    A 59-FZ deadline cannot move by itself (only an extension made before it passes would), so
    no new date is promised: the appeal is under the head's control and answered as soon as
    possible — what is true, not what would be comforting. ``escalated`` None: the sweep has not
    handled the breach yet, so nothing is claimed about who was told.
    """
    until = f" — до {format_date(due)} —" if due else ""
    why = f"Срок ответа{until} истёк, а ответ ещё не подготовлен."
    if extended:
        why += " Срок уже продлевался, и продлённый срок тоже истёк."
    if escalated is None:
        now = "Ответ будет дан в кратчайший срок."
    elif escalated:
        now = (
            "Обращение передано на контроль руководителю вышестоящего подразделения; "
            "ответ будет дан в кратчайший срок."
        )
    else:
        now = "О нарушении срока сообщено руководителю; ответ будет дан в кратчайший срок."
    return [why, now]


def status_label(status: str, audience: Audience) -> str:
    """Return the state's name in the audience's vocabulary («Рассматривается» / «В работе»)."""
    if not status:
        return ""
    if audience is Audience.APPLICANT:
        return APPLICANT_VIEW[status][0]
    return Status(status).label


def next_step(appeal: Appeal, *, overdue: Event | None = None) -> str:
    """Return what happens next, as the applicant reads it.

    Past the deadline the promise «Ответ будет дан до …» would be false: the page says instead
    that the deadline passed and what happens now (from the sweep's ``overdue`` event, if any).
    """
    if appeal.is_overdue:
        return " ".join(
            overdue_explanation(
                due=due_date(appeal),
                escalated=bool(overdue.data.get("escalate")) if overdue is not None else None,
                extended=appeal.extended,
            )
        )
    return APPLICANT_VIEW[appeal.status][1].format(due=format_date(due_date(appeal)))


def received_note(received: date | datetime | str | None, *, late: bool) -> str:
    """Return how staff read the received date: a late registration is a visible mark."""
    day = format_date(received)
    if late:
        return f"Зарегистрировано с нарушением срока (поступило {day})"
    return f"Поступило {day}"


# ---- events -------------------------------------------------------------------------------------

_APPLICANT_TITLES = {
    EventType.REGISTERED: "Обращение зарегистрировано",
    EventType.EDITED: "Вы изменили обращение",
    EventType.TAKEN: "Специалист начал работу",
    EventType.INFO_REQUESTED: "Специалист просит уточнить",
    EventType.INFO_PROVIDED: "Вы дополнили обращение",
    EventType.ANSWERED: "Дан ответ",
    EventType.CLOSED: "Обращение завершено",
    EventType.WITHDRAWN: "Вы отозвали обращение",
    EventType.REDIRECTED: "Передано в другое ведомство",
    EventType.ESCALATED: "Передано на вышестоящий уровень",
    EventType.EXTENDED: "Срок рассмотрения продлён",
    EventType.RATED: "Вы оценили ответ",
    EventType.REOPENED: "Обращение снова рассматривается",
    EventType.ANSWER_CONFIRMED: "Ответ проверен и подтверждён",
    EventType.INCIDENT_LINKED: "Мы знаем о сбое",
    EventType.FORWARDED: "Направлено в орган по компетенции",
    EventType.OVERDUE: "Срок ответа истёк",
    EventType.REGIME_CHANGED: "Изменён порядок рассмотрения",
    EventType.DOCUMENTS_ADDED: "Вы добавили документы",
    EventType.APPLICANT_LINKED: "Обращение добавлено в личный кабинет",
    EventType.COLLECTIVE_JOINED: "Объединено с похожими обращениями",
}

# How the applicant reads a regime: «Обращение рассматривается как …».
_REGIME_AS = {"fz59": "обращение по 59-ФЗ", "message": "сообщение"}


@dataclass(frozen=True)
class EventDescription:
    """One journal entry as an audience reads it; ``data`` holds the type's published fields."""

    id: int
    type: str
    title: str
    created_at: datetime
    actor_name: str
    from_status: str
    to_status: str
    status_label: str
    internal: bool
    text: str
    details: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def _files_of(d: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": f["id"], "name": f["name"]} for f in d.get("attachments") or []]


def _published(event: Event, audience: Audience) -> dict[str, Any]:
    """Return the documented fields of the event's type (docs/api.md, OpenAPI per type)."""
    d = event.data
    published = _published_fields(event, audience)
    if event.type in _WITH_FILES:
        published["attachments"] = _files_of(d)
    return published


# Event types that may bring files (issue 10): their data lists them as {id, name}.
_WITH_FILES = frozenset(
    {
        EventType.REGISTERED,
        EventType.INFO_PROVIDED,
        EventType.ANSWERED,
        EventType.DOCUMENTS_ADDED,
    }
)


def _published_fields(event: Event, audience: Audience) -> dict[str, Any]:
    d = event.data
    match event.type:
        case EventType.REGISTERED:
            published: dict[str, Any] = {
                "number": format_number(d.get("number", "")),
                "due_date": local_date(d.get("due_date") or d.get("due_at")),
                "repeat_of": format_number(d["repeat_of"]) if d.get("repeat_of") else None,
                "contest_of": format_number(d["contest_of"]) if d.get("contest_of") else None,
            }
            if audience is Audience.STAFF and d.get("received_date"):
                published["received_date"] = local_date(d.get("received_date"))
                published["late_registration"] = bool(d.get("late_registration"))
            # How it was routed is internal: the applicant reads only where it is (redirects).
            if audience is Audience.STAFF and d.get("route"):
                route = d["route"]
                published["route"] = {
                    "by": route.get("by", "rule" if route.get("rule") else ""),
                    "rule": route.get("rule"),
                    "rule_name": route.get("name", ""),
                    "department": route.get("department", d.get("department", "")),
                }
            return published
        case EventType.EDITED:
            return {"fields": list(d.get("fields", []))}
        case EventType.INFO_PROVIDED:
            return {"due_date": local_date(d.get("due_date") or d.get("due_at"))}
        case EventType.ANSWERED:
            outcome = d.get("outcome", "")
            label = Outcome(outcome).label if outcome in Outcome.values else ""
            return {"outcome": outcome, "outcome_label": label}
        case EventType.CLOSED:
            return {"by": d.get("by", "applicant")}
        # Drafts under the head's review are staff's alone (the events are internal too).
        case EventType.ANSWER_SUBMITTED if audience is Audience.STAFF:
            outcome = d.get("outcome", "")
            return {
                "draft_id": d.get("draft_id"),
                "outcome": outcome,
                "outcome_label": Outcome(outcome).label if outcome in Outcome.values else "",
                "resubmitted": bool(d.get("resubmitted")),
            }
        case EventType.ANSWER_RETURNED if audience is Audience.STAFF:
            return {"draft_id": d.get("draft_id"), "author_name": d.get("author_name", "")}
        case EventType.REDIRECTED | EventType.ESCALATED:
            published = {
                "department": d.get("target", d.get("to", "")),
                "department_name": d.get("target_name", d.get("to_name", "")),
            }
            if event.type == EventType.ESCALATED:
                published["level"] = d.get("level", 0)
            if audience is Audience.STAFF:
                published["previous_department"] = d.get("source", d.get("from", ""))
                if event.type == EventType.REDIRECTED:
                    published["routed"] = bool(d.get("routed"))
            return published
        case EventType.EXTENDED:
            return {
                "previous_due_date": local_date(d.get("old_due_date") or d.get("from")),
                "due_date": local_date(d.get("due_date") or d.get("to")),
            }
        case EventType.ASSIGNED:
            return {"assignee_name": d.get("assignee_name", "")}
        case EventType.RATED:
            return {"rating": d.get("rating"), "review": bool(d.get("review"))}
        case EventType.INCIDENT_LINKED if audience is Audience.STAFF:
            return {"incident": d.get("incident")}
        case EventType.FORWARDED:
            return {"forward_to": d.get("forward_to", "")}
        case EventType.DUE_SOON:
            return {
                "due_date": local_date(d.get("due_date")),
                "hours_left": d.get("hours_left"),
                "assignee_name": d.get("assignee_name"),
                "department": d.get("department", ""),
                "department_name": d.get("department_name", ""),
            }
        case EventType.FIRST_RESPONSE_OVERDUE:
            return {
                "first_response_due_at": parse_datetime(d.get("first_response_due_at") or ""),
                "escalated": bool(d.get("escalate")),
            }
        case EventType.OVERDUE:
            published = {
                "due_date": local_date(d.get("due_date")),
                "escalated": bool(d.get("escalate")),
                "extended": bool(d.get("extended")),
            }
            if audience is Audience.STAFF:
                published["assignee_name"] = d.get("assignee_name")
            return published
        case EventType.REOPENED:
            return {
                "previous_due_date": local_date(d.get("old_due_date")),
                "due_date": local_date(d.get("due_date")),
            }
        case EventType.REGIME_CHANGED:
            regime = d.get("regime", "")
            published = {
                "regime": regime,
                "regime_label": Regime(regime).label if regime in Regime.values else "",
                "due_date": local_date(d.get("due_date")),
                "previous_due_date": local_date(d.get("old_due_date")),
            }
            if audience is Audience.STAFF:
                published |= {
                    "previous_regime": d.get("old_regime") or None,
                    "policy": d.get("policy"),
                }
            return published
        case EventType.APPLICANT_LINKED:
            return {"contact": d.get("contact", "")}
        case EventType.COLLECTIVE_JOINED:
            return {"collective": d.get("collective"), "title": d.get("title", "")}
        case EventType.ARCHIVED:
            return {"retention_years": d.get("retention_years")}
        case EventType.ANONYMISED:
            return {"act": d.get("act")}
    return {}


_ROUTE_LINES = {
    "rule": "Направлено по правилу «{rule_name}»",
    "theme": "Направлено по теме обращения",
    "first_line": "Не распределено: ни одно правило не подошло, у темы нет ведомства",
    "contest": "Обжалование: направлено на уровень выше ответившего ведомства",
}


_LINKED_BY = {
    "phone": "По подтверждённому номеру телефона в учётной записи",
    "email": "По подтверждённому адресу электронной почты в учётной записи",
}


def _details(event: Event, data: dict[str, Any], audience: Audience) -> list[str]:
    lines: list[str] = []
    match event.type:
        case EventType.REGISTERED:
            if data.get("contest_of"):
                lines.append(f"Обжалование ответа по обращению № {data['contest_of']}")
            elif data.get("repeat_of"):
                lines.append(f"Повтор обращения № {data['repeat_of']}")
            if data.get("due_date"):
                lines.append(f"Срок ответа: до {format_date(data['due_date'])}")
            if route := data.get("route"):
                lines.append(_ROUTE_LINES.get(route["by"], "").format(**route))
            if data.get("received_date"):
                lines.append(received_note(data["received_date"], late=data["late_registration"]))
        case EventType.EDITED if data["fields"]:
            names = "; ".join(SPECS[f].label.lower() if f in SPECS else f for f in data["fields"])
            lines.append(f"Изменено: {names}")
        case EventType.INFO_PROVIDED if data.get("due_date"):
            lines.append(f"Срок ответа: до {format_date(data['due_date'])}")
        case EventType.ANSWERED if data["outcome_label"]:
            lines.append(f"Результат: {data['outcome_label']}")
        case EventType.ANSWER_SUBMITTED if data.get("outcome_label"):
            again = " (после доработки)" if data["resubmitted"] else ""
            lines.append(f"Предлагаемый результат: {data['outcome_label']}{again}")
        case EventType.ANSWER_RETURNED if data.get("author_name"):
            lines.append(f"Исполнитель: {data['author_name']}")
        case EventType.REDIRECTED | EventType.ESCALATED if data["department_name"]:
            lines.append(f"Направлено: {data['department_name']}")
            if data.get("routed"):
                lines.append("Распределено вручную: ни одно правило не подошло")
        case EventType.EXTENDED:
            lines.append(f"Новый срок: до {format_date(data['due_date'])}")
        case EventType.ASSIGNED:
            lines.append(f"Исполнитель: {data['assignee_name']}")
        case EventType.FORWARDED if data["forward_to"]:
            lines.append(f"Направлено: {data['forward_to']}")
        case EventType.REOPENED if data["due_date"]:
            lines.append(f"Новый срок ответа: до {format_date(data['due_date'])}")
        case EventType.REGIME_CHANGED if audience is Audience.APPLICANT:
            lines.append(
                f"Обращение рассматривается как {_REGIME_AS.get(data['regime'], data['regime'])}, "
                f"срок ответа до {format_date(data['due_date'])}"
            )
        case EventType.REGIME_CHANGED:
            lines.append(f"Режим: {data['regime_label']} (политика {data['policy']})")
            lines.append(f"Срок ответа: до {format_date(data['due_date'])}")
        case EventType.RATED if data["rating"]:
            review = " — ответ передан на проверку руководителю" if data["review"] else ""
            lines.append(f"Оценка: {data['rating']} из 5{review}")
        case EventType.DUE_SOON:
            left = (
                f", осталось около {data['hours_left']} ч" if data["hours_left"] is not None else ""
            )
            lines.append(f"Срок ответа: до {format_date(data['due_date'])}{left}")
            whom = data["assignee_name"] or f"{data['department_name']} (исполнитель не назначен)"
            lines.append(f"Кому: {whom}")
        case EventType.FIRST_RESPONSE_OVERDUE:
            due = data["first_response_due_at"]
            when = timezone.localtime(due).strftime("%d.%m.%Y %H:%M") if due else "—"
            lines.append(f"Срок первой реакции: {when}")
            lines.append(
                "Передано на контроль автоматически"
                if data["escalated"]
                else "Руководитель уведомлён"
            )
        case EventType.OVERDUE if audience is Audience.APPLICANT:
            lines += overdue_explanation(
                due=data["due_date"], escalated=data["escalated"], extended=data["extended"]
            )
        case EventType.OVERDUE:
            lines.append(f"Срок ответа: до {format_date(data['due_date'])}")
            lines.append(
                "Эскалировано автоматически по политике сроков"
                if data["escalated"]
                else "Уведомлены исполнитель и руководитель (эскалация политикой не предусмотрена)"
            )
            if data["assignee_name"]:
                lines.append(f"Исполнитель: {data['assignee_name']}")
            lines.append("Заявителю сообщено о нарушении срока")
    if event.type == EventType.APPLICANT_LINKED:
        lines.append(_LINKED_BY.get(data["contact"], ""))
    if event.type == EventType.INCIDENT_LINKED and data.get("incident"):
        lines.append(f"Инцидент № {data['incident']}")
    if files := data.get("attachments"):
        lines.append("Файлы: " + ", ".join(f"«{f['name']}»" for f in files))
    if event.type == EventType.ESCALATED and audience is Audience.STAFF:
        lines.append(f"Уровень эскалации: {data['level']}")
    return lines


def _actor_name(event: Event) -> str:
    if event.actor_id is None:
        return "автоматически" if event.type == EventType.CLOSED else "Система"
    return event.actor.full_name if event.actor else ""


def event_describe(event: Event, *, audience: Audience) -> EventDescription:
    """Return the event as the audience reads it: title, who, what changed and its fields."""
    data = _published(event, audience)
    if audience is Audience.APPLICANT:
        title = _APPLICANT_TITLES.get(EventType(event.type), event.get_type_display())
        if event.type == EventType.CLOSED and data.get("by") == "timer":
            title = "Обращение завершено автоматически"
    else:
        title = event.get_type_display()
    return EventDescription(
        id=event.pk,
        type=event.type,
        title=title,
        created_at=event.created_at,
        actor_name=_actor_name(event),
        from_status=event.from_status,
        to_status=event.to_status,
        status_label=status_label(event.to_status, audience),
        internal=not event.is_public,
        text=event.text,
        details=_details(event, data, audience),
        data=data,
    )
