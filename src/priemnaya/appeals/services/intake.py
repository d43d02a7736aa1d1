"""Filing an appeal: validation of what the applicant typed, drafts, submission, edits."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals import events
from priemnaya.appeals.deadlines import first_response_due, resolution_due
from priemnaya.appeals.follow_ups import CONTEST_KIND, SOURCE_STATES, FollowUp, open_contest
from priemnaya.appeals.inputs import EDITABLE, AppealInput, appeal_input_clean
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import ARCHIVED
from priemnaya.appeals.services.contact_link import contact_owner
from priemnaya.appeals.services.journal import NOT_FOUND, appeal_transition
from priemnaya.appeals.services.routing import (
    escalation_target,
    first_line_department,
    route_on_registration,
)
from priemnaya.appeals.states import STAFF_INTAKE_CHANNELS, Channel, Status
from priemnaya.attachments.models import Purpose
from priemnaya.attachments.services import attachments_bind, attachments_bindable
from priemnaya.catalog.models import Kind, Regime
from priemnaya.catalog.policies import policy_for
from priemnaya.core import clock
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.deadlines import registration_late
from priemnaya.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    NotPermitted,
    ServiceUnavailable,
    ValidationFailed,
)
from priemnaya.core.numbering import compose_number
from priemnaya.core.sequences import sequence_next


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
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=source.pk)
    )
    if locked.applicant_id is None or locked.applicant_id != actor.pk:
        raise NotFound(NOT_FOUND, field=link.field)
    if locked.archived_at is not None:  # read-only in the archive (issue 14): file a new one
        raise InvalidTransition(ARCHIVED, field=link.field)
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


# Channels through which something reaches the service before staff register it (59-FZ art. 8).
RECEIVED_CHANNELS = frozenset({Channel.PHONE, Channel.LETTER, Channel.MFC, Channel.EMAIL})


IDENTITY_FIRST = (
    "«{kind}» — обращение по 59-ФЗ: его можно подать после подтверждения личности. "
    "Подтвердите телефон и адрес электронной почты в разделе «Подтверждение контактов» "
    "или выберите другой вид обращения."
)


def identity_problem(actor: User, kind: Kind | None, *, regime: str = "") -> str:
    """Return why the citizen may not file this 59-FZ kind yet, or "" (LEGAL.md §6 rule 7).

    An electronic appeal is a 59-FZ appeal only from an identified applicant: until every
    contact the account signs in with is confirmed, 59-FZ kinds are refused. Staff registering
    a call or a letter are not asked.
    """
    if not actor.is_citizen or actor.identity_confirmed or kind is None:
        return ""
    if kind.regime == Regime.FZ59 or regime == Regime.FZ59:
        return IDENTITY_FIRST.format(kind=kind.name)
    return ""


def _new_appeal(
    *, actor: User, data: AppealInput, channel: str, client_token: str | None, now: datetime
) -> Appeal:
    """Return an unsaved appeal made of the checked input, or raise with every problem at once."""
    channels: Collection[str]
    if actor.is_citizen:
        channels = {Channel.PORTAL, Channel.MOBILE}
        wrong_channel = "Заявитель подаёт обращение через портал."
    elif actor.works_appeals:
        channels = STAFF_INTAKE_CHANNELS
        wrong_channel = "Укажите канал, по которому поступило обращение."
    else:
        raise NotPermitted("Подавать обращения могут заявители и операторы.")
    problems = {} if channel in channels else {"channel": [wrong_channel]}
    if actor.is_citizen and not actor.identity_confirmed and data.kind:
        kind = Kind.objects.filter(code=data.kind, is_active=True).first()
        if problem := identity_problem(actor, kind):
            problems["kind"] = [problem]
    if data.received_on is not None and channel in channels and channel not in RECEIVED_CHANNELS:
        problems["received_on"] = [
            "Дату поступления указывают для звонков, писем, e-mail и обращений через МФЦ."
        ]
    try:
        values = appeal_input_clean(data, staff_intake=not actor.is_citizen)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.errors | problems) from None
    if problems:
        raise ValidationFailed(problems)
    if actor.is_citizen:
        values["applicant"], values["applicant_name"] = actor, actor.full_name
    else:
        # A caller whose account confirmed this phone or e-mail finds the appeal in their cabinet.
        owner = contact_owner(
            phone=values.get("contact_phone", ""), email=values.get("contact_email", "")
        )
        values["applicant"], values["registered_by"] = owner, actor
    return Appeal(**values, channel=channel, client_token=client_token, created_at=now)


def _set_terms(a: Appeal, *, now: datetime) -> None:
    """Give a registering appeal its policy, regime and deadlines (SPEC §5)."""
    policy = policy_for(a.kind, a.theme)
    a.policy, a.regime = policy, policy.regime
    try:
        a.due_at = resolution_due(policy=policy, department=a.department, registered_at=now)
        a.first_response_due_at = first_response_due(
            policy=policy, department=a.department, registered_at=now
        )
    except CalendarMissing as exc:
        # Not the applicant's fault, and nothing they typed is lost: the form shows this.
        raise ServiceUnavailable(str(exc)) from exc
    a.original_due_at = a.due_at
    # The term counts from registration (59-FZ art. 12); a late registration is only marked.
    if a.received_at is not None and policy.registration_days is not None:
        # Both days as the operator typed the received one: in the service's own zone.
        a.late_registration = registration_late(
            timezone.localdate(a.received_at), timezone.localdate(now), policy.registration_days
        )


def _register(
    appeal: Appeal,
    *,
    actor: User,
    values: dict | None = None,
    follow_up: tuple[FollowUp, Appeal] | None = None,
    attachment_ids: Sequence[int] = (),
) -> Appeal:
    """Number, route and time the appeal as it becomes «Получено», save it and journal it.

    The one registration pipeline behind every way of submitting, run inside the caller's atomic
    block (its savepoint is the transition's: a failure here rolls the caller's block back whole).
    The actor's staged files are checked before the appeal is numbered and bound to it in the
    same transaction.
    """
    files = attachments_bindable(ids=attachment_ids, actor=actor)
    with appeal_transition(appeal=appeal, action=Action.SUBMIT, actor=actor, savepoint=False) as t:
        a = t.appeal
        for name, value in (values or {}).items():
            setattr(a, name, value)
        local_year = timezone.localtime(t.now).year
        a.number = compose_number(local_year, sequence_next(scope=f"appeal-{local_year}"))
        a.registered_at = t.now
        route = route_on_registration(a).journal()
        links: dict[str, Appeal] = {}
        if follow_up is not None:
            link, source = follow_up
            setattr(a, link.field, source)
            links[link.field] = source
            if link is FollowUp.CONTEST:
                a.department = escalation_target(source.department)
                a.routing_rule, a.unrouted = None, False
                route = {"by": "contest", "department": a.department.code}
        _set_terms(a, now=t.now)
        if problem := identity_problem(actor, a.kind, regime=a.regime):
            raise ValidationFailed.single("kind", problem)
        t.journal(events.appeal_registered_event, route=route, attachments=files or None, **links)
    if files:
        attachments_bind(
            ids=[f.pk for f in files], actor=actor, appeal_id=t.appeal.pk, purpose=Purpose.APPEAL
        )
    t.appeal.registered_here, t.appeal.registered_with_files = True, bool(files)
    return t.appeal


def _already_made(
    actor: User, client_token: str | None, attachment_ids: Sequence[int]
) -> Appeal | None:
    """Return the appeal made earlier with this client token, looked up before registering.

    Only when files come along: binding them a second time would refuse the repeat before its
    insert could find the duplicate. Without files the unique client token itself finds it
    (IntegrityError, see ``_or_the_first``), which saves a query on every new submission.
    """
    if client_token and attachment_ids:
        return _same_submission(actor, client_token)
    return None


def _or_the_first(actor: User, client_token: str | None, error: IntegrityError) -> Appeal:
    """Return the appeal that already holds the client token (an earlier or concurrent request
    won it), or re-raise an IntegrityError that has nothing to do with it."""
    if client_token and (won := _same_submission(actor, client_token)):
        return won
    raise error


def appeal_submit(
    *,
    actor: User,
    data: AppealInput,
    channel: str = Channel.PORTAL,
    client_token: str | None = None,
    attachment_ids: Sequence[int] = (),
) -> Appeal:
    """Register a new appeal, the applicant's own or typed in by staff, as «Получено».

    A repeated submission with the same client token returns the appeal made the first time.
    ``attachment_ids``: files the actor staged (attachments_stage) to go with it.
    """
    client_token = _stored_token(client_token)
    try:
        # One savepoint (or transaction) for the whole registration; the duplicate's lookup
        # runs after it rolled back.
        with transaction.atomic():
            if existing := _already_made(actor, client_token, attachment_ids):
                return existing
            now = clock.now()
            appeal = _new_appeal(
                actor=actor, data=data, channel=channel, client_token=client_token, now=now
            )
            return _register(appeal, actor=actor, attachment_ids=attachment_ids)
    except IntegrityError as exc:
        return _or_the_first(actor, client_token, exc)


@transaction.atomic
def appeal_submit_draft(
    *, actor: User, draft: Appeal, data: AppealInput, attachment_ids: Sequence[int] = ()
) -> Appeal:
    """Register the applicant's saved draft, with what the form holds now, as «Получено»."""
    values = appeal_input_clean(data)
    values.pop("applicant_name")
    return _register(draft, actor=actor, values=values, attachment_ids=attachment_ids)


