"""Who may reach an appeal: the one permission layer used by pages and API alike."""

from __future__ import annotations

from datetime import date

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import TRANSITIONS, Action, Side, allowed
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.states import OPEN_STATUSES, Status
from priemnaya.catalog.calendars import department_hours
from priemnaya.catalog.models import Approver, Department, Membership
from priemnaya.core import clock
from priemnaya.core.deadlines import window_end
from priemnaya.core.errors import ApplicationError, InvalidTransition, NotPermitted


def _load_memberships(user: User) -> None:
    # One query fills both caches: the departments worked and those headed (the console's menu
    # asks for the second on every page that already asked for the first).
    rows = list(Membership.objects.filter(user=user).values_list("department_id", "is_head"))
    user._department_ids = {pk for pk, _ in rows}  # type: ignore[attr-defined]
    user._head_department_ids = {pk for pk, head in rows if head}  # type: ignore[attr-defined]


def staff_department_ids(user: User) -> set[int]:
    """Return the ids of departments whose appeals the user works (memberships)."""
    if getattr(user, "_department_ids", None) is None:
        _load_memberships(user)
    return user._department_ids  # type: ignore[attr-defined]


def is_applicant(user: User, appeal: Appeal) -> bool:
    return bool(user.is_authenticated and appeal.applicant_id == user.pk)


def is_working_staff(user: User, appeal: Appeal) -> bool:
    """Return True if the user works appeals and the appeal's department is theirs."""
    if not user.is_authenticated or not user.is_active or not user.works_appeals:
        return False
    if appeal.status == Status.DRAFT:
        return False
    return user.sees_all_departments or appeal.department_id in staff_department_ids(user)


def can_view(user: User, appeal: Appeal) -> bool:
    return is_applicant(user, appeal) or is_working_staff(user, appeal)


def side_of(user: User | None, appeal: Appeal) -> Side | None:
    """Return the side the user acts for on this appeal, or None if they may not act."""
    if user is None:
        return Side.SYSTEM
    if is_applicant(user, appeal):
        return Side.APPLICANT
    if is_working_staff(user, appeal):
        return Side.STAFF
    return None


def head_department_ids(user: User) -> set[int]:
    """Return the ids of departments the user heads (cached on the user for the request)."""
    if getattr(user, "_head_department_ids", None) is None:
        _load_memberships(user)
    return user._head_department_ids  # type: ignore[attr-defined]


def is_department_head(user: User, department_id: int) -> bool:
    return department_id in head_department_ids(user)


def may_review(user: User | None, appeal: Appeal) -> bool:
    """Heads of the appeal's department and quality control review answers and assign work."""
    if user is None:
        return False
    return user.sees_all_departments or is_department_head(user, appeal.department_id)


def department_line_ids(department: Department) -> list[int]:
    """Return the ids of the department and every department above it, nearest first."""
    ids, parent_id = [department.pk], department.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Department.objects.filter(pk=parent_id).values_list("parent_id", flat=True)[0]
    return ids


EXTENSION_APPROVERS = {
    Approver.HEAD: "руководитель отдела (или вышестоящего) либо контроль качества",
    Approver.STAFF: "любой сотрудник, работающий с обращением",
}


def extension_approver(appeal: Appeal) -> str:
    """Return who may extend the appeal under its policy (59-FZ art. 12 p.2: the head)."""
    policy = appeal.policy if appeal.policy_id else None
    return policy.extension_approver if policy is not None else Approver.HEAD


def may_extend(user: User | None, appeal: Appeal) -> bool:
    """Return True if the user is an approver of the appeal's extension under its policy.

    «head»: quality control, or a head of the appeal's department or of one above it;
    «staff»: whoever works the appeal.
    """
    if user is None:
        return False
    if extension_approver(appeal) == Approver.STAFF or user.sees_all_departments:
        return True
    heads = head_department_ids(user)
    return bool(heads) and any(pk in heads for pk in department_line_ids(appeal.department))


EXPIRED = "Срок ответа уже истёк — продлить его нельзя."


def redirect_last_day(appeal: Appeal) -> date | None:
    """Return the last local day the appeal may be redirected, None if the policy sets no window.

    59-FZ art. 8 p.3: within 7 days of registration, counted in the department's zone.
    """
    policy = appeal.policy if appeal.policy_id else None
    if policy is None or policy.redirect_days is None or appeal.registered_at is None:
        return None
    hours = department_hours(appeal.department)
    return window_end(hours.local_date(appeal.registered_at), policy.redirect_days)


def redirect_window_closed(appeal: Appeal) -> date | None:
    """Return the window's last day if it has passed (no redirect now), else None."""
    last = redirect_last_day(appeal)
    if last is None:
        return None
    today = department_hours(appeal.department).local_date(clock.now())
    return last if today > last else None


ARCHIVED = "Обращение передано в архив: оно хранится только для чтения, изменить его нельзя."


