from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from priemnaya.accounts.models import User


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
