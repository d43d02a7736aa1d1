"""Configuration changes reach the audit log: every admin LogEntry becomes ``config.changed``.

The entry names the model and the object's id and what was done; never the object's text
(``object_repr`` may hold a name) nor the changed values.
"""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save

from priemnaya.audit.services import audit_record

ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _config_changed(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    content_type = instance.content_type
    model = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    object_id = "" if instance.object_id is None else str(instance.object_id)
    audit_record(
        action="config.changed",
        actor=instance.user,
        target_type=model[:32],
        target_id=object_id[:64],
        details={
            "model": model,
            "object_id": object_id,
            "action": ACTIONS.get(instance.action_flag, str(instance.action_flag)),
        },
    )


def connect() -> None:
    post_save.connect(_config_changed, sender=LogEntry, dispatch_uid="audit_config_changed")
