"""The default wording of notifications: short phrases per event type, what happens next, and the
default templates per channel (administrators override them with ``models.Template``).

Templates here run in the same sandboxed engine as the administrators' and see the same safe
context (``rendering.context_for``), so a default is also an example of what a template can use.
"""

from __future__ import annotations

from priemnaya.appeals.states import EventType
from priemnaya.notifications.models import Audience, Channel

E = EventType

# What changed, in a few lowercase words: the SMS text and the push body. ``{due}`` is the due
# date the event published (already formatted by ``presenters.format_date``). Each phrase keeps the
# SMS within two Cyrillic segments with a long site address (tests/notifications/test_rendering).
APPLICANT_PHRASES: dict[str, str] = {
    E.DRAFT_SAVED: "черновик сохранён",
    E.REGISTERED: "получено, ответ до {due}",
    E.EDITED: "изменения сохранены",
    E.TAKEN: "специалист начал работу",
    E.INFO_REQUESTED: "нужно уточнение, ответьте в кабинете",
    E.INFO_PROVIDED: "уточнение получено, ответ до {due}",
    E.ANSWERED: "ответ готов",
    E.CLOSED: "рассмотрение завершено",
    E.WITHDRAWN: "обращение отозвано",
    E.COMMENTED: "новое сообщение специалиста",
    E.REDIRECTED: "передано в другое ведомство",
    E.EXTENDED: "срок ответа продлён до {due}",
    E.ESCALATED: "передано на вышестоящий уровень",
    E.ASSIGNED: "назначен исполнитель",
    E.NOTE_ADDED: "обращение рассматривается",
    E.RATED: "спасибо за оценку ответа",
    E.REOPENED: "снова рассматривается, ответ до {due}",
    E.ANSWER_CONFIRMED: "ответ проверен и подтверждён",
    E.INCIDENT_LINKED: "мы знаем о сбое и устраняем его",
    E.FORWARDED: "направлено в орган по компетенции",
    E.DUE_SOON: "скоро срок ответа",
    E.FIRST_RESPONSE_OVERDUE: "обращение рассматривается",
    E.OVERDUE: "срок ответа истёк, обращение на контроле",
    E.REGIME_CHANGED: "изменён порядок, ответ до {due}",
    # Internal (drafts under the head's review): never sent to applicants; a neutral phrase.
    E.ANSWER_SUBMITTED: "обращение рассматривается",
    E.ANSWER_RETURNED: "обращение рассматривается",
    E.DOCUMENTS_ADDED: "документы добавлены",
    E.APPLICANT_LINKED: "обращение добавлено в личный кабинет",
    E.COLLECTIVE_JOINED: "объединено с похожими обращениями, ответ получат все",
    # Internal (retention): never sent to applicants.
    E.ARCHIVED: "обращение передано в архив",
    E.ANONYMISED: "персональные данные обезличены",
}

# Staff read the working names (EventType labels); these add the date where it is the point.
STAFF_PHRASES: dict[str, str] = {
    E.REGISTERED: "новое, срок до {due}",
    E.INFO_PROVIDED: "заявитель ответил, срок до {due}",
    E.EXTENDED: "срок продлён до {due}",
    E.REOPENED: "возвращено в работу, срок до {due}",
    E.DUE_SOON: "срок ответа до {due}",
    E.OVERDUE: "срок ответа нарушен ({due})",
    E.REGIME_CHANGED: "режим изменён, срок до {due}",
}

# What happens next for staff, after the event (the applicant's comes from the appeal's state).
STAFF_NEXT: dict[str, str] = {
    E.REGISTERED: "Обращение ждёт исполнителя: возьмите его в работу в консоли.",
    E.EDITED: "Проверьте изменения заявителя.",
    E.INFO_PROVIDED: "Заявитель ответил на вопрос: продолжите рассмотрение.",
    E.DOCUMENTS_ADDED: "Заявитель добавил документы: учтите их при рассмотрении.",
    E.ASSIGNED: "Возьмите обращение в работу; ответ нужен до {due}.",
    E.REDIRECTED: "Обращение передано в другое подразделение; там его берут в работу.",
    E.ESCALATED: "Обращение на контроле руководителя: ответ нужен в кратчайший срок.",
    E.EXTENDED: "Подготовьте ответ до {due}.",
    E.RATED: "Заявитель оценил ответ; при низкой оценке руководитель проверяет ответ.",
    E.REOPENED: "Подготовьте новый ответ до {due}.",
    E.DUE_SOON: "Подготовьте ответ до {due}.",
    E.FIRST_RESPONSE_OVERDUE: "Возьмите обращение в работу без промедления.",
    E.OVERDUE: "Срок нарушен: дайте ответ в кратчайший срок.",
    E.REGIME_CHANGED: "Подготовьте ответ до {due}.",
    E.WITHDRAWN: "Заявитель отозвал обращение: работа по нему прекращена.",
    E.CLOSED: "Обращение закрыто, действий не требуется.",
    E.ANSWER_SUBMITTED: "Проверьте проект ответа: утвердите его или верните на доработку.",
    E.ANSWER_RETURNED: "Руководитель вернул ответ: доработайте его по замечаниям.",
}

