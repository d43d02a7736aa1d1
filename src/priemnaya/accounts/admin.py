from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from priemnaya.accounts.models import User
from priemnaya.audit.services import acting_as


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "phone", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "phone"]
    fieldsets = [
        (None, {"fields": ["email", "phone", "password"]}),
        ("Сведения", {"fields": ["full_name", "role", "position", "work_phone"]}),
        ("Доступ", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Даты", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "phone", "full_name", "role", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        # A role or access change is audited with the administrator who made it.
        with acting_as(request.user):
            super().save_model(request, obj, form, change)
