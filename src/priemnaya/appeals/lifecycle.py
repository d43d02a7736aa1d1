"""The transition table of SPEC §4: which action is allowed from which state, and by whom."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from priemnaya.appeals.states import Status

S = Status


class Side(Enum):
    APPLICANT = "applicant"
    STAFF = "staff"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the action does not change the state
    sides: frozenset[Side]
    label: str


def _t(sources, target, sides, label) -> Transition:
    return Transition(frozenset(sources), target, frozenset(sides), label)


A, ST, SY = Side.APPLICANT, Side.STAFF, Side.SYSTEM
WORKING = {S.REGISTERED, S.IN_PROGRESS, S.NEEDS_INFO}

TRANSITIONS: dict[str, Transition] = {
    "submit": _t({S.DRAFT}, S.REGISTERED, {A, ST}, "Отправить"),
    "edit": _t({S.REGISTERED}, None, {A}, "Изменить"),
    "take": _t({S.REGISTERED}, S.IN_PROGRESS, {ST}, "Взять в работу"),
    "request_info": _t({S.IN_PROGRESS}, S.NEEDS_INFO, {ST}, "Запросить уточнение"),
    "provide_info": _t({S.NEEDS_INFO}, S.IN_PROGRESS, {A}, "Дополнить"),
    "answer": _t({S.IN_PROGRESS}, S.ANSWERED, {ST}, "Ответить"),
    "close": _t({S.ANSWERED}, S.CLOSED, {A, SY}, "Завершить"),
    "withdraw": _t(WORKING, S.WITHDRAWN, {A}, "Отозвать"),
    "reopen": _t({S.ANSWERED}, S.IN_PROGRESS, {ST}, "Вернуть в работу"),
    "comment": _t(WORKING | {S.ANSWERED}, None, {A, ST}, "Комментарий"),
    "redirect": _t(WORKING, None, {ST}, "Перенаправить"),
    "extend": _t(WORKING, None, {ST}, "Продлить срок"),
    "escalate": _t(WORKING, None, {A, ST, SY}, "Эскалировать"),
    "assign": _t(WORKING, None, {ST}, "Назначить исполнителя"),
    "note": _t(WORKING | {S.ANSWERED}, None, {ST}, "Внутренняя заметка"),
    "rate": _t({S.ANSWERED, S.CLOSED}, None, {A}, "Оценить ответ"),
    "confirm": _t({S.ANSWERED, S.CLOSED}, None, {ST}, "Подтвердить ответ"),
}


def allowed(action: str, status: str, side: Side) -> bool:
    """Return True if the table lets ``side`` perform ``action`` on an appeal in ``status``."""
    transition = TRANSITIONS[action]
    return status in transition.sources and side in transition.sides


def actions_for(status: str, side: Side) -> list[str]:
    """Return the actions the table allows a side in a state, in table order."""
    return [name for name in TRANSITIONS if allowed(name, status, side)]


# What the applicant reads for each state: a plain label and what happens next.
APPLICANT_VIEW: dict[str, tuple[str, str]] = {
    S.DRAFT: ("Черновик", "Обращение ещё не отправлено."),
    S.REGISTERED: ("Получено", "Обращение зарегистрировано. Ответ будет дан до {due}."),
    S.IN_PROGRESS: (
        "Рассматривается",
        "Специалист работает над обращением. Ответ будет дан до {due}.",
    ),
    S.NEEDS_INFO: (
        "Нужно уточнение",
        "Ответьте на вопрос специалиста — до этого срок рассмотрения приостановлен.",
    ),
    S.ANSWERED: ("Ответ готов", "Прочитайте ответ. Если вопрос решён, завершите обращение."),
    S.CLOSED: ("Завершено", "Рассмотрение окончено."),
    S.WITHDRAWN: ("Отозвано", "Вы отозвали обращение."),
}
