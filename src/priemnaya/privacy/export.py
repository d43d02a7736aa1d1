"""A citizen's own data, all of it, as one document (152-FZ art. 14): JSON and a printable page.

The document holds what the person gave and what the service recorded about them: the account,
consents, appeals with the messages, answers and journal the applicant may read (never internal
notes), chats with their messages, the letters received from the confirmed e-mail address,
notification settings and feed, sign-in history, sessions, API tokens (metadata only: a token's
secret is never stored) and requests about personal data. Nothing of another person.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Prefetch

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Answer, Appeal, Event, Message
from priemnaya.appeals.presenters import Audience, event_describe, status_label
from priemnaya.audit.services import audit_record
from priemnaya.chat.models import Chat, ChatMessage
from priemnaya.chat.selectors import author_name
from priemnaya.core import clock
from priemnaya.core.errors import NotPermitted
from priemnaya.mail_intake.models import InboundMessage
from priemnaya.notifications.models import Channel, Notification, Preference, PushSubscription
from priemnaya.privacy.models import SubjectRequest

FORMAT = "priemnaya.personal-data/1"


def _moment(value: datetime | date | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "full_name": user.full_name,
        "email": user.email,
        "email_confirmed_at": _moment(user.email_confirmed_at),
        "phone": user.phone,
        "phone_confirmed_at": _moment(user.phone_confirmed_at),
        "role": user.role,
        "role_label": user.get_role_display(),
        "date_joined": _moment(user.date_joined),
        "last_login": _moment(user.last_login),
        "password_changed_at": _moment(user.password_changed_at),
        "second_factor_sms": user.second_factor_sms,
    }


def _message(message: Message, user: User) -> dict[str, Any]:
    return {
        "kind": message.kind,
        "kind_label": message.get_kind_display(),
        "from_you": message.author_id == user.pk,
        "text": message.text,
        "created_at": _moment(message.created_at),
    }


def _answer(answer: Answer) -> dict[str, Any]:
    return {
        "outcome": answer.outcome,
        "outcome_label": answer.get_outcome_display(),
        "text": answer.text,
        "notice": answer.notice,
        "issued_at": _moment(answer.issued_at),
        "executor_name": answer.executor_name,
        "executor_position": answer.executor_position,
        "superseded_at": _moment(answer.superseded_at),
    }


def _appeal(appeal: Appeal, user: User) -> dict[str, Any]:
    return {
        "number": appeal.display_number,
        "status": appeal.status,
        "status_label": status_label(appeal.status, Audience.APPLICANT),
        "kind": appeal.kind.name,
        "theme": appeal.theme.name,
        "department": appeal.department.name,
        "channel": appeal.get_channel_display(),
        "subject": appeal.subject,
        "text": appeal.text,
        "desired_result": appeal.desired_result,
        "service_code": appeal.service_code,
        "incident_at": _moment(appeal.incident_at),
        "applicant_name": appeal.applicant_name,
        "contact_email": appeal.contact_email,
        "contact_phone": appeal.contact_phone,
        "contact_address": appeal.contact_address,
        "created_at": _moment(appeal.created_at),
        "registered_at": _moment(appeal.registered_at),
        "due_at": _moment(appeal.due_at),
        "answered_at": _moment(appeal.answered_at),
        "closed_at": _moment(appeal.closed_at),
        "rating": appeal.rating,
        "rating_comment": appeal.rating_comment,
        "messages": [_message(m, user) for m in appeal.public_messages],  # type: ignore[attr-defined]
        "answers": [_answer(a) for a in appeal.answers.all()],
        "journal": [
            {
                "title": d.title,
                "at": _moment(d.created_at),
                "status": d.status_label,
                "text": d.text,
                "details": d.details,
            }
            for d in (
                event_describe(e, audience=Audience.APPLICANT)
                for e in appeal.public_events  # type: ignore[attr-defined]
            )
        ],
    }


def _appeals(user: User) -> list[dict[str, Any]]:

    appeals = (
        Appeal.objects.filter(applicant=user)
        .select_related("kind", "theme", "department")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.filter(is_internal=False).order_by("created_at", "id"),
                to_attr="public_messages",
            ),
            Prefetch(
                "events",
                queryset=Event.objects.filter(is_public=True)
                .select_related("actor")
                .order_by("created_at", "id"),
                to_attr="public_events",
            ),
            "answers",
        )
        .order_by("created_at", "id")
    )
    return [_appeal(a, user) for a in appeals]


def _notifications(user: User) -> dict[str, Any]:
    preference = Preference.objects.filter(user=user).first()
    feed = Notification.objects.filter(user=user, channel=Channel.FEED).select_related("appeal")
    return {
        "preferences": None
        if preference is None
        else {
            "email": preference.email,
            "sms": preference.sms,
            "push": preference.push,
            "kinds": preference.kinds,
            "quiet_from": _moment(preference.quiet_from),
            "quiet_to": _moment(preference.quiet_to),
            "timezone": preference.timezone,
        },
        "feed": [
            {
                "appeal": n.appeal.display_number,
                "title": n.subject or n.body,
                "body": n.body,
                "created_at": _moment(n.created_at),
                "read_at": _moment(n.read_at),
            }
            for n in feed.order_by("created_at", "id")
        ],
        "push_subscriptions": [
            {"user_agent": s.user_agent, "created_at": _moment(s.created_at)}
            for s in PushSubscription.objects.filter(user=user).order_by("created_at", "id")
        ],
    }


def _security(user: User) -> dict[str, Any]:
    return {
        "sign_ins": [
            {
                "at": _moment(e.at),
                "method": e.method,
                "outcome": e.outcome,
                "outcome_label": e.get_outcome_display(),
                "ip": e.ip,
                "user_agent": e.user_agent,
            }
            for e in user.sign_ins.order_by("at", "id")
        ],
        "sessions": [
            {
                "created_at": _moment(s.created_at),
                "last_seen_at": _moment(s.last_seen_at),
                "ip": s.ip,
                "user_agent": s.user_agent,
                "remember": s.remember,
                "ended_at": _moment(s.ended_at),
            }
            for s in user.sessions.order_by("created_at", "id")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "created_at": _moment(t.created_at),
                "expires_at": _moment(t.expires_at),
                "last_used_at": _moment(t.last_used_at),
                "created_ip": t.created_ip,
                "last_used_ip": t.last_used_ip,
                "revoked_at": _moment(t.revoked_at),
            }
            for t in user.api_tokens.order_by("created_at", "id")
        ],
    }


def _subject_requests(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "kind": r.kind,
            "kind_label": r.get_kind_display(),
            "text": r.text,
            "state": r.state,
            "state_label": r.get_state_display(),
            "created_at": _moment(r.created_at),
            "due_on": _moment(r.due_on),
            "extended_at": _moment(r.extended_at),
            "extension_reason": r.extension_reason,
            "answer": r.answer,
            "answered_at": _moment(r.answered_at),
        }
        for r in SubjectRequest.objects.filter(user=user).order_by("created_at", "id")
    ]


def _chats(user: User) -> list[dict[str, Any]]:
    messages = ChatMessage.objects.select_related("author").prefetch_related("files__attachment")
    chats = (
        Chat.objects.filter(citizen=user)
        .select_related("appeal")
        .prefetch_related(Prefetch("messages", queryset=messages.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )
    return [
        {
            "id": c.pk,
            "started_at": _moment(c.created_at),
            "closed_at": _moment(c.closed_at),
            "state_label": c.get_state_display(),
            "rating": c.rating,
            "rating_comment": c.rating_comment,
            "appeal": c.appeal.number if c.appeal else None,
            "messages": [
                {
                    "at": _moment(m.created_at),
                    "author": author_name(m),
                    "text": m.text,
                    "files": [f.attachment.name for f in m.files.all()],
                }
                for m in c.messages.all()
            ],
        }
        for c in chats
    ]


def _letters(user: User) -> list[dict[str, Any]]:
    # Only from a confirmed address: anyone may type someone else's address in «From».
    if not user.email or user.email_confirmed_at is None:
        return []
    letters = InboundMessage.objects.filter(sender=user.email.lower()).select_related("appeal")
    return [
        {
            "received_at": _moment(m.received_at),
            "subject": m.subject,
            "state_label": m.get_state_display(),
            "appeal": m.appeal.number if m.appeal else None,
            "text": m.raw.tobytes().decode("utf-8", "replace")
            if isinstance(m.raw, memoryview)
            else bytes(m.raw).decode("utf-8", "replace"),
        }
        for m in letters.order_by("received_at", "id")
    ]


def personal_data_export(*, user: User, form: str = "json") -> dict[str, Any]:
    """Return every record of the citizen's own data; audit the export (no data in the entry)."""
    if not user.is_authenticated or not user.is_active or not user.is_citizen:
        raise NotPermitted("Выгрузка своих данных доступна заявителю в личном кабинете.")
    security = _security(user)
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": _moment(clock.now()),
        "account": _account(user),
        "consents": [
            {
                "text_version": c.text_version,
                "accepted_at": _moment(c.accepted_at),
                "ip": c.ip,
                "withdrawn_at": _moment(c.withdrawn_at),
            }
            for c in user.consents.order_by("accepted_at", "id")
        ],
        "appeals": _appeals(user),
        "chats": _chats(user),
        "letters": _letters(user),
        "notifications": _notifications(user),
        "sign_ins": security["sign_ins"],
        "sessions": security["sessions"],
        "api_tokens": security["api_tokens"],
        "subject_requests": _subject_requests(user),
    }
    audit_record(
        action="personal_data.exported",
        actor=user,
        target_type="user",
        target_id=user.pk,
        details={"format": form, "appeals": len(document["appeals"])},
    )
    return document
