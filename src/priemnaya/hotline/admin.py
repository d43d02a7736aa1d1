"""Lines in the admin: number, purpose, the week's hours (one row per weekday).

Every save and delete here becomes a LogEntry, and so a ``config.changed`` entry of the audit log
(audit/receivers.py), as for the catalog.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from priemnaya.core.errors import ValidationFailed
from priemnaya.hotline.models import Line, LineHours
from priemnaya.hotline.phones import line_phone, line_phone_display


class LineHoursInline(admin.TabularInline):
    model = LineHours
    extra = 0
    max_num = 7
    fields = ["weekday", "opens", "closes"]


class LineAdminForm(forms.ModelForm):
    # Typed as people write it («8 (800) 100-20-30»), stored as dialled: longer than the column.
    phone = forms.CharField(
        label="Номер для набора",
        max_length=32,
        help_text="В любом привычном виде; хранится как +7XXXXXXXXXX (ссылка tel:).",
    )

    class Meta:
        model = Line
        fields = [
            "name",
            "purpose",
            "phone",
            "phone_display",
            "order",
            "is_active",
            "works_on_holidays",
            "calendar",
            "notes",
        ]

    def clean_phone(self) -> str:
        try:
            return line_phone(self.cleaned_data["phone"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean() or {}
        if data.get("phone") and not (data.get("phone_display") or "").strip():
            data["phone_display"] = line_phone_display(data["phone"])
        return data


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    form = LineAdminForm
    list_display = ["name", "phone_display", "order", "is_active", "works_on_holidays"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "works_on_holidays"]
    search_fields = ["name", "phone", "phone_display", "purpose"]
    inlines = [LineHoursInline]
