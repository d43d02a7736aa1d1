from django.contrib import admin

from priemnaya.appeals.models import Answer, Appeal, Event


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "type",
        "actor",
        "from_status",
        "to_status",
        "is_public",
        "text",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only in admin: appeals change only through the lifecycle services."""

    list_display = ["__str__", "subject", "status", "kind", "department", "due_at"]
    list_filter = ["status", "kind", "department", "channel"]
    search_fields = ["number", "subject"]
    list_select_related = ["kind", "department"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    """Issued answers are part of the record: readable here, never added, changed or deleted."""

    list_display = ["appeal", "outcome", "issued_at", "executor_name", "superseded_at"]
    list_select_related = ["appeal"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
