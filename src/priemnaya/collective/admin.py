from django.contrib import admin

from priemnaya.collective.models import CollectiveIssue, Delivery, Signer


class SignerInline(admin.TabularInline):
    model = Signer
    extra = 0
    can_delete = False
    readonly_fields = ("full_name", "way", "signed_at", "is_representative", "withdrawn_at")
    fields = readonly_fields


@admin.register(CollectiveIssue)
class CollectiveIssueAdmin(admin.ModelAdmin):
    """Read-only: issues change only through the services (merge, co-sign, answer)."""

    list_display = ("pk", "title", "department", "state", "is_public", "created_at")
    list_filter = ("state", "is_public")
    inlines = [SignerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("pk", "issue", "channel", "state", "sent_at", "attempts")
    list_filter = ("channel", "state")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
