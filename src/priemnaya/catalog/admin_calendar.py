"""Admin for the production calendar: calendars, their years and days (regional holidays, late
decrees), and the department's working-time fields checked before they reach a deadline.

Saving or deleting here clears the calendar cache (signals in catalog/calendars.py), so the next
deadline in this process uses the edit; other processes see it within CACHE_SECONDS.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib import admin

from priemnaya.catalog.calendars import ADMIN_SOURCE, calendar_year_touch
from priemnaya.catalog.models import Calendar, CalendarDay, CalendarYear, Department
from priemnaya.core import clock
from priemnaya.core.calendar import STANDARD_HOURS


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    extra = 0
    fields = ["year", "source", "loaded_at"]
    readonly_fields = ["source", "loaded_at"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]
    inlines = [CalendarYearInline]

    def save_formset(self, request, form, formset, change):
        # A year added by hand is the administrator's data, said so for whoever audits it.
        for year in formset.save(commit=False):
            if not year.source:
                year.source = ADMIN_SOURCE
                year.loaded_at = clock.now()
            year.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


class YearFilter(admin.SimpleListFilter):
    title = "год"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarYear.objects.values_list("year", flat=True).distinct().order_by("year")
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["calendar", "date", "working", "hours", "note"]
        help_texts = {
            "hours": f"Выходной — 0; рабочий — {STANDARD_HOURS}, предпраздничный — "
            f"{STANDARD_HOURS - 1}.",
        }

    def clean(self):
        data = super().clean() or {}
        working, hours = data.get("working"), data.get("hours")
        if working is False and hours:
            self.add_error("hours", "У выходного дня не может быть рабочих часов: укажите 0.")
        if working and not hours:
            self.add_error("hours", "Укажите рабочие часы дня (например, 8 или 7).")
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "weekday", "working", "hours", "note", "calendar"]
    list_filter = ["calendar", YearFilter, "working"]
    search_fields = ["note"]
    date_hierarchy = "date"
    list_select_related = ["calendar"]

    @admin.display(description="день недели")
    def weekday(self, day: CalendarDay) -> str:
        return ["пн", "вт", "ср", "чт", "пт", "сб", "вс"][day.date.weekday()]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_year_touch(obj.calendar, obj.date.year)

    def delete_model(self, request, obj):
        calendar, year = obj.calendar, obj.date.year
        super().delete_model(request, obj)
        calendar_year_touch(calendar, year)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["calendar", "year", "source", "loaded_at"]
    list_filter = ["calendar"]
    list_select_related = ["calendar"]

    def save_model(self, request, obj, form, change):
        if not obj.source:
            obj.source = ADMIN_SOURCE
            obj.loaded_at = clock.now()
        super().save_model(request, obj, form, change)


class DepartmentAdminForm(forms.ModelForm):
    """Checks the working-time fields: a bad zone or hours would break every deadline."""

    class Meta:
        model = Department
        fields = [
            "code",
            "name",
            "parent",
            "is_quality_control",
            "is_first_line",
            "region",
            "timezone",
            "opens_at",
            "closes_at",
            "calendar",
            "is_active",
        ]

    def clean_timezone(self) -> str:
        name = (self.cleaned_data.get("timezone") or "").strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                "Неизвестный часовой пояс: укажите его по базе IANA, например Europe/Moscow "
                "или Asia/Vladivostok."
            ) from None
        return name

    def clean(self):
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "Конец рабочего дня должен быть позже начала.")
        return data
