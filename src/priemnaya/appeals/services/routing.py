"""Where an appeal is and who holds it: redirect, escalate, assign, extend (no state change)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals import events
from priemnaya.appeals.deadlines import (
    end_of_day,
    extension_ceiling,
    first_response_due,
    local_day,
    resolution_due,
)
from priemnaya.appeals.lifecycle import Action, Side
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import ESCALATION_TOP, department_line_ids
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.services.journal import appeal_transition, required_text
from priemnaya.appeals.states import Priority
from priemnaya.catalog import routing as catalog_routing
from priemnaya.catalog.models import Department, Policy, Regime, TermUnit
from priemnaya.catalog.policies import policy_for
from priemnaya.catalog.routing import RouteDecision, RouteInput, route_for
from priemnaya.core.calendar import CalendarMissing
from priemnaya.core.errors import InvalidTransition, ServiceUnavailable, ValidationFailed

REASON_MAX = 2000


def first_line_department() -> Department:
    """Return the department whose operators route what no rule could."""
    found = catalog_routing.first_line_department()
    if found is None:
        raise ValidationFailed.single("theme", "Не настроено ведомство первой линии.")
    return found


def route_on_registration(appeal: Appeal) -> RouteDecision:
    """Choose the department of a registering appeal (SPEC §8) and return the decision.

    The first matching routing rule sets the department and, if it says so, the priority; else
    the theme's department; else the first line, marked «не распределено». The rules are read
    once per registration (one query): an edit in admin applies to the very next appeal.
    """
    route = RouteInput.of(
        kind=appeal.kind,
        theme=appeal.theme,
        service_code=appeal.service_code,
        text=f"{appeal.subject}\n{appeal.text}",
        region=appeal.region,
    )
    decision = route_for(route)
    if decision is None:
        raise ValidationFailed.single("theme", "Не настроено ведомство первой линии.")
    appeal.department, appeal.unrouted = decision.department, decision.unrouted
    appeal.routing_rule = decision.rule
    if decision.priority in Priority.values:
        appeal.priority = decision.priority
    return decision


def appeal_redirect(*, appeal: Appeal, actor: User, department_code: str, reason: str) -> Appeal:
    """Send the appeal to another department; the applicant is told (public event)."""
    reason = required_text(reason, field="reason", max_length=REASON_MAX)
    target = Department.objects.filter(code=department_code, is_active=True).first()
    if target is None:
        raise ValidationFailed.single("department", "Выберите ведомство из списка.")
    with appeal_transition(appeal=appeal, action=Action.REDIRECT, actor=actor) as t:
        source = t.appeal.department
        if target.pk == source.pk:
            raise ValidationFailed.single("department", "Обращение уже находится в этом ведомстве.")
        complained = t.appeal.complained_department_id
        if complained is not None and complained in department_line_ids(target):
            raise ValidationFailed.single(
                "department",
                "Жалобу нельзя направить в ведомство, на которое она подана, "
                "или в подчинённое ему (59-ФЗ, ст. 8 ч. 6).",
            )
        _keep_due_days(t.appeal, source=source, target=target)
        t.appeal.department = target
        t.appeal.assignee = None
        # A person routed it: it leaves «Нераспределённые»; a first-line operator's redirect is
        # the manual route of an appeal no rule could route.
        routed = t.appeal.unrouted
        t.appeal.unrouted = False
        t.journal(
            events.appeal_redirected_event,
            source=source,
            target=target,
            reason=reason,
            routed=routed or None,
        )
    return t.appeal


def _keep_due_days(appeal: Appeal, *, source: Department, target: Department) -> None:
    """Keep the due day across a redirect; in another zone it ends at the end of that day there."""
    if source.timezone == target.timezone:
        return
    for name in ("due_at", "original_due_at"):
        moment = getattr(appeal, name)
        if moment is not None:
            setattr(appeal, name, end_of_day(target, local_day(source, moment)))


def escalation_target(department: Department) -> Department:
    """Return the department one level up: the parent, at the top quality control."""
    parent = department.parent if department.parent_id else None
    if parent is not None:
        return parent
    quality = Department.objects.filter(is_quality_control=True, is_active=True).first()
    return quality or department


def appeal_escalate(*, appeal: Appeal, actor: User | None, reason: str) -> Appeal:
    """Raise the escalation level and pass the appeal up: to the parent or quality control.

    Staff and the timer (actor None) escalate whenever the appeal is being worked; the applicant
    only when a deadline passed or the answer is given, once per level (`permissions`). Quality
    control is the top: nothing is escalated above it.
    """
    reason = required_text(reason, field="reason", max_length=REASON_MAX)
    with appeal_transition(appeal=appeal, action=Action.ESCALATE, actor=actor) as t:
        source = t.appeal.department
        target = escalation_target(source)
        if target.pk == source.pk:
            raise InvalidTransition(ESCALATION_TOP, field="escalation_level")
        if t.side is Side.APPLICANT:
            t.appeal.applicant_escalated_level = t.appeal.escalation_level
            t.appeal.applicant_escalated_at = t.now
        t.appeal.escalation_level += 1
        t.appeal.department = target
        t.appeal.assignee = None
        t.journal(
            events.appeal_escalated_event,
            source=source,
            target=target,
            reason=reason,
            by=t.side.value,
        )
    return t.appeal


def appeal_assign(*, appeal: Appeal, actor: User, assignee_id: int) -> Appeal:
    """Make an active member of the appeal's department its assignee (heads and supervisors)."""
    with appeal_transition(appeal=appeal, action=Action.ASSIGN, actor=actor) as t:
        assignee = (
            User.objects.filter(
                pk=assignee_id, is_active=True, membership__department_id=t.appeal.department_id
            )
            .distinct()
            .first()
        )
        if assignee is None:
            raise ValidationFailed.single(
                "assignee_id", "Выберите сотрудника ведомства, в котором находится обращение."
            )
        t.appeal.assignee = assignee
        t.journal(events.appeal_assigned_event, assignee=assignee)
    return t.appeal


