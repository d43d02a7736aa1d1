"""Who handles personal-data matters: quality control (supervisors) and administrators."""

from __future__ import annotations

from typing import Any

from priemnaya.accounts.roles import Role
from priemnaya.core.errors import NotPermitted

OFFICER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})


def is_privacy_officer(user: Any) -> bool:
    """Return whether the user answers subjects' requests and keeps the breach register."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role in OFFICER_ROLES
    )


def require_officer(user: Any) -> None:
    if not is_privacy_officer(user):
        raise NotPermitted(
            "Персональными данными занимаются контроль качества и администраторы.",
            code="not_privacy_officer",
        )
