"""Journal events of every type for rendering tests: rows shaped as ``appeals.events`` writes them.

The constructors need an appeal in the right state for each; rendering only reads the row, so the
tests write the rows directly with the payload keys each constructor uses.
"""

from __future__ import annotations

from typing import Any

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.states import EventType, Status
from priemnaya.core import clock

E = EventType
S = Status

# type → (from_status, to_status, is_public, text, data)
SHAPES: dict[str, tuple[str, str, bool, str, dict[str, Any]]] = {
    E.DRAFT_SAVED: ("", S.DRAFT, False, "", {}),
    E.REGISTERED: (
        S.DRAFT,
        S.REGISTERED,
        True,
        "",
        {"number": "2600012349", "due_date": "2026-12-23", "department": "support"},
    ),
    E.EDITED: (S.REGISTERED, S.REGISTERED, True, "", {"fields": ["subject", "text"]}),
    E.TAKEN: (S.REGISTERED, S.IN_PROGRESS, True, "", {}),
    E.INFO_REQUESTED: (S.IN_PROGRESS, S.NEEDS_INFO, True, "Уточните <браузер> & версию.", {}),
    E.INFO_PROVIDED: (S.NEEDS_INFO, S.IN_PROGRESS, True, "Chrome 120", {"due_date": "2026-12-25"}),
    E.ANSWERED: (S.IN_PROGRESS, S.ANSWERED, True, "", {"outcome": "resolved", "answer_id": 1}),
    E.CLOSED: (S.ANSWERED, S.CLOSED, True, "", {"by": "timer"}),
    E.WITHDRAWN: (S.REGISTERED, S.WITHDRAWN, True, "Вопрос решился сам.", {}),
    E.COMMENTED: (S.IN_PROGRESS, S.IN_PROGRESS, True, "Работаем над этим.", {}),
    E.REDIRECTED: (
        S.REGISTERED,
        S.REGISTERED,
        True,
        "Не наша компетенция.",
        {
            "source": "support",
            "target": "services",
            "target_name": "Департамент государственных услуг и взаимодействия с гражданами",
        },
    ),
    E.EXTENDED: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        True,
        "Нужен запрос в другой орган.",
        {"old_due_date": "2026-12-23", "due_date": "2027-01-22"},
    ),
    E.ESCALATED: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        True,
        "Срок нарушен.",
        {
            "level": 1,
            "source": "support",
            "target": "quality",
            "target_name": "Контроль качества",
            "by": "sweep",
        },
    ),
    E.ASSIGNED: (
        S.REGISTERED,
        S.REGISTERED,
        False,
        "",
        {"assignee_id": 1, "assignee_name": "Петрова Анна Сергеевна"},
    ),
    E.NOTE_ADDED: (S.IN_PROGRESS, S.IN_PROGRESS, False, "Позвонить в ИТ.", {}),
    E.RATED: (S.ANSWERED, S.ANSWERED, True, "Не помогло.", {"rating": 1, "review": True}),
    E.REOPENED: (
        S.ANSWERED,
        S.IN_PROGRESS,
        True,
        "Ответ неполный.",
        {"old_due_date": "2026-12-23", "due_date": "2026-12-30"},
    ),
    E.ANSWER_CONFIRMED: (S.ANSWERED, S.ANSWERED, True, "Ответ верный.", {}),
    E.INCIDENT_LINKED: (
        S.REGISTERED,
        S.REGISTERED,
        True,
        "Мы знаем о сбое и уже устраняем его.",
        {"incident": 7, "signature": "sms"},
    ),
    E.APPLICANT_LINKED: (S.REGISTERED, S.REGISTERED, True, "", {"contact": "phone"}),
    E.COLLECTIVE_JOINED: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        True,
        "",
        {"collective": 3, "title": "Не работает подтверждение по SMS"},
    ),
    E.ARCHIVED: (S.CLOSED, S.CLOSED, False, "", {"retention_years": 5}),
    E.ANONYMISED: (S.CLOSED, S.CLOSED, False, "", {"act": 1}),
    E.FORWARDED: (
        S.IN_PROGRESS,
        S.ANSWERED,
        True,
        "",
        {"outcome": "forwarded", "answer_id": 2, "forward_to": "МВД России"},
    ),
    E.DUE_SOON: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        False,
        "",
        {
            "due_date": "2026-12-23",
            "hours_left": 20,
            "assignee_name": "Петрова Анна Сергеевна",
            "department": "support",
            "department_name": "Служба поддержки портала",
        },
    ),
    E.FIRST_RESPONSE_OVERDUE: (
        S.REGISTERED,
        S.REGISTERED,
        False,
        "",
        {"first_response_due_at": "2026-11-27T09:00:00+03:00", "escalate": True},
    ),
    E.OVERDUE: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        True,
        "",
        {"due_date": "2026-12-23", "escalate": True, "extended": False, "assignee_name": "Петрова"},
    ),
    E.REGIME_CHANGED: (
        S.REGISTERED,
        S.REGISTERED,
        True,
        "Это сообщение, а не обращение.",
        {
            "regime": "message",
            "policy": "message",
            "old_regime": "fz59",
            "old_due_date": "2026-12-23",
            "due_date": "2026-12-02",
        },
    ),
    E.DOCUMENTS_ADDED: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        True,
        "Прилагаю справку.",
        {"attachments": [{"id": 1, "name": "Справка о доходах.pdf"}]},
    ),
    # The head's review of answers (internal; issue 10).
    E.ANSWER_SUBMITTED: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        False,
        "",
        {"draft_id": 1, "outcome": "resolved"},
    ),
    E.ANSWER_RETURNED: (
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        False,
        "Добавьте срок <восстановления> & ссылку.",
        {"draft_id": 1, "author_id": 1, "author_name": "Петрова Анна Сергеевна"},
    ),
}


def make_event(appeal: Appeal, type: str, *, actor: User | None) -> Event:
    """Write a journal row of ``type`` for ``appeal`` with the payload its constructor writes."""
    from_status, to_status, is_public, text, data = SHAPES[type]
    return Event.objects.create(
        appeal=appeal,
        type=type,
        actor=actor,
        actor_role=actor.role if actor else "system",
        created_at=clock.now(),
        from_status=from_status,
        to_status=to_status,
        is_public=is_public,
        text=text,
        data=data,
    )
