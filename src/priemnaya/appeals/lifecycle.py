"""The transition table of SPEC §4: which action is allowed from which state, and by whom."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from priemnaya.appeals.states import Status

S = Status


class Side(Enum):
    APPLICANT = "applicant"
    STAFF = "staff"
    SYSTEM = "system"


class Action(StrEnum):
    """Everything that can be done to an appeal; the values are the API's action names."""

    SAVE_DRAFT = "save_draft"
    SUBMIT = "submit"
    EDIT = "edit"
    TAKE = "take"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    ANSWER = "answer"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    COMMENT = "comment"
    REDIRECT = "redirect"
    EXTEND = "extend"
    ESCALATE = "escalate"
    ASSIGN = "assign"
    NOTE = "note"
    RATE = "rate"
    CONFIRM = "confirm"
    LINK_INCIDENT = "link_incident"
    # The deadline sweeps' marks (system only; the state does not change).
    WARN_DUE_SOON = "warn_due_soon"
    FLAG_FIRST_RESPONSE_OVERDUE = "flag_first_response_overdue"
    FLAG_OVERDUE = "flag_overdue"
    CHANGE_REGIME = "change_regime"
    ADD_DOCUMENTS = "add_documents"
    LINK_APPLICANT = "link_applicant"
    # Issue 14 — retention (system only): an old closed appeal goes to the archive, and at the end
    # of its retention period loses its personal data. Never offered on a page.
    ARCHIVE = "archive"
    ANONYMISE = "anonymise"
    JOIN_COLLECTIVE = "join_collective"

    @property
    def slug(self) -> str:
        """The action as it appears in URLs and the API's `actions` list (`request-info`)."""
        return self.value.replace("_", "-")


# An appeal not yet stored has no state; it enters the table through save_draft or submit.
NEW = ""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the action does not change the state
    sides: frozenset[Side]
    label: str
    # Staff may do it only as the head of the appeal's department or quality control.
    reviewers_only: bool = False


def _t(sources, target, sides, label, *, reviewers_only=False) -> Transition:
    return Transition(frozenset(sources), target, frozenset(sides), label, reviewers_only)


A, ST, SY = Side.APPLICANT, Side.STAFF, Side.SYSTEM
WORKING = {S.REGISTERED, S.IN_PROGRESS, S.NEEDS_INFO}

TRANSITIONS: dict[Action, Transition] = {
    Action.SAVE_DRAFT: _t({NEW, S.DRAFT}, S.DRAFT, {A}, "Сохранить черновик"),
    Action.SUBMIT: _t({NEW, S.DRAFT}, S.REGISTERED, {A, ST}, "Отправить"),
    Action.EDIT: _t({S.REGISTERED}, None, {A}, "Изменить"),
    Action.TAKE: _t({S.REGISTERED}, S.IN_PROGRESS, {ST}, "Взять в работу"),
    Action.REQUEST_INFO: _t({S.IN_PROGRESS}, S.NEEDS_INFO, {ST}, "Запросить уточнение"),
    Action.PROVIDE_INFO: _t({S.NEEDS_INFO}, S.IN_PROGRESS, {A}, "Дополнить"),
    Action.ANSWER: _t({S.IN_PROGRESS}, S.ANSWERED, {ST}, "Ответить"),
    Action.CLOSE: _t({S.ANSWERED}, S.CLOSED, {A, SY}, "Завершить"),
    Action.WITHDRAW: _t(WORKING, S.WITHDRAWN, {A}, "Отозвать"),
    Action.REOPEN: _t({S.ANSWERED}, S.IN_PROGRESS, {ST}, "Вернуть в работу", reviewers_only=True),
    Action.COMMENT: _t(WORKING | {S.ANSWERED}, None, {A, ST}, "Комментарий"),
    Action.REDIRECT: _t(WORKING, None, {ST}, "Перенаправить"),
    Action.EXTEND: _t(WORKING, None, {ST}, "Продлить срок"),
    # After the answer the applicant may still ask the higher level to look at it (SPEC §4).
    Action.ESCALATE: _t(WORKING | {S.ANSWERED}, None, {A, ST, SY}, "Эскалировать"),
    Action.ASSIGN: _t(WORKING, None, {ST}, "Назначить исполнителя", reviewers_only=True),
    Action.NOTE: _t(WORKING | {S.ANSWERED}, None, {ST}, "Внутренняя заметка"),
    Action.RATE: _t({S.ANSWERED, S.CLOSED}, None, {A}, "Оценить ответ"),
    Action.CONFIRM: _t(
        {S.ANSWERED, S.CLOSED}, None, {ST}, "Подтвердить ответ", reviewers_only=True
    ),
    # Done by incident detection (a consumer of the journal), never offered on a page.
    Action.LINK_INCIDENT: _t(WORKING, None, {SY}, "Связать с инцидентом"),
    Action.WARN_DUE_SOON: _t(WORKING, None, {SY}, "Предупредить о сроке"),
    Action.FLAG_FIRST_RESPONSE_OVERDUE: _t(
        {S.REGISTERED}, None, {SY}, "Отметить нарушение срока первой реакции"
    ),
    Action.FLAG_OVERDUE: _t(WORKING, None, {SY}, "Отметить нарушение срока ответа"),
    Action.CHANGE_REGIME: _t(
        WORKING, None, {ST}, "Изменить режим рассмотрения", reviewers_only=True
    ),
    # Documents the applicant sends after submitting, while the appeal is being considered.
    Action.ADD_DOCUMENTS: _t(WORKING, None, {A}, "Добавить документы"),
    # A staff-registered appeal joins the account that confirmed its phone or e-mail (issue 13);
    # done when the contact is confirmed, never offered on a page.
    Action.LINK_APPLICANT: _t(
        WORKING | {S.ANSWERED, S.CLOSED, S.WITHDRAWN}, None, {SY}, "Связать с личным кабинетом"
    ),
    Action.ARCHIVE: _t({S.CLOSED, S.WITHDRAWN}, None, {SY}, "Передать в архив"),
    Action.ANONYMISE: _t({S.CLOSED, S.WITHDRAWN}, None, {SY}, "Обезличить"),
    # Issue 14: staff merge similar open appeals under one collective issue; the collective app
    # checks who may merge (heads and quality control) and journals it like an incident link.
    Action.JOIN_COLLECTIVE: _t(WORKING, None, {SY}, "Объединить в коллективное обращение"),
}

# Actions only the deadline sweeps perform: never offered on a page or in the API.
SWEEP_ACTIONS = frozenset(
    {Action.WARN_DUE_SOON, Action.FLAG_FIRST_RESPONSE_OVERDUE, Action.FLAG_OVERDUE}
)


def allowed(action: str, status: str, side: Side) -> bool:
    """Return True if the table lets ``side`` perform ``action`` on an appeal in ``status``."""
    transition = TRANSITIONS[Action(action)]
    return status in transition.sources and side in transition.sides


def actions_for(status: str, side: Side) -> list[Action]:
    """Return the actions the table allows a side in a state, in table order (drafts aside)."""
    return [
        name
        for name in TRANSITIONS
        if name is not Action.SAVE_DRAFT and allowed(name, status, side)
    ]


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
