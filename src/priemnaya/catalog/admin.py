from django.contrib import admin

from priemnaya.catalog import admin_calendar  # noqa: F401 — registers the calendar's admin
from priemnaya.catalog.admin_calendar import DepartmentAdminForm
from priemnaya.catalog.models import Department, Kind, Membership, Theme


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentAdminForm
    list_display = ["name", "code", "parent", "timezone", "calendar", "is_first_line", "is_active"]
    list_filter = ["is_active", "is_quality_control", "is_first_line", "calendar"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Kind)
class KindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "regime", "is_active"]
    list_editable = ["is_active"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "default_department", "sort_order", "is_active"]
    list_filter = ["is_active", "default_department"]
    search_fields = ["name", "code", "hint"]
    list_select_related = ["parent", "default_department"]


from priemnaya.catalog import admin_routing  # noqa: E402, F401 — routing rules and policies
