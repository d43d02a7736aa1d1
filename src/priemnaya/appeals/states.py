"""Vocabularies of the appeal: states (SPEC §4), channels, priorities, outcomes (SPEC §10)."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Черновик"
    REGISTERED = "registered", "Получено"
    IN_PROGRESS = "in_progress", "В работе"
    NEEDS_INFO = "needs_info", "Требуется уточнение"
    ANSWERED = "answered", "Ответ готов"
    CLOSED = "closed", "Закрыто"
    WITHDRAWN = "withdrawn", "Отозвано"


OPEN_STATUSES = frozenset({Status.REGISTERED, Status.IN_PROGRESS, Status.NEEDS_INFO})
FINAL_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN})


class Channel(models.TextChoices):
    PORTAL = "portal", "Портал"
    MOBILE = "mobile", "Мобильное приложение"
    CHAT = "chat", "Онлайн-чат"
    PHONE = "phone", "Телефон"
    EMAIL = "email", "Электронная почта"
    LETTER = "letter", "Письмо"
    MFC = "mfc", "МФЦ"
    SOCIAL = "social", "Социальные сети"


STAFF_INTAKE_CHANNELS = frozenset(
    {Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.MFC, Channel.SOCIAL, Channel.CHAT}
)


class Priority(models.IntegerChoices):
    LOW = 1, "Низкий"
    NORMAL = 2, "Обычный"
    HIGH = 3, "Высокий"
    CRITICAL = 4, "Критический"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Выполнено"
    REJECTED = "rejected", "Отклонено"
    CLARIFY = "clarify", "Требуется уточнение"
    NO_ANSWER = "no_answer", "Оставлено без ответа"


# Numeric result codes of the answer, one per outcome (SPEC §10).
OUTCOME_CODES = {
    Outcome.RESOLVED: 1,
    Outcome.REJECTED: 2,
    Outcome.CLARIFY: 3,
    Outcome.NO_ANSWER: 4,
}


class NoAnswerGround(models.TextChoices):
    """Legal grounds for leaving an appeal without an answer on the merits (59-FZ art. 11)."""

    NO_NAME_OR_ADDRESS = "no_name_or_address", "Не указаны фамилия или адрес для ответа"
    OBSCENE = "obscene", "Нецензурные либо оскорбительные выражения"
    UNREADABLE = "unreadable", "Текст не поддаётся прочтению"
    REPEATED = "repeated", "Повторное обращение без новых доводов"


class EventType(models.TextChoices):
    DRAFT_SAVED = "draft_saved", "Черновик сохранён"
    REGISTERED = "registered", "Обращение получено"
    EDITED = "edited", "Обращение изменено заявителем"
    TAKEN = "taken", "Взято в работу"
    INFO_REQUESTED = "info_requested", "Запрошено уточнение"
    INFO_PROVIDED = "info_provided", "Обращение дополнено"
    ANSWERED = "answered", "Дан ответ"
    CLOSED = "closed", "Обращение закрыто"
    WITHDRAWN = "withdrawn", "Обращение отозвано"
    COMMENTED = "commented", "Комментарий"
    REDIRECTED = "redirected", "Перенаправлено"
    EXTENDED = "extended", "Срок продлён"
    ESCALATED = "escalated", "Эскалация"
    ASSIGNED = "assigned", "Назначен исполнитель"
    NOTE_ADDED = "note_added", "Внутренняя заметка"
    RATED = "rated", "Ответ оценён"
    REOPENED = "reopened", "Возвращено в работу"
    ANSWER_CONFIRMED = "answer_confirmed", "Ответ подтверждён после проверки"
    REGIME_CHANGED = "regime_changed", "Режим рассмотрения изменён"


class MessageKind(models.TextChoices):
    COMMENT = "comment", "Комментарий"
    QUESTION = "question", "Запрос уточнения"
    REPLY = "reply", "Уточнение заявителя"
    NOTE = "note", "Внутренняя заметка"
