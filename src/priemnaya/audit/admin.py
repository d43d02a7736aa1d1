"""The log in the admin: for reading only — no adding, changing or deleting (SPEC §18)."""

from __future__ import annotations

from django.contrib import admin

from priemnaya.audit.models import AuditEntry, AuditVerification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "action", "actor_id", "actor_role", "target_type", "target_id"]
    list_filter = ["action", "actor_role", "target_type"]
    search_fields = ["=target_id", "=actor_id", "action"]
    date_hierarchy = "at"
    actions = None


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ["at", "ok", "checked", "broken_at", "reason"]
    actions = None