def appeal_submit_follow_up(
    *,
    actor: User,
    data: AppealInput,
    link: FollowUp,
    source: Appeal,
    client_token: str | None = None,
    channel: str = Channel.PORTAL,
    attachment_ids: Sequence[int] = (),
) -> Appeal:
    """Register a repeat or a contest of the actor's earlier appeal, linked to it.

    A contest takes the kind «обжалование» and goes one level above the department that answered.
    """
    client_token = _stored_token(client_token)
    try:
        with transaction.atomic():
            # Always looked up first: the checks below would refuse a repeated contest
            # (its first copy is the pending one) before the duplicate could be found.
            if client_token and (existing := _same_submission(actor, client_token)):
                return existing
            source = _check_follow_up(link=link, source=source, actor=actor)
            if link is FollowUp.CONTEST:
                data = replace(data, kind=CONTEST_KIND)
            now = clock.now()
            appeal = _new_appeal(
                actor=actor, data=data, channel=channel, client_token=client_token, now=now
            )
            return _register(
                appeal, actor=actor, follow_up=(link, source), attachment_ids=attachment_ids
            )
    except IntegrityError as exc:
        return _or_the_first(actor, client_token, exc)


def appeal_draft_save(*, actor: User, data: AppealInput, draft: Appeal | None = None) -> Appeal:
    """Save an unsubmitted appeal; only what was typed is checked, nothing is required."""
    if not actor.is_citizen:
        raise NotPermitted("Черновики доступны заявителям.")
    values = appeal_input_clean(data, partial=True)
    values.pop("applicant_name")
    if values["kind"] is None or values["theme"] is None:
        raise ValidationFailed.single("theme", "Для черновика выберите вид и тему обращения.")
    if draft is None:
        draft = Appeal(
            applicant=actor, applicant_name=actor.full_name, channel=Channel.PORTAL, status=""
        )
    with appeal_transition(appeal=draft, action=Action.SAVE_DRAFT, actor=actor) as t:
        for name, value in values.items():
            setattr(t.appeal, name, value)
        # Routed for real at submission; a theme without a department waits at the first line.
        t.appeal.department = values["theme"].default_department or first_line_department()
        t.journal(events.appeal_draft_saved_event)
    return t.appeal


def appeal_edit(*, appeal: Appeal, actor: User, data: AppealInput) -> Appeal:
    """Change what the applicant wrote while nobody has taken the appeal; kind and theme stay."""
    with appeal_transition(appeal=appeal, action=Action.EDIT, actor=actor) as t:
        data.kind, data.theme = t.appeal.kind.code, t.appeal.theme.code
        values = appeal_input_clean(data)
        changed = [f for f in EDITABLE if getattr(t.appeal, f) != values[f]]
        for name in changed:
            setattr(t.appeal, name, values[name])
        t.journal(events.appeal_edited_event, fields=changed)
    return t.appeal
