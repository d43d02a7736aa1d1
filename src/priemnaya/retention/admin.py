from django.contrib import admin

from priemnaya.retention.models import (
    DestructionAct,
    DestructionActItem,
    LegalHold,
    RetentionPolicy,
)


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "archive_after_years", "destroy_after_years", "basis", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        from priemnaya.retention.services import policy_save

        # Through the service: validated, dated and audited like the console's form.
        policy_save(
            actor=request.user,
            kind=obj.kind.code,
            archive_years=obj.archive_after_years,
            destroy_years=obj.destroy_after_years,
            basis=obj.basis,
        )


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnly):
    list_display = ["appeal", "placed_at", "placed_by", "lifted_at"]


class ItemInline(admin.TabularInline):
    model = DestructionActItem
    extra = 0
    can_delete = False
    fields = ("number", "kind", "theme", "registered_at", "closed_at", "retention_years")
    readonly_fields = fields


@admin.register(DestructionAct)
class DestructionActAdmin(ReadOnly):
    list_display = ["number", "created_at", "finished_at", "count", "signed_at"]
    inlines = [ItemInline]
