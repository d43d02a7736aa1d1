"""Where an appeal is and who holds it: redirect, escalate, assign, extend (no state change)."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import Side
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import is_department_head
from priemnaya.appeals.services.journal import begin, record, required_text
from priemnaya.appeals.states import EventType
from priemnaya.catalog.models import Department, Membership, Regime
from priemnaya.core.errors import NotPermitted, ValidationFailed


@transaction.atomic
def appeal_redirect(*, appeal: Appeal, actor: User, department_code: str, reason: str) -> Appeal:
    """Send the appeal to another department; the applicant is told (public event)."""
    reason = required_text(reason, field="reason", max_length=2000)
    target = Department.objects.filter(code=department_code, is_active=True).first()
    if target is None:
        raise ValidationFailed.single("department", "Выберите ведомство из списка.")
    appeal, _ = begin(appeal=appeal, action="redirect", actor=actor)
    if target.pk == appeal.department_id:
        raise ValidationFailed.single("department", "Обращение уже находится в этом ведомстве.")
    old = appeal.department
    appeal.department = target
    appeal.assignee = None
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.REDIRECTED,
        actor=actor,
        from_status=appeal.status,
        text=reason,
        data={"from": old.code, "to": target.code, "to_name": target.name},
    )
    return appeal


def escalation_target(department: Department) -> Department:
    """Return the department one level up: the parent, at the top quality control."""
    parent = department.parent if department.parent_id else None
    if parent is not None:
        return parent
    quality = Department.objects.filter(is_quality_control=True, is_active=True).first()
    return quality or department


@transaction.atomic
def appeal_escalate(*, appeal: Appeal, actor: User | None, reason: str) -> Appeal:
    """Raise the escalation level and pass the appeal up: to the parent or quality control."""
    reason = required_text(reason, field="reason", max_length=2000)
    appeal, side = begin(appeal=appeal, action="escalate", actor=actor)
    old = appeal.department
    target = escalation_target(old)
    appeal.escalation_level += 1
    if target.pk != old.pk:
        appeal.department = target
        appeal.assignee = None
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.ESCALATED,
        actor=actor,
        from_status=appeal.status,
        text=reason,
        data={
            "level": appeal.escalation_level,
            "from": old.code,
            "to": target.code,
            "to_name": target.name,
            "by": side.value,
        },
    )
    return appeal


@transaction.atomic
def appeal_assign(*, appeal: Appeal, actor: User, assignee: User) -> Appeal:
    """Make a member of the appeal's department its assignee (heads and supervisors)."""
    appeal, _ = begin(appeal=appeal, action="assign", actor=actor)
    if not (actor.sees_all_departments or is_department_head(actor, appeal.department_id)):
        raise NotPermitted("Назначать исполнителя может руководитель отдела или контроль качества.")
    member = Membership.objects.filter(user=assignee, department_id=appeal.department_id)
    if not assignee.is_active or not member.exists():
        raise ValidationFailed.single("assignee", "Исполнитель должен быть сотрудником ведомства.")
    appeal.assignee = assignee
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.ASSIGNED,
        actor=actor,
        from_status=appeal.status,
        is_public=False,
        data={"assignee_id": assignee.pk, "assignee_name": assignee.full_name},
    )
    return appeal


@transaction.atomic
def appeal_extend(*, appeal: Appeal, actor: User, new_due: datetime, reason: str) -> Appeal:
    """Move the resolution due date later, with a reason the applicant is told.

    A 59-FZ appeal may be extended once; no extension goes beyond the kind's maximum.
    """
    reason = required_text(reason, field="reason", max_length=2000)
    appeal, side = begin(appeal=appeal, action="extend", actor=actor)
    if side is not Side.STAFF:
        raise NotPermitted("Продлить срок может только сотрудник.")
    if isinstance(new_due, datetime):
        due = new_due if timezone.is_aware(new_due) else timezone.make_aware(new_due)
    else:
        due = timezone.make_aware(datetime.combine(new_due, time(23, 59, 59)))
    kind = appeal.kind
    if kind.regime == Regime.FZ59 and appeal.extended:
        raise ValidationFailed.single("new_due", "Срок по 59-ФЗ можно продлить только один раз.")
    if appeal.due_at is None or due <= appeal.due_at:
        raise ValidationFailed.single("new_due", "Новый срок должен быть позже текущего.")
    # Terms run in calendar days: compare the local dates, not the exact times.
    if (timezone.localdate(due) - timezone.localdate(appeal.due_at)).days > kind.max_extension_days:
        raise ValidationFailed.single(
            "new_due", f"Продлить можно не больше чем на {kind.max_extension_days} дней."
        )
    old_due = appeal.due_at
    appeal.due_at = due
    appeal.extended = True
    appeal.extension_reason = reason
    appeal.save()
    record(
        appeal=appeal,
        type=EventType.EXTENDED,
        actor=actor,
        from_status=appeal.status,
        text=reason,
        data={"from": old_due.isoformat(), "to": due.isoformat()},
    )
    return appeal
