"""Role changes reach the audit log (SPEC §18): a user's role, admin access or superuser flag.

A ``pre_save`` receiver reads the stored values, ``post_save`` compares and appends one
``role.changed`` entry per changed field, with ids and role codes only. The actor is whoever
``audit.services.acting_as`` names (the admin wraps its saves in it), else the system.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.audit.services import audit_record, current_actor

AUDITED_FIELDS = ("role", "is_staff", "is_superuser")
# What a new account has unless someone grants more.
DEFAULTS: dict[str, Any] = {"role": Role.CITIZEN, "is_staff": False, "is_superuser": False}


def _remember_old(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    instance._audit_old = None  # type: ignore[attr-defined]
    if raw or (update_fields is not None and not set(update_fields) & set(AUDITED_FIELDS)):
        return
    if instance.pk is None or instance._state.adding:
        instance._audit_old = dict(DEFAULTS)  # type: ignore[attr-defined]
        return
    old = User.objects.filter(pk=instance.pk).values(*AUDITED_FIELDS).first()
    instance._audit_old = old or dict(DEFAULTS)  # type: ignore[attr-defined]


def _record_changes(sender, instance: User, raw: bool = False, **kwargs) -> None:
    old = getattr(instance, "_audit_old", None)
    instance._audit_old = None  # type: ignore[attr-defined]
    if raw or old is None:
        return
    for field in AUDITED_FIELDS:
        before, after = old[field], getattr(instance, field)
        if before != after:
            audit_record(
                action="role.changed",
                actor=current_actor(),
                target_type="user",
                target_id=instance.pk,
                details={"field": field, "from": before, "to": after},
            )


def connect() -> None:
    pre_save.connect(_remember_old, sender=User, dispatch_uid="audit_role_old")
    post_save.connect(_record_changes, sender=User, dispatch_uid="audit_role_changed")
