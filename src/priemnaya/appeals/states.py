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


class ReplyChannel(models.TextChoices):
    """How the answer reaches the applicant: it follows the intake channel (LEGAL.md rule 15)."""

    ELECTRONIC = "electronic", "в личный кабинет / на e-mail"
    POST = "post", "почтой по адресу"
    PHONE_AND_POST = "phone_post", "по телефону и почтой"


REPLY_CHANNELS = {
    Channel.PORTAL: ReplyChannel.ELECTRONIC,
    Channel.MOBILE: ReplyChannel.ELECTRONIC,
    Channel.CHAT: ReplyChannel.ELECTRONIC,
    Channel.EMAIL: ReplyChannel.ELECTRONIC,
    Channel.SOCIAL: ReplyChannel.ELECTRONIC,
    Channel.LETTER: ReplyChannel.POST,
    Channel.MFC: ReplyChannel.POST,
    Channel.PHONE: ReplyChannel.PHONE_AND_POST,
}


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
    # 59-FZ art. 11 p.1: a report of a crime without name or address goes to the competent body.
    FORWARDED = "forwarded", "Направлено в орган по компетенции"


# Numeric result codes of the answer, one per outcome (SPEC §10); an answer left without a reply
# on the merits carries its ground's code instead (GROUND_CODES, docs/decisions.md).
OUTCOME_CODES = {
    Outcome.RESOLVED: 1,
    Outcome.REJECTED: 2,
    Outcome.CLARIFY: 3,
    Outcome.NO_ANSWER: 4,
    Outcome.FORWARDED: 5,
}


class NoAnswerGround(models.TextChoices):
    """Legal grounds for leaving an appeal without an answer on the merits (59-FZ art. 11)."""

    NO_NAME_OR_ADDRESS = "no_name_or_address", "Не указаны фамилия или адрес для ответа"
    OBSCENE = "obscene", "Нецензурные либо оскорбительные выражения"
    UNREADABLE = "unreadable", "Текст не поддаётся прочтению"
    REPEATED = "repeated", "Прекращение переписки: повторное обращение без новых доводов"
    SUBSTANCE_UNCLEAR = "substance_unclear", "Невозможно установить суть обращения"


# The result code of each ground (59-FZ art. 11; LEGAL.md §6 rules 8, 10–12).
GROUND_CODES = {
    NoAnswerGround.NO_NAME_OR_ADDRESS: 41,
    NoAnswerGround.OBSCENE: 42,
    NoAnswerGround.UNREADABLE: 43,
    NoAnswerGround.REPEATED: 44,
    NoAnswerGround.SUBSTANCE_UNCLEAR: 45,
}

# The standard notice the applicant reads with the answer, per ground (and for a forward).
GROUND_NOTICES = {
    NoAnswerGround.NO_NAME_OR_ADDRESS: (
        "Ответ на обращение не дан: в нём не указаны фамилия гражданина или почтовый либо "
        "электронный адрес для ответа (ч. 1 ст. 11 Федерального закона № 59-ФЗ)."
    ),
    NoAnswerGround.OBSCENE: (
        "Обращение оставлено без ответа по существу поставленных в нём вопросов: оно содержит "
        "нецензурные либо оскорбительные выражения, угрозы жизни, здоровью и имуществу "
        "должностного лица, а также членов его семьи. Сообщаем о недопустимости "
        "злоупотребления правом (ч. 3 ст. 11 Федерального закона № 59-ФЗ)."
    ),
    NoAnswerGround.UNREADABLE: (
        "Ответ на обращение не дан: его текст не поддаётся прочтению, и обращение не "
        "направляется на рассмотрение (ч. 4 ст. 11 Федерального закона № 59-ФЗ)."
    ),
    NoAnswerGround.SUBSTANCE_UNCLEAR: (
        "Ответ на обращение не дан: из его текста невозможно установить суть предложения, "
        "заявления или жалобы (ч. 4.1 ст. 11 Федерального закона № 59-ФЗ)."
    ),
    NoAnswerGround.REPEATED: (
        "Переписка с вами по этому вопросу прекращена решением руководителя: вам неоднократно "
        "давались письменные ответы по существу, а новое обращение не содержит новых доводов "
        "или обстоятельств (ч. 5 ст. 11 Федерального закона № 59-ФЗ). Обращение с новыми "
        "доводами будет рассмотрено."
    ),
}
FORWARD_NOTICE = (
    "Обращение содержит сведения о противоправном деянии и направлено в {body} в соответствии "
    "с его компетенцией (ч. 1 ст. 11 Федерального закона № 59-ФЗ)."
)

# Grounds after which the applicant is notified within 7 days of registration, if their name and
# address can be read (59-FZ art. 11 p.4, 4.1; LEGAL.md §6 rule 11).
NOTICE_DAYS = 7
NOTICE_WITHIN_DAYS = frozenset({NoAnswerGround.UNREADABLE, NoAnswerGround.SUBSTANCE_UNCLEAR})


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
    INCIDENT_LINKED = "incident_linked", "Связано с инцидентом"
    FORWARDED = "forwarded", "Направлено в орган по компетенции"
    # Written by the deadline sweeps (appeals.sweeps), never by a person.
    DUE_SOON = "due_soon", "Скоро срок ответа"
    FIRST_RESPONSE_OVERDUE = "first_response_overdue", "Нарушен срок первой реакции"
    OVERDUE = "overdue", "Срок ответа нарушен"
    REGIME_CHANGED = "regime_changed", "Режим рассмотрения изменён"
    # Issue 10: documents added after submission; the answer's review by the head.
    DOCUMENTS_ADDED = "documents_added", "Добавлены документы"
    ANSWER_SUBMITTED = "answer_submitted", "Ответ направлен на проверку руководителю"
    ANSWER_RETURNED = "answer_returned", "Ответ возвращён на доработку"
    # Issue 13: a staff-registered appeal joins the account that confirmed its contact.
    APPLICANT_LINKED = "applicant_linked", "Связано с личным кабинетом заявителя"
    # Issue 14: a collective issue takes the appeal in; retention archives, then anonymises it.
    COLLECTIVE_JOINED = "collective_joined", "Объединено в коллективное обращение"
    ARCHIVED = "archived", "Передано в архив"
    ANONYMISED = "anonymised", "Персональные данные обезличены по истечении срока хранения"


class MessageKind(models.TextChoices):
    COMMENT = "comment", "Комментарий"
    QUESTION = "question", "Запрос уточнения"
    REPLY = "reply", "Уточнение заявителя"
    NOTE = "note", "Внутренняя заметка"