SUBJECT = "Обращение № {{ number }}: {{ title }}"

EMAIL_TEXT = """{{ greeting }}

{{ change }}
{% for line in details %}{{ line }}
{% endfor %}{% if changes %}{{ changes }}
{% endif %}{% if actor %}Кто: {{ actor }}
{% endif %}{% if text %}
{{ text_label }}:
{{ text }}
{% endif %}{% if next_step %}
Что дальше: {{ next_step }}
{% endif %}
Обращение № {{ number }}{% if subject %} «{{ subject }}»{% endif %} от {{ created }}.
Состояние: {{ status }}.{% if due %} Срок ответа: до {{ due }}.{% endif %}
Открыть обращение: {{ link }}

—
{{ footer }}
"""

# Simple, accessible HTML: one column, system fonts, inline styles (mail clients drop <style>),
# contrast over 4.5:1, no images or anything loaded from outside. Autoescaped.
EMAIL_HTML = """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ email_subject }}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<div role="article" aria-label="{{ email_subject }}" style="max-width:600px;margin:0 auto;\
padding:24px 16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;\
color:#1f2328;background:#ffffff;">
<p style="margin:0 0 8px;font-size:14px;color:#4a5058;">Обращение № {{ number }} · {{ when }}</p>
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;color:#1f2328;">{{ title }}</h1>
{% for paragraph in paragraphs %}<p style="margin:0 0 12px;">{{ paragraph|linebreaksbr }}</p>
{% endfor %}{% if details %}<ul style="margin:0 0 16px;padding-left:20px;">
{% for line in details %}<li>{{ line }}</li>
{% endfor %}</ul>
{% endif %}{% if changes %}<p style="margin:0 0 12px;">{{ changes }}</p>
{% endif %}{% if actor %}<p style="margin:0 0 12px;">Кто: {{ actor }}</p>
{% endif %}{% if text %}<p style="margin:0 0 4px;font-weight:bold;">{{ text_label }}:</p>
<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:4px solid #8a94a6;\
background:#f4f5f7;">{{ text|linebreaksbr }}</blockquote>
{% endif %}{% if next_step %}<p style="margin:0 0 16px;"><strong>Что дальше:</strong> \
{{ next_step }}</p>
{% endif %}<p style="margin:0 0 24px;">
<a href="{{ link }}" style="display:inline-block;padding:12px 20px;background:#0b5cad;\
color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;">Открыть обращение</a></p>
<p style="margin:0 0 4px;font-size:14px;color:#4a5058;">Обращение № {{ number }}\
{% if subject %} «{{ subject }}»{% endif %} от {{ created }}. Состояние: {{ status }}.\
{% if due %} Срок ответа: до {{ due }}.{% endif %}</p>
<p style="margin:0 0 16px;font-size:14px;color:#4a5058;">Если кнопка не открывается, \
скопируйте адрес: <a href="{{ link }}" style="color:#0b5cad;">{{ link }}</a></p>
<p style="margin:0;font-size:13px;color:#4a5058;">{{ footer }}</p>
</div>
</body>
</html>
"""

SMS_TEXT = "Обращение № {{ number }}: {{ phrase }}. Подробнее: {{ short_link }}"
# When a long site address pushes the default SMS past two segments, the link stays and the
# words go: the link is what the reader needs.
SMS_SHORT = "Обращение № {{ number }}: {{ phrase_short }}. {{ short_link }}"
# Issue 13: the last resort when even that is too long (a long site and a status link with a key).
SMS_MINIMAL = "Обращение № {{ number }}: {{ short_link }}"

PUSH_TITLE = "{{ title }}"
PUSH_TEXT = "Обращение № {{ number }}: {{ phrase }}."

FEED_TITLE = "{{ title }}"
# The feed page shows the number and the time beside each item; the text says what changed.
FEED_TEXT = (
    "{% for line in details %}{{ line }}\n{% endfor %}{% if next_step %}{{ next_step }}{% endif %}"
)

FOOTER = {
    Audience.APPLICANT: (
        "Письмо отправлено автоматически, отвечать на него не нужно. "
        "Какие уведомления получать, можно выбрать в личном кабинете."
    ),
    Audience.STAFF: "Уведомление сотруднику Приёмной, отправлено автоматически.",
}

# (subject template, body template) per channel.
DEFAULTS: dict[str, tuple[str, str]] = {
    Channel.EMAIL: (SUBJECT, EMAIL_TEXT),
    Channel.SMS: ("", SMS_TEXT),
    Channel.PUSH: (PUSH_TITLE, PUSH_TEXT),
    Channel.FEED: (FEED_TITLE, FEED_TEXT),
}
