"""What a notification says: subject, plain text and HTML, from the journal event as its audience
reads it (``appeals.presenters.event_describe``) through a template — the administrator's, if one
is active for the event type, channel and audience, else the default (``notifications.wording``).

Templates run in a sandboxed Django engine: no loaders, no ``load``/``include``/``extends``/
``debug``/``url`` tags, and a context of plain strings and lists only. A template that fails to
render falls back to the default and is logged; rendering never raises for a template's sake.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template import Context, Engine
from django.template import Template as DjangoTemplate
from django.template.library import Library
from django.urls import reverse
from django.utils import timezone

from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.presenters import Audience as ViewAudience
from priemnaya.appeals.presenters import due_date, event_describe, format_date, status_label
from priemnaya.appeals.states import FINAL_STATUSES, EventType, Status
from priemnaya.appeals.status_links import status_link, status_short_link
from priemnaya.core.numbering import EXAMPLE_NUMBER, format_number
from priemnaya.notifications import wording
from priemnaya.notifications.models import Audience, Channel, Template

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


def site_url() -> str:
    return settings.PRIEMNAYA_SITE_URL.rstrip("/")


def appeal_url(appeal: Appeal, audience: str) -> str:
    """Return the absolute link to the appeal's page for the audience (cabinet or console)."""
    name = "web:console_detail" if audience == Audience.STAFF else "web:appeal_detail"
    return site_url() + reverse(name, args=[appeal.number])


def short_url(appeal: Appeal) -> str:
    """Return the short link for SMS: ``/a/<YY-NNNNNNN-C>`` leads to the page the reader may see."""
    return f"{site_url()}/a/{format_number(appeal.number or '')}"


# ---- SMS length ---------------------------------------------------------------------------------

# GSM 03.38 basic set; the extension set costs two septets (an escape and the character).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """Return how many SMS segments the text takes: GSM-7 (160/153) or UCS-2 (70/67)."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        septets = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    # UCS-2 counts UTF-16 code units: a character outside the BMP (an emoji) takes two.
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


SMS_MAX_SEGMENTS = 2


# ---- the sandbox --------------------------------------------------------------------------------

# Tags that reach outside the context (files, other libraries, URLs, the process's modules).
_FORBIDDEN_TAGS = frozenset({"load", "include", "extends", "debug", "url", "ssi", "csrf_token"})


def _sandbox() -> Engine:
    engine = Engine(loaders=[], libraries={}, builtins=[], autoescape=True)
    # A private copy of the built-in library: the shared one serves every other template.
    library = Library()
    for builtin in engine.template_builtins:
        library.tags.update(builtin.tags)
        library.filters.update(builtin.filters)
    for name in _FORBIDDEN_TAGS:
        library.tags.pop(name, None)
    engine.template_builtins = [library]
    return engine


_ENGINE = _sandbox()


@lru_cache(maxsize=512)
def compile_template(source: str) -> DjangoTemplate:
    """Compile a template in the sandbox (raise TemplateSyntaxError if it is not valid)."""
    return _ENGINE.from_string(source)


def _render(source: str, context: dict[str, Any], *, autoescape: bool) -> str:
    if not source:
        return ""
    return compile_template(source).render(Context(context, autoescape=autoescape)).strip()


# ---- the safe context ---------------------------------------------------------------------------

_DUE_PART = re.compile(r",?\s*(?:(?:ответ|срок)\s+)?до \{due\}|\s*\(\{due\}\)")

_TEXT_LABELS = {
    EventType.INFO_REQUESTED: "Вопрос специалиста",
    EventType.INFO_PROVIDED: "Уточнение заявителя",
    EventType.DOCUMENTS_ADDED: "Комментарий заявителя",
    EventType.COMMENTED: "Сообщение",
    EventType.NOTE_ADDED: "Заметка",
    EventType.WITHDRAWN: "Причина",
    EventType.REDIRECTED: "Причина",
    EventType.ESCALATED: "Причина",
    EventType.EXTENDED: "Причина продления",
    EventType.REOPENED: "Причина",
    EventType.REGIME_CHANGED: "Причина",
    EventType.RATED: "Отзыв",
    EventType.ANSWER_CONFIRMED: "Комментарий руководителя",
}


def _phrase(template: str, due: str) -> str:
    return template.format(due=due) if due else _DUE_PART.sub("", template)


def _due_of(event: Event, published: dict[str, Any]) -> str:
    # The date the event is about (a new, extended or missed deadline), else the appeal's own.
    if event.to_status in FINAL_STATUSES or event.to_status == Status.ANSWERED:
        return ""
    day = published.get("due_date") or due_date(event.appeal)
    return format_date(day) if day else ""


def _applicant_next(event: Event, due: str) -> str:
    if event.type in (EventType.OVERDUE, EventType.DRAFT_SAVED) or not event.to_status:
        return ""  # the overdue notice explains what happens now in its details
    if event.type == EventType.ANSWERED:
        days = settings.PRIEMNAYA["AUTOCLOSE_DAYS"]
        return (
            "Прочитайте ответ в личном кабинете. Если вопрос решён, завершите обращение; "
            "если нет — оцените ответ, и его проверит руководитель. Без вашего решения "
            f"обращение завершится автоматически через {days} дн."
        )
    return APPLICANT_VIEW[event.to_status][1].format(due=due or "—")


