"""Filing an appeal: validation of what the applicant typed, drafts, submission, edits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.deadlines import first_response_due, resolution_due
from priemnaya.appeals.follow_ups import CONTEST_KIND, SOURCE_STATES, FollowUp, open_contest
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services.journal import NOT_FOUND, begin, record
from priemnaya.appeals.services.routing import escalation_target
from priemnaya.appeals.states import STAFF_INTAKE_CHANNELS, Channel, EventType, Status
from priemnaya.catalog.models import Kind, Theme
from priemnaya.core import clock
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone
from priemnaya.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from priemnaya.core.numbering import compose_number
from priemnaya.core.sequences import sequence_next
from priemnaya.core.text import clean_text, text_problem

TEXT_MAX = 5000
SUBJECT_MAX = 200
LIMITS = {
    "subject": SUBJECT_MAX,
    "text": TEXT_MAX,
    "service_code": 64,
    "desired_result": 2000,
    "contact_address": 500,
    "applicant_name": 300,
}
FIELD_LABELS = {
    "service_code": "код госуслуги",
    "incident_at": "дату события",
    "desired_result": "желаемый результат",
    "contact_address": "почтовый адрес",
}


@dataclass
class AppealInput:
    """What a person typed into the form or an app sent; faces only check the shape."""

    kind: str = ""
    theme: str = ""
    subject: str = ""
    text: str = ""
    service_code: str = ""
    incident_at: datetime | date | None = None
    desired_result: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_address: str = ""
    applicant_name: str = ""


def _clean_input(data: AppealInput, *, partial: bool = False) -> dict:
    """Return model field values from the input or raise ValidationFailed with every problem."""
    errors: dict[str, list[str]] = {}
    values: dict = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = Kind.objects.filter(code=data.kind, is_active=True).first() if data.kind else None
    if kind is None and not partial:
        fail(
            "kind", "Выберите вид обращения из списка." if data.kind else "Выберите вид обращения."
        )
    values["kind"] = kind
    theme = (
        Theme.objects.select_related("default_department")
        .filter(code=data.theme, is_active=True)
        .first()
        if data.theme
        else None
    )
    if theme is None and not partial:
        fail("theme", "Выберите тему из каталога." if data.theme else "Выберите тему обращения.")
    values["theme"] = theme

    for name, limit in LIMITS.items():
        cleaned = clean_text(getattr(data, name))
        required = name in {"subject", "text"} and not partial
        if problem := text_problem(cleaned, max_length=limit, required=required):
            fail(name, problem)
        values[name] = cleaned
    if theme:
        for name in theme.required_fields:
            if not values.get(name) and not getattr(data, name, None) and not partial:
                label = FIELD_LABELS.get(name, name)
                fail(name, f"Для темы «{theme.name}» укажите {label}.")

    incident = data.incident_at
    if isinstance(incident, date) and not isinstance(incident, datetime):
        incident = timezone.make_aware(datetime.combine(incident, time.min))
    elif isinstance(incident, datetime) and timezone.is_naive(incident):
        incident = timezone.make_aware(incident)
    if incident is not None and incident > clock.now():
        fail("incident_at", "Дата события не может быть в будущем.")
    values["incident_at"] = incident

    values["contact_email"] = values["contact_phone"] = ""
    if data.contact_email.strip():
        try:
            values["contact_email"] = normalize_email(data.contact_email)
        except ContactInvalid as exc:
            fail("contact_email", str(exc))
    if data.contact_phone.strip():
        try:
            values["contact_phone"] = normalize_phone(data.contact_phone)
        except ContactInvalid as exc:
            fail("contact_phone", str(exc))
    if (
        not partial
        and not data.contact_email.strip()
        and not data.contact_phone.strip()
        and not values["contact_address"]
    ):
        fail("contact_email", "Укажите хотя бы один способ связи: e-mail, телефон или адрес.")
    if errors:
        raise ValidationFailed(errors)
    return values


def _stored_token(client_token: str | None) -> str | None:
    """Return the client token as stored: as sent if it fits the column, else its SHA-256."""
    if not client_token:
        return None
    if len(client_token) <= (Appeal._meta.get_field("client_token").max_length or 0):
        return client_token
    return hashlib.sha256(client_token.encode()).hexdigest()


def _same_submission(actor: User, client_token: str) -> Appeal | None:
    """Return the appeal this actor already made with this form or key, if any."""
    who = {"applicant": actor} if actor.is_citizen else {"registered_by": actor}
    return Appeal.objects.filter(**who, client_token=client_token).first()


def _check_follow_up(*, link: FollowUp, source: Appeal, actor: User) -> Appeal:
    """Return the source appeal re-read under a lock if the actor may follow it up this way."""
    locked = Appeal.objects.select_for_update().select_related("department").get(pk=source.pk)
    if locked.applicant_id is None or locked.applicant_id != actor.pk:
        raise NotFound(NOT_FOUND, field=link.field)
    if locked.status not in SOURCE_STATES[link]:
        what = "Повторить" if link is FollowUp.REPEAT else "Обжаловать"
        raise InvalidTransition(
            f"{what} можно обращение, по которому дан ответ или которое завершено; "
            f"это обращение в статусе «{Status(locked.status).label}».",
            field=link.field,
        )
    if link is FollowUp.CONTEST and (pending := open_contest(locked)) is not None:
        raise Conflict(
            f"Обжалование по этому обращению уже рассматривается: № {pending.display_number}.",
            field=link.field,
        )
    return locked


def _applicant_fields(*, actor: User, channel: str, values: dict) -> dict:
    if actor.is_citizen:
        if channel not in {Channel.PORTAL, Channel.MOBILE}:
            raise ValidationFailed.single("channel", "Заявитель подаёт обращение через портал.")
        return {"applicant": actor, "applicant_name": actor.full_name}
    if not actor.works_appeals:
        raise NotPermitted("Подавать обращения могут заявители и операторы.")
    if channel not in STAFF_INTAKE_CHANNELS:
        raise ValidationFailed.single("channel", "Укажите канал, по которому поступило обращение.")
    if not values["applicant_name"]:
        raise ValidationFailed.single("applicant_name", "Укажите ФИО заявителя.")
    return {"applicant": None, "applicant_name": values["applicant_name"], "registered_by": actor}


def _new_appeal(
    *, actor: User, data: AppealInput, channel: str, client_token: str | None, now: datetime
) -> Appeal:
    """Return an unsaved appeal made of the checked input, or raise with every problem."""
    values = _clean_input(data)
    who = _applicant_fields(actor=actor, channel=channel, values=values)
    values.pop("applicant_name")
    return Appeal(**values, **who, channel=channel, client_token=client_token, created_at=now)


def _register(
    appeal: Appeal,
    *,
    actor: User,
    now: datetime,
    client_token: str | None = None,
    follow_up: tuple[FollowUp, Appeal] | None = None,
) -> Appeal:
    """Number, route and time the appeal as it becomes «Получено», save it and journal it.

    The one registration pipeline behind every way of submitting; a lost race on the client
    token returns the appeal that won it.
    """
    from_status = appeal.status or ""
    local_year = timezone.localtime(now).year
    appeal.number = compose_number(local_year, sequence_next(scope=f"appeal-{local_year}"))
    appeal.status = Status.REGISTERED
    appeal.registered_at = now
    appeal.department = appeal.theme.default_department
    appeal.due_at = resolution_due(kind=appeal.kind, registered_at=now)
    appeal.first_response_due_at = first_response_due(kind=appeal.kind, registered_at=now)
    links = {}
    if follow_up is not None:
        link, source = follow_up
        setattr(appeal, link.field, source)
        links[link.field] = source.number
        if link is FollowUp.CONTEST:
            appeal.department = escalation_target(source.department)
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:
        # A concurrent request with the same client token won the race; return its appeal.
        if client_token and (won := _same_submission(actor, client_token)):
            return won
        raise
    record(
        appeal=appeal,
        type=EventType.REGISTERED,
        actor=actor,
        from_status=from_status,
        data={
            "number": appeal.number,
            "due_at": appeal.due_at.isoformat() if appeal.due_at else None,
            **links,
        },
    )
    return appeal


@transaction.atomic
def appeal_submit(
    *,
    actor: User,
    data: AppealInput,
    channel: str = Channel.PORTAL,
    client_token: str | None = None,
) -> Appeal:
    """Register a new appeal, the applicant's own or typed in by staff, as «Получено».

    A repeated submission with the same client token returns the appeal made the first time.
    """
    client_token = _stored_token(client_token)
    if client_token and (existing := _same_submission(actor, client_token)):
        return existing
    now = clock.now()
    appeal = _new_appeal(
        actor=actor, data=data, channel=channel, client_token=client_token, now=now
    )
    return _register(appeal, actor=actor, now=now, client_token=client_token)


@transaction.atomic
def appeal_submit_draft(*, actor: User, draft: Appeal, data: AppealInput) -> Appeal:
    """Register the applicant's saved draft, with what the form holds now, as «Получено»."""
    appeal, _ = begin(appeal=draft, action="submit", actor=actor)
    values = _clean_input(data)
    values.pop("applicant_name")
    for name, value in values.items():
        setattr(appeal, name, value)
    return _register(appeal, actor=actor, now=clock.now())


