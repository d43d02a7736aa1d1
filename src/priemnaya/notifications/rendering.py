"""What a notification says: subject, plain text and HTML, from the journal event as its audience
reads it (``appeals.presenters.event_describe``) through a template — the administrator's, if one
is active for the event type, channel and audience, else the default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone

from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.presenters import Audience as ViewAudience
from priemnaya.appeals.presenters import event_describe
from priemnaya.core.numbering import format_number
from priemnaya.notifications.models import Audience, Channel


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


def site_url() -> str:
    return settings.PRIEMNAYA_SITE_URL.rstrip("/")


def appeal_url(appeal: Appeal, audience: str) -> str:
    """The absolute link to the appeal's page for the audience (cabinet or console)."""
    name = "web:console_detail" if audience == Audience.STAFF else "web:appeal_detail"
    return site_url() + reverse(name, args=[appeal.number])


def short_url(appeal: Appeal) -> str:
    """A short link for SMS: ``/a/<number>`` redirects to the page the reader may see."""
    return f"{site_url()}/a/{appeal.number}"


# A sandboxed engine: no app template loaders, no custom tags; templates see only the context.
_ENGINE = Engine(autoescape=True, libraries={}, builtins=[])

_DEFAULT_SUBJECT = "Обращение № {{ number }}: {{ title }}"
_DEFAULT_TEXT = {
    Channel.EMAIL: (
        "{{ greeting }}\n\n"
        "{{ title }}.\n"
        "{% for line in details %}{{ line }}\n{% endfor %}"
        "{% if text %}\n{{ text }}\n{% endif %}"
        "\nОбращение № {{ number }} от {{ created }}. Состояние: {{ status }}.\n"
        "Событие: {{ when }}.\n"
        "Подробнее: {{ link }}\n"
    ),
    Channel.SMS: "Обращение № {{ number }}: {{ title|lower }}. Подробнее: {{ short_link }}",
    Channel.PUSH: "{{ title }}",
    Channel.FEED: "{{ title }}",
}


def sample_context() -> dict[str, Any]:
    """Sample data for previews of templates in the admin."""
    return {
        "greeting": "Здравствуйте, Иван Иванович!",
        "title": "Ответ готов",
        "details": ["Срок ответа — до 15.12.2026."],
        "text": "",
        "number": "26-0001234-9",
        "created": "26.11.2026",
        "status": "Ответ готов",
        "when": "26.11.2026 14:05",
        "link": f"{site_url()}/cabinet/appeals/26-0001234-9/",
        "short_link": f"{site_url()}/a/26-0001234-9",
        "subject": "Не приходит код подтверждения",
    }


def context_for(event: Event, audience: str) -> dict[str, Any]:
    """The safe context a template sees: plain strings and lists, never model objects."""
    appeal = event.appeal
    described = event_describe(
        event,
        audience=ViewAudience.STAFF if audience == Audience.STAFF else ViewAudience.APPLICANT,
    )
    name = appeal.applicant_name if audience == Audience.APPLICANT else ""
    return {
        "greeting": f"Здравствуйте, {name}!" if name else "Здравствуйте!",
        "title": described.title,
        "details": list(described.details),
        "text": described.text if not described.internal else "",
        "number": format_number(appeal.number) if appeal.number else "",
        "created": f"{timezone.localtime(appeal.created_at):%d.%m.%Y}",
        "status": described.status_label,
        "when": f"{timezone.localtime(event.created_at):%d.%m.%Y %H:%M}",
        "link": appeal_url(appeal, audience),
        "short_link": short_url(appeal),
        "subject": appeal.subject,
    }


def render_strings(subject: str, body: str, context: dict[str, Any]) -> Rendered:
    ctx = Context(context, autoescape=False)
    return Rendered(
        subject=_ENGINE.from_string(subject).render(ctx).strip() if subject else "",
        text=_ENGINE.from_string(body).render(ctx).strip(),
    )


def render(event: Event, *, channel: str, audience: str) -> Rendered:
    """Render the event for one channel and audience."""
    from priemnaya.notifications.models import Template

    context = context_for(event, audience)
    custom = Template.objects.filter(
        event_type=event.type, channel=channel, audience=audience, is_active=True
    ).first()
    if custom is not None:
        return render_strings(custom.subject, custom.body, context)
    return render_strings(_DEFAULT_SUBJECT, _DEFAULT_TEXT[Channel(channel)], context)
