from django.contrib import admin, messages

from priemnaya.appeals.models import Answer, Appeal, Event
from priemnaya.appeals.selectors import appeal_search_q
from priemnaya.core.errors import ValidationFailed
from priemnaya.core.paginators import EstimatedCountPaginator


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
    # Searched by get_search_results below: the number exactly (or as a prefix), the subject by
    # its trigram index on PostgreSQL; never the number case-folded, which no index serves.
    search_fields = ["number", "subject"]
    search_help_text = "Номер обращения (целиком или начало) или слово из темы (от 3 символов)."
    list_select_related = ["kind", "department"]
    inlines = [EventInline]
    # A million appeals (issue 11): newest first by the primary key, read backwards from its
    # index; no COUNT(*) of the whole table for «N of M» or the page links; no date drill-down
    # and no per-choice counts (each a pass over the table).
    ordering = ["-id"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = None

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(appeal_search_q(term)), False
        except ValidationFailed as exc:  # a word too short for the index: say so, read nothing
            self.message_user(request, exc.message, level=messages.WARNING)
            return queryset.none(), False

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