def context_for(event: Event, audience: str) -> dict[str, Any]:
    """Return the safe context a template sees: plain strings and lists, never model objects."""
    appeal = event.appeal
    staff = audience == Audience.STAFF
    view = ViewAudience.STAFF if staff else ViewAudience.APPLICANT
    described = event_describe(event, audience=view)
    due = _due_of(event, described.data)
    when = f"{timezone.localtime(event.created_at):%d.%m.%Y %H:%M}"
    number = format_number(appeal.number or "")
    title = described.title
    if staff:
        phrase_template = wording.STAFF_PHRASES.get(event.type) or title[:1].lower() + title[1:]
        next_step = wording.STAFF_NEXT.get(event.type, "").format(due=due or "—")
        changes = ""
        if event.from_status and event.to_status and event.from_status != event.to_status:
            changes = (
                f"Состояние: {status_label(event.from_status, view)} → {described.status_label}"
            )
    else:
        phrase_template = wording.APPLICANT_PHRASES.get(event.type, title.lower())
        next_step = _applicant_next(event, due)
        changes = ""
    greeting_name = "" if staff else appeal.applicant_name
    text = described.text if staff or not described.internal else ""
    link, short_link = appeal_url(appeal, audience), short_url(appeal)
    if not staff and appeal.applicant_id is None and appeal.number:
        # Issue 13: an applicant without an account (registered by phone, letter, МФЦ…) has no
        # cabinet; the status link with its key opens the status without a code.
        link, short_link = status_link(appeal), status_short_link(appeal)
    return {
        "event_type": str(event.type),
        "audience": str(audience),
        "greeting": f"Здравствуйте, {greeting_name}!" if greeting_name else "Здравствуйте!",
        "title": title,
        "change": f"{title} — {when}.",
        "phrase": _phrase(phrase_template, due),
        "phrase_short": _phrase(phrase_template, ""),
        "details": [line for line in described.details if line],
        "changes": changes,
        "actor": described.actor_name if staff else "",
        "text": text,
        "text_label": _TEXT_LABELS.get(EventType(event.type), "Сообщение"),
        "next_step": next_step,
        "number": number,
        "subject": appeal.subject,
        "created": format_date(appeal.registered_at or appeal.created_at),
        "status": described.status_label or status_label(appeal.status, view),
        "due": due,
        "when": when,
        "link": link,
        "short_link": short_link,
        "footer": wording.FOOTER[Audience(audience)],
    }


# Every variable a template may use, with what it holds: the admin's help and docs list these.
CONTEXT_HELP: dict[str, str] = {
    "number": "номер обращения, 26-0001234-9",
    "title": "что произошло, словами адресата («Дан ответ»)",
    "change": "заголовок с датой и временем события",
    "phrase": "то же коротко, со строчной буквы (для SMS и push)",
    "phrase_short": "ещё короче, без даты",
    "details": "список строк с подробностями (новый срок, результат, ведомство)",
    "changes": "для сотрудников: смена состояния «Получено → В работе»",
    "actor": "для сотрудников: кто выполнил действие",
    "text": "текст события: вопрос, причина, сообщение (если он виден адресату)",
    "text_label": "подпись к тексту («Вопрос специалиста», «Причина»)",
    "next_step": "что будет дальше",
    "subject": "тема обращения",
    "created": "дата подачи обращения",
    "status": "состояние после события",
    "due": "срок ответа, ДД.ММ.ГГГГ (пусто, если его нет)",
    "when": "дата и время события",
    "link": "ссылка на обращение в кабинете или консоли",
    "short_link": "короткая ссылка для SMS",
    "greeting": "обращение к адресату («Здравствуйте, …!»)",
    "footer": "подпись внизу письма",
    "event_type": "код типа события",
    "audience": "applicant или staff",
}


def sample_context(audience: str = Audience.APPLICANT) -> dict[str, Any]:
    """Return sample data for previews of templates in the admin."""
    link_path = "/console/appeals/" if audience == Audience.STAFF else "/cabinet/appeals/"
    digits = EXAMPLE_NUMBER.replace("-", "")
    staff = audience == Audience.STAFF
    return {
        "event_type": EventType.ANSWERED.value,
        "audience": str(audience),
        "greeting": "Здравствуйте!" if staff else "Здравствуйте, Иван Иванович!",
        "title": "Дан ответ",
        "change": "Дан ответ — 26.11.2026 14:05.",
        "phrase": "ответ готов",
        "phrase_short": "ответ готов",
        "details": ["Результат: Выполнено"],
        "changes": "Состояние: В работе → Ответ готов" if staff else "",
        "actor": "Петрова Анна Сергеевна" if staff else "",
        "text": "",
        "text_label": "Сообщение",
        "next_step": "Прочитайте ответ в личном кабинете.",
        "number": EXAMPLE_NUMBER,
        "subject": "Не приходит код подтверждения",
        "created": "20.11.2026",
        "status": "Ответ готов",
        "due": "15.12.2026",
        "when": "26.11.2026 14:05",
        "link": f"{site_url()}{link_path}{digits}/",
        "short_link": f"{site_url()}/a/{EXAMPLE_NUMBER}",
        "footer": wording.FOOTER[Audience(audience)],
    }


