"""Who may reach an appeal: the one permission layer used by pages and API alike."""

from __future__ import annotations

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import Side
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Status
from priemnaya.catalog.models import Membership


def staff_department_ids(user: User) -> set[int]:
    """Return the ids of departments whose appeals the user works (memberships)."""
    cache = getattr(user, "_department_ids", None)
    if cache is None:
        cache = set(Membership.objects.filter(user=user).values_list("department_id", flat=True))
        user._department_ids = cache  # type: ignore[attr-defined]
    return cache


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


def is_department_head(user: User, department_id: int) -> bool:
    return Membership.objects.filter(user=user, department_id=department_id, is_head=True).exists()
