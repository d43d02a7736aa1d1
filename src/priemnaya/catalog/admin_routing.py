"""Admin for routing rules (with the «Проверить правило» preview) and deadline policies."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from priemnaya.catalog.models import Kind, Policy, PolicyAssignment, RoutingRule, Theme
from priemnaya.catalog.regions import UnknownRegion, region_choices, region_code
from priemnaya.catalog.routing import RouteInput, keyword_list, route_preview

# The appeal's priorities (appeals.states.Priority; the catalog may not import appeals, a test
# holds the two equal).
PRIORITY_CHOICES = [(1, "Низкий"), (2, "Обычный"), (3, "Высокий"), (4, "Критический")]


class RoutingRuleForm(forms.ModelForm):
    # The appeal's priorities, not any number: a rule's priority is copied onto the appeal.
    priority = forms.TypedChoiceField(
        label="Приоритет",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "— не менять —"), *PRIORITY_CHOICES],
    )
    region = forms.ChoiceField(
        label="Регион", required=False, choices=[("", "— любой —"), *region_choices()]
    )

    class Meta:
        model = RoutingRule
        fields = [
            "order",
            "name",
            "is_active",
            "kind",
            "theme",
            "service_code",
            "keywords",
            "region",
            "department",
            "priority",
        ]

    def clean_keywords(self) -> str:
        return ", ".join(keyword_list(self.cleaned_data.get("keywords", "")))

    def clean_service_code(self) -> str:
        return (self.cleaned_data.get("service_code") or "").strip()


class RouteCheckForm(forms.Form):
    """What the administrator types to see which rule an appeal would meet."""

    kind = forms.ModelChoiceField(
        label="Вид", queryset=Kind.objects.all(), required=False, empty_label="— любой —"
    )
    theme = forms.ModelChoiceField(
        label="Тема",
        queryset=Theme.objects.select_related("parent"),
        required=False,
        empty_label="— не выбрана —",
    )
    service_code = forms.CharField(label="Код госуслуги", required=False, max_length=64)
    text = forms.CharField(
        label="Тема и текст обращения", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    region = forms.CharField(label="Регион (код)", required=False, max_length=8)

    def clean_region(self) -> str:
        try:
            return region_code(self.cleaned_data.get("region", ""))
        except UnknownRegion as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = [
        "order",
        "name",
        "is_active",
        "kind",
        "theme",
        "service_code",
        "keywords",
        "region",
        "department",
        "priority",
    ]
    list_display_links = ["name"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "kind", "department", "region"]
    search_fields = ["name", "keywords", "service_code"]
    list_select_related = ["kind", "theme", "department"]
    autocomplete_fields = ["department", "theme"]
    ordering = ["order", "id"]
    change_list_template = "admin/catalog/routingrule/change_list.html"

    def get_urls(self):
        check = self.admin_site.admin_view(self.check_view)
        return [
            path("check/", check, name="catalog_routingrule_check"),
            *super().get_urls(),
        ]

    def check_view(self, request):
        """«Проверить правило»: which rule an appeal like this meets, and why the others not."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RouteCheckForm(request.GET or None)
        preview = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            preview = route_preview(
                RouteInput.of(
                    kind=data["kind"],
                    theme=data["theme"],
                    service_code=data["service_code"],
                    text=data["text"],
                    region=data["region"],
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Проверить правила маршрутизации",
            "form": form,
            "preview": preview,
            "changelist_url": reverse("admin:catalog_routingrule_changelist"),
        }
        return TemplateResponse(request, "admin/catalog/routingrule/check.html", context)


class PolicyAssignmentInline(admin.TabularInline):
    model = PolicyAssignment
    extra = 0
    autocomplete_fields = ["theme"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    # The model's clean() (terms in days, 90-day ceiling) shows its errors on the form's fields.
    list_display = [
        "name",
        "code",
        "regime",
        "resolution_value",
        "resolution_unit",
        "first_response_value",
        "first_response_unit",
        "last_day",
        "max_extensions",
        "answer_review",
        "is_default",
    ]
    list_filter = ["regime", "resolution_unit", "answer_review", "is_default"]
    search_fields = ["name", "code"]
    inlines = [PolicyAssignmentInline]


@admin.register(PolicyAssignment)
class PolicyAssignmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "theme", "policy"]
    list_filter = ["kind", "policy"]
    list_select_related = ["kind", "theme", "theme__parent", "policy"]
    autocomplete_fields = ["theme"]