@transaction.atomic
def appeal_submit_follow_up(
    *,
    actor: User,
    data: AppealInput,
    link: FollowUp,
    source: Appeal,
    client_token: str | None = None,
) -> Appeal:
    """Register a repeat or a contest of the actor's earlier appeal, linked to it.

    A contest takes the kind «обжалование» and goes one level above the department that answered.
    """
    client_token = _stored_token(client_token)
    if client_token and (existing := _same_submission(actor, client_token)):
        return existing
    source = _check_follow_up(link=link, source=source, actor=actor)
    if link is FollowUp.CONTEST:
        data = replace(data, kind=CONTEST_KIND)
    now = clock.now()
    appeal = _new_appeal(
        actor=actor, data=data, channel=Channel.PORTAL, client_token=client_token, now=now
    )
    return _register(
        appeal, actor=actor, now=now, client_token=client_token, follow_up=(link, source)
    )


@transaction.atomic
def appeal_draft_save(*, actor: User, data: AppealInput, draft: Appeal | None = None) -> Appeal:
    """Save an unsubmitted appeal; only what was typed is checked, nothing is required."""
    if not actor.is_citizen:
        raise NotPermitted("Черновики доступны заявителям.")
    values = _clean_input(data, partial=True)
    values.pop("applicant_name")
    if values["kind"] is None or values["theme"] is None:
        raise ValidationFailed.single("theme", "Для черновика выберите вид и тему обращения.")
    if draft is None:
        appeal = Appeal(
            **values,
            applicant=actor,
            applicant_name=actor.full_name,
            channel=Channel.PORTAL,
            status=Status.DRAFT,
            department=values["theme"].default_department,
        )
        appeal.save()
        from_status = ""
    else:
        appeal = Appeal.objects.select_for_update().get(pk=draft.pk, applicant=actor)
        if appeal.status != Status.DRAFT:
            raise ValidationFailed.single("status", "Обращение уже отправлено.")
        for name, value in values.items():
            setattr(appeal, name, value)
        appeal.department = values["theme"].default_department
        appeal.save()
        from_status = Status.DRAFT
    record(
        appeal=appeal,
        type=EventType.DRAFT_SAVED,
        actor=actor,
        from_status=from_status,
        is_public=False,
    )
    return appeal


EDITABLE = (
    "subject",
    "text",
    "service_code",
    "incident_at",
    "desired_result",
    "contact_email",
    "contact_phone",
    "contact_address",
)


@transaction.atomic
def appeal_edit(*, appeal: Appeal, actor: User, data: AppealInput) -> Appeal:
    """Change what the applicant wrote while nobody has taken the appeal; kind and theme stay."""
    appeal, _ = begin(appeal=appeal, action="edit", actor=actor)
    data.kind, data.theme = appeal.kind.code, appeal.theme.code
    values = _clean_input(data)
    changed = [f for f in EDITABLE if getattr(appeal, f) != values[f]]
    for name in changed:
        setattr(appeal, name, values[name])
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.EDITED,
        actor=actor,
        from_status=appeal.status,
        data={"fields": changed},
    )
    return appeal


def input_from_appeal(appeal: Appeal) -> AppealInput:
    """Return the appeal's current content as input, e.g. to pre-fill the edit form."""
    data = AppealInput(kind=appeal.kind.code, theme=appeal.theme.code)
    for f in fields(AppealInput):
        if f.name not in {"kind", "theme"}:
            setattr(data, f.name, getattr(appeal, f.name))
    return data