# ---- rendering ----------------------------------------------------------------------------------


def render_strings(subject: str, body: str, context: dict[str, Any], *, html: str = "") -> Rendered:
    """Render subject and plain text (not escaped) and, if given, an HTML template (escaped)."""
    return Rendered(
        subject=" ".join(_render(subject, context, autoescape=False).split()),
        text=_render(body, context, autoescape=False),
        html=_render(html, context, autoescape=True) if html else "",
    )


def _html_context(context: dict[str, Any], subject: str, custom_text: str | None) -> dict:
    html = {**context, "email_subject": subject}
    if custom_text is None:
        html["paragraphs"] = [context["greeting"], context["change"]]
    else:
        # An administrator's letter: its own paragraphs in the house layout, nothing added.
        html["paragraphs"] = [p.strip() for p in custom_text.split("\n\n") if p.strip()]
        html |= {"details": [], "changes": "", "actor": "", "text": "", "next_step": ""}
    return html


def _default(channel: str, context: dict[str, Any]) -> Rendered:
    subject_source, body_source = wording.DEFAULTS[Channel(channel)]
    rendered = render_strings(subject_source, body_source, context)
    if channel == Channel.EMAIL:
        html = _render(
            wording.EMAIL_HTML, _html_context(context, rendered.subject, None), autoescape=True
        )
        return Rendered(rendered.subject, rendered.text, html)
    if channel == Channel.SMS and sms_segments(rendered.text) > SMS_MAX_SEGMENTS:
        short = _render(wording.SMS_SHORT, context, autoescape=False)
        if sms_segments(short) > SMS_MAX_SEGMENTS:
            # Issue 13: the status link (with its key) of an applicant without an account is
            # longer; the number and the link are what must arrive.
            short = _render(wording.SMS_MINIMAL, context, autoescape=False)
        return Rendered("", short)
    return rendered


def _custom(template: tuple[int, str, str], channel: str, context: dict[str, Any]) -> Rendered:
    _pk, subject_source, body_source = template
    rendered = render_strings(subject_source, body_source, context)
    if channel != Channel.EMAIL:
        return rendered
    html_context = _html_context(context, rendered.subject, rendered.text)
    return Rendered(
        rendered.subject, rendered.text, _render(wording.EMAIL_HTML, html_context, autoescape=True)
    )


def render_with(
    context: dict[str, Any], *, channel: str, template: tuple[str, str] | None = None
) -> Rendered:
    """Render a context with an administrator's (subject, body), or the channel's default."""
    if template is None:
        return _default(channel, context)
    return _custom((0, *template), channel, context)


def render(
    event: Event, *, channel: str, audience: str, context: dict[str, Any] | None = None
) -> Rendered:
    """Render the event for one channel and audience; a broken custom template → the default.

    ``context`` is ``context_for(event, audience)`` when the caller already has it (the planner
    renders several channels of one audience from one context).
    """
    if context is None:
        context = context_for(event, audience)
    custom = active_templates().get((str(event.type), str(channel), str(audience)))
    if custom is not None:
        try:
            return _custom(custom, channel, context)
        except Exception:
            logger.exception(
                "Шаблон уведомления %s (%s, %s, %s) не отрисовался; взят стандартный текст",
                custom[0],
                event.type,
                channel,
                audience,
            )
    return _default(channel, context)


# ---- the cache of active templates --------------------------------------------------------------

# The planner renders thousands of rows: active templates are read once per interval, not per row.
TEMPLATES_TTL = 30.0
_lock = threading.Lock()
_loaded: tuple[float, dict[tuple[str, str, str], tuple[int, str, str]]] | None = None


def active_templates() -> dict[tuple[str, str, str], tuple[int, str, str]]:
    """Return {(event_type, channel, audience): (id, subject, body)} of active templates."""
    global _loaded
    loaded = _loaded
    if loaded is not None and time.monotonic() - loaded[0] < TEMPLATES_TTL:
        return loaded[1]
    with _lock:
        rows = {
            (t.event_type, t.channel, t.audience): (t.pk, t.subject, t.body)
            for t in Template.objects.filter(is_active=True)
        }
        _loaded = (time.monotonic(), rows)
    return rows


def templates_cache_clear() -> None:
    """Forget the loaded templates (a template was saved, or a test rolled its rows back)."""
    global _loaded
    _loaded = None


@receiver(post_save, sender=Template, dispatch_uid="notifications_template_saved")
@receiver(post_delete, sender=Template, dispatch_uid="notifications_template_deleted")
def _template_changed(**kwargs: Any) -> None:
    templates_cache_clear()
