from django import forms
from django.contrib import admin

from priemnaya.answers.canned import placeholder_problem
from priemnaya.answers.models import ResponseTemplate
from priemnaya.audit.services import audit_record
from priemnaya.core import clock


class ResponseTemplateAdminForm(forms.ModelForm):
    class Meta:
        model = ResponseTemplate
        fields = ["title", "body", "themes", "kinds", "active"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        if problem := placeholder_problem(body):
            raise forms.ValidationError(f"Текст: {problem}")
        return body


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    """The same rules as the console's editor: whitelisted placeholders, audited changes."""

    form = ResponseTemplateAdminForm
    list_display = ["title", "active", "updated_at", "updated_by"]
    list_filter = ["active", "themes"]
    search_fields = ["title"]
    filter_horizontal = ["themes", "kinds"]

    def save_model(self, request, obj, form, change):
        obj.updated_by, obj.updated_at = request.user, clock.now()
        super().save_model(request, obj, form, change)
        audit_record(
            action="response_template.changed" if change else "response_template.created",
            actor=request.user,
            target_type="response_template",
            target_id=obj.pk,
            details={"active": obj.active, "via": "admin"},
        )