def refusal(
    action: Action, appeal: Appeal, user: User | None, side: Side
) -> ApplicationError | None:
    """Return why the user may not do the action to the appeal now, or None if they may.

    The one statement of the table's guards: the transition helper raises what this returns and
    the pages and API offer only the actions for which it returns None.
    """
    transition = TRANSITIONS[action]
    # An archived appeal is kept for audit as it is (issue 14): only its anonymisation may
    # still change it, when its retention period ends.
    if appeal.archived_at is not None and action is not Action.ANONYMISE:
        return InvalidTransition(ARCHIVED, field="status", code="archived")
    if side not in transition.sides:
        return NotPermitted(f"Действие «{transition.label}» вам недоступно.")
    if not allowed(action, appeal.status, side):
        state = Status(appeal.status).label if appeal.status else "новое"
        return InvalidTransition(
            f"Действие «{transition.label}» недоступно в статусе «{state}».", field="status"
        )
    if transition.reviewers_only and side is Side.STAFF and not may_review(user, appeal):
        return NotPermitted(
            f"Действие «{transition.label}» доступно руководителю отдела и контролю качества."
        )
    if action is Action.EXTEND and side is Side.STAFF:
        if not may_extend(user, appeal):
            return NotPermitted(
                f"Продлить срок может {EXTENSION_APPROVERS[Approver(extension_approver(appeal))]}."
            )
        # The decision must come while the term runs (59-FZ art. 12 p.2), not after a breach.
        if appeal.due_at is not None and clock.now() > appeal.due_at:
            return InvalidTransition(EXPIRED, field="due_date")
    if action is Action.REDIRECT and (last := redirect_window_closed(appeal)) is not None:
        return InvalidTransition(
            f"Переадресовать можно было до {format_date(last)}: срок переадресации после "
            "регистрации истёк (59-ФЗ, ст. 8 ч. 3).",
            field="department",
        )
    if action is Action.CONFIRM and appeal.review_requested_at is None:
        return InvalidTransition("Заявитель не просил пересмотреть этот ответ.", field="review")
    if action is Action.ESCALATE:
        return escalation_refusal(appeal, side)
    return None


ESCALATION_TOP = "Обращение уже у контроля качества: выше эскалировать некуда."


def _local_day_text(appeal: Appeal, moment) -> str:
    from priemnaya.appeals.deadlines import local_day

    return format_date(local_day(appeal.department, moment))


def escalation_refusal(appeal: Appeal, side: Side) -> ApplicationError | None:
    """Return why the appeal may not be escalated now by this side, or None if it may.

    Nobody escalates above quality control. The applicant escalates only for a reason the law
    and SPEC §4 recognise — the first reaction or the answer is late, or the answer is given —
    once per level, and each reason counts once: after their escalation the appeal waits for the
    higher level (a new answer or a later deadline), so a fresh appeal cannot be raised from
    level to level in seconds.
    """
    if appeal.department.is_quality_control:
        return InvalidTransition(ESCALATION_TOP, field="escalation_level")
    if side is not Side.APPLICANT:
        return None
    if (
        appeal.applicant_escalated_level is not None
        and appeal.applicant_escalated_level >= appeal.escalation_level
    ):
        return InvalidTransition(
            "Вы уже просили об эскалации на этом уровне.", field="escalation_level"
        )
    now = clock.now()
    since = appeal.applicant_escalated_at
    if appeal.status == Status.ANSWERED:
        if since is None or (appeal.answered_at and appeal.answered_at > since):
            return None
        return InvalidTransition(
            "Вы уже просили об эскалации после этого ответа: дождитесь решения "
            "вышестоящего уровня.",
            field="escalation_level",
        )
    if appeal.status not in OPEN_STATUSES:
        return None  # the table already refused
    first_due, due = appeal.first_response_due_at, appeal.due_at
    # A deadline passed before the applicant's last escalation was already used as a reason.
    late_first = (
        first_due is not None
        and appeal.first_response_at is None
        and first_due < now
        and (since is None or first_due > since)
    )
    late_answer = (
        due is not None
        and appeal.paused_at is None
        and due < now
        and (since is None or due > since)
    )
    if late_first or late_answer:
        return None
    if appeal.paused_at is not None:
        return InvalidTransition(
            "Срок приостановлен до вашего ответа на запрос уточнения; эскалация станет "
            "доступна, если после него срок ответа будет пропущен.",
            field="escalation_level",
        )
    waits = [
        moment
        for moment in (
            first_due if appeal.first_response_at is None else None,
            due,
        )
        if moment is not None and moment > now and (since is None or moment > since)
    ]
    if waits:
        return InvalidTransition(
            f"Эскалация станет доступна после {_local_day_text(appeal, min(waits))}, "
            "если ответа не будет.",
            field="escalation_level",
        )
    return InvalidTransition(
        "Вы уже просили об эскалации: дождитесь ответа вышестоящего уровня.",
        field="escalation_level",
    )


STAFF_ONLY = "Раздел доступен сотрудникам."


def require_staff(user: User) -> User:
    """Return the user if they work appeals (staff sections of pages and API), else NotPermitted."""
    if not (user.is_authenticated and user.is_active and user.works_appeals):
        raise NotPermitted(STAFF_ONLY)
    return user
