"""Administration of notifications: templates with a preview; the delivery log read-only."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template import TemplateSyntaxError
from django.utils.html import format_html, format_html_join

from priemnaya.appeals.states import EventType
from priemnaya.core.numbering import MalformedNumber, normalize_number
from priemnaya.notifications.models import (
    Channel,
    DeliveryAttempt,
    Notification,
    Preference,
    PushSubscription,
    Template,
)
from priemnaya.notifications.rendering import (
    CONTEXT_HELP,
    SMS_MAX_SEGMENTS,
    Rendered,
    compile_template,
    render_with,
    sample_context,
    sms_segments,
)

_FIELD_NAMES = {"subject": "Тема письма", "body": "Текст"}


def template_preview(template: Template) -> Rendered:
    """Render a template with sample data (``sample_context``) for its audience."""
    return render_with(
        sample_context(template.audience),
        channel=template.channel,
        template=(template.subject, template.body),
    )


class TemplateForm(forms.ModelForm):
    event_type = forms.ChoiceField(label="Тип события", choices=EventType.choices)

    class Meta:
        model = Template
        fields = ["event_type", "channel", "audience", "subject", "body", "is_active"]
        widgets = {"subject": forms.TextInput(attrs={"class": "vTextField", "size": 80})}
        help_texts = {
            "body": "Шаблон Django: {{ number }}, {% if due %}…{% endif %}. Переменные — ниже.",
            "subject": "Для e-mail — тема письма, для push и ленты — заголовок; для SMS не нужна.",
        }

    def _check_syntax(self, name: str) -> str:
        source = self.cleaned_data.get(name, "")
        try:
            compile_template(source)
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(
                f"Ошибка в шаблоне поля «{_FIELD_NAMES[name]}»: {exc}", code="syntax"
            ) from exc
        return source

    def clean_subject(self) -> str:
        return self._check_syntax("subject")

    def clean_body(self) -> str:
        return self._check_syntax("body")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or not cleaned.get("body"):
            return cleaned
        probe = Template(
            event_type=cleaned.get("event_type", ""),
            channel=cleaned.get("channel", Channel.EMAIL),
            audience=cleaned.get("audience", "applicant"),
            subject=cleaned.get("subject", ""),
            body=cleaned["body"],
        )
        try:
            rendered = template_preview(probe)
        except Exception as exc:  # a filter failing at run time: show it, never a 500
            self.add_error("body", f"Шаблон поля «Текст» не отрисовался на примере: {exc}")
            return cleaned
        if probe.channel == Channel.SMS:
            segments = sms_segments(rendered.text)
            if segments > SMS_MAX_SEGMENTS:
                self.add_error(
                    "body",
                    f"Поле «Текст»: SMS на примере занимает {segments} сегм. "
                    f"({len(rendered.text)} знаков); допускается не больше двух "
                    "(134 знака кириллицей со ссылкой).",
                )
        return cleaned


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ["event_type_label", "channel", "audience", "subject", "is_active", "updated_at"]
    list_filter = ["event_type", "channel", "audience", "is_active"]
    search_fields = ["subject", "body"]
    ordering = ["event_type", "channel", "audience"]
    readonly_fields = ["preview", "variables"]
    fieldsets = [
        (None, {"fields": ["event_type", "channel", "audience", "is_active"]}),
        ("Шаблон", {"fields": ["subject", "body"]}),
        ("Пример", {"fields": ["preview", "variables"]}),
    ]

    @admin.display(description="тип события", ordering="event_type")
    def event_type_label(self, obj: Template) -> str:
        return (
            EventType(obj.event_type).label
            if obj.event_type in EventType.values
            else obj.event_type
        )

    @admin.display(description="как выглядит (на примере)")
    def preview(self, obj: Template | None) -> str:
        if obj is None or not obj.pk:
            return "Сохраните шаблон, чтобы увидеть его на примере."
        try:
            rendered = template_preview(obj)
        except Exception as exc:
            return f"Шаблон не отрисовался: {exc}"
        parts = []
        if rendered.subject:
            parts.append(format_html("<p><strong>Тема:</strong> {}</p>", rendered.subject))
        parts.append(
            format_html(
                '<pre style="white-space:pre-wrap;max-width:60em" aria-label="Текст">{}</pre>',
                rendered.text,
            )
        )
        if obj.channel == Channel.SMS:
            parts.append(
                format_html(
                    "<p>{} знаков, сегментов SMS: {}</p>",
                    len(rendered.text),
                    sms_segments(rendered.text),
                )
            )
        if rendered.html:
            # srcdoc keeps the letter's markup away from the admin page; sandbox forbids scripts.
            parts.append(
                format_html(
                    '<iframe title="HTML-версия письма" sandbox srcdoc="{}" '
                    'style="width:100%;max-width:640px;height:480px;border:1px solid #ccc">'
                    "</iframe>",
                    rendered.html,
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.display(description="переменные шаблона")
    def variables(self, obj: Template | None) -> str:
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                "<dt><code>{{{{ {} }}}}</code></dt><dd>{}</dd>",
                CONTEXT_HELP.items(),
            ),
        )


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("at", "ok", "provider_answer", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The delivery log: what went where and how each attempt ended (retries: the staff page)."""

    list_display = [
        "created_at",
        "appeal",
        "channel",
        "audience",
        "address",
        "state",
        "attempts",
        "sent_at",
        "provider_status",
    ]
    list_filter = ["channel", "state", "audience", "required"]
    search_fields = ["address", "appeal__number"]
    list_select_related = ["appeal"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    exclude = ["leased_until"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Notification], search_term: str
    ) -> tuple[QuerySet[Notification], bool]:
        # Numbers are typed as read (26-0001234-9) but stored as digits.
        try:
            digits = normalize_number(search_term)
        except MalformedNumber:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(Q(appeal__number=digits) | Q(address__icontains=search_term)), False


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Browsers' subscriptions: made by the browser, removable here (e.g. a lost device)."""

    list_display = ["user", "short_endpoint", "user_agent", "created_at"]
    search_fields = ["user__email", "user__full_name", "endpoint"]
    list_select_related = ["user"]
    readonly_fields = ["user", "endpoint", "p256dh", "auth", "user_agent", "created_at"]

    @admin.display(description="адрес сервиса push")
    def short_endpoint(self, obj: PushSubscription) -> str:
        return obj.endpoint if len(obj.endpoint) <= 60 else obj.endpoint[:57] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = [
            "user",
            "email",
            "sms",
            "push",
            "kinds",
            "quiet_from",
            "quiet_to",
            "timezone",
            "digest",
        ]

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"]
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(
                f"Поле «часовой пояс»: неизвестный часовой пояс «{name}», нужен вида Europe/Moscow."
            ) from exc
        return name


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    form = PreferenceForm
    list_display = ["user", "email", "sms", "push", "digest", "quiet_from", "quiet_to", "timezone"]
    list_filter = ["email", "sms", "push", "digest"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