def ceiling_message(policy: Policy, ceiling: date) -> str:
    unit = TermUnit(policy.resolution_unit).label
    return (
        f"Продлить можно не больше чем на {policy.max_extension_value} {unit} — "
        f"не позже {format_date(ceiling)}."
    )


def extension_limit(appeal: Appeal) -> date | None:
    """Return the latest day the appeal's due date may be extended to, None if it may not be."""
    policy = appeal.policy if appeal.policy_id else None
    if appeal.due_at is None or policy is None or appeal.extension_count >= policy.max_extensions:
        return None
    try:
        return extension_ceiling(
            policy=policy,
            department=appeal.department,
            original_due=local_day(appeal.department, appeal.original_due_at or appeal.due_at),
        )
    except CalendarMissing:
        return None  # the form then names no limit; the service reports the missing calendar


def appeal_extend(*, appeal: Appeal, actor: User, due_date: date, reason: str) -> Appeal:
    """Move the resolution due date to a later local day, with a reason the applicant is told.

    A 59-FZ appeal may be extended once; no extension goes beyond the kind's maximum. The new
    deadline ends at the end of that local day, like every deadline.
    """
    reason = required_text(reason, field="reason", max_length=REASON_MAX)
    if isinstance(due_date, datetime):
        due_date = timezone.localdate(due_date) if timezone.is_aware(due_date) else due_date.date()
    with appeal_transition(appeal=appeal, action=Action.EXTEND, actor=actor) as t:
        a = t.appeal
        policy = a.policy
        if a.due_at is None or policy is None:
            raise ValidationFailed.single("due_date", "У обращения нет срока ответа.")
        if a.extension_count >= policy.max_extensions:
            raise ValidationFailed.single(
                "due_date",
                "Срок по 59-ФЗ можно продлить только один раз."
                if a.regime == Regime.FZ59 and policy.max_extensions == 1
                else f"Срок можно продлить не больше {policy.max_extensions} раз.",
            )
        old_due = local_day(a.department, a.due_at)
        if due_date <= old_due:
            raise ValidationFailed.single("due_date", "Новый срок должен быть позже текущего.")
        try:
            ceiling = extension_ceiling(
                policy=policy,
                department=a.department,
                original_due=local_day(a.department, a.original_due_at or a.due_at),
            )
        except CalendarMissing as exc:
            raise ServiceUnavailable(str(exc)) from exc
        if due_date > ceiling:
            raise ValidationFailed.single("due_date", ceiling_message(policy, ceiling))
        a.due_at = end_of_day(a.department, due_date)
        a.extended = True
        a.extension_count += 1
        a.extension_reason = reason
        a.due_soon_warned_at = a.breached_at = None
        t.journal(events.appeal_extended_event, old_due=old_due, new_due=due_date, reason=reason)
    return t.appeal


def regime_policy(appeal: Appeal, regime: str) -> Policy:
    """Return the policy an appeal gets in a regime: its kind and theme's if it has that regime,
    else the regime's own default (the policy coded like the regime, or the first of it)."""
    chosen = policy_for(appeal.kind, appeal.theme)
    if chosen.regime == regime:
        return chosen
    same = Policy.objects.filter(regime=regime)
    found = same.filter(code=regime).first() or same.order_by("code").first()
    if found is None:
        raise ValidationFailed.single("regime", "Для этого режима не задана политика сроков.")
    return found


def appeal_change_regime(*, appeal: Appeal, actor: User, regime: str, reason: str) -> Appeal:
    """Consider the appeal as a 59-FZ appeal or as a message from now on (SPEC §5).

    The term is counted again from registration under the regime's policy; extensions and
    sweep marks start afresh. The applicant is told the new regime and due date.
    """
    reason = required_text(reason, field="reason", max_length=REASON_MAX)
    if regime not in Regime.values:
        raise ValidationFailed.single("regime", "Выберите режим: обращение по 59-ФЗ или сообщение.")
    with appeal_transition(appeal=appeal, action=Action.CHANGE_REGIME, actor=actor) as t:
        a = t.appeal
        if a.regime == regime:
            raise ValidationFailed.single(
                "regime", f"Обращение уже рассматривается в режиме «{Regime(regime).label}»."
            )
        old_regime, old_policy, old_due = a.regime, a.policy, a.due_at
        policy = regime_policy(a, regime)
        registered_at = a.registered_at or t.now
        try:
            due = resolution_due(
                policy=policy, department=a.department, registered_at=registered_at
            )
            first = first_response_due(
                policy=policy, department=a.department, registered_at=registered_at
            )
        except CalendarMissing as exc:
            raise ServiceUnavailable(str(exc)) from exc
        a.policy, a.regime = policy, regime
        a.due_at = a.original_due_at = due
        a.first_response_due_at = first
        a.extended, a.extension_count, a.extension_reason = False, 0, ""
        a.due_soon_warned_at = a.breached_at = a.first_response_breached_at = None
        t.journal(
            events.appeal_regime_changed_event,
            old_regime=old_regime,
            old_policy=old_policy,
            old_due=old_due,
            reason=reason,
        )
    return t.appeal
