"""Webhooks in admin: endpoints (for administrators) and the read-only delivery log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from priemnaya.accounts.roles import Role
from priemnaya.appeals.states import EventType
from priemnaya.core.errors import ApplicationError
from priemnaya.webhooks import services
from priemnaya.webhooks.models import Delivery, DeliveryAttempt, Endpoint


def _administrator(request: HttpRequest) -> bool:
    return getattr(request.user, "role", None) == Role.ADMINISTRATOR


class AdministratorsOnly:
    """Webhooks carry every appeal event out of the service: only administrators manage them."""

    def has_module_permission(self, request):
        return _administrator(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request, obj=None):
        return _administrator(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request):
        return _administrator(request) and super().has_add_permission(request)  # type: ignore[misc]

    def has_change_permission(self, request, obj=None):
        return _administrator(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None):
        return _administrator(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="Адрес (URL)",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )
    event_types = forms.MultipleChoiceField(
        label="Типы событий",
        choices=services.SELECTABLE_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ничего не отмечено — все события.",
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "event_types", "is_active"]

    def clean(self):
        data = super().clean() or {}
        try:
            data["event_types"] = services.endpoint_validate(
                name=data.get("name") or "",
                url=data.get("url") or "",
                event_types=data.get("event_types") or [],
            )
        except ApplicationError as exc:
            for field, errors in getattr(exc, "errors", {exc.field: [exc.message]}).items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)
        return data


@admin.register(Endpoint)
class EndpointAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "types_display", "is_active", "failure_run", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "failure_run", "disabled_at", "disabled_reason", "created_at"]
    actions = ["enable"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "event_types", "is_active"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    @admin.display(description="Типы событий")
    def types_display(self, obj: Endpoint) -> str:
        if not obj.event_types:
            return "все"
        return ", ".join(str(EventType(t).label) for t in obj.event_types if t in EventType.values)

    def save_model(self, request, obj, form, change):
        if change:
            switched = "is_active" in form.changed_data
            if switched and not obj.is_active:
                # Switched off by hand: no longer «disabled after failures», so nothing is queued.
                obj.disabled_at, obj.disabled_reason = None, ""
            super().save_model(request, obj, form, change)
            if switched and obj.is_active:
                services.endpoint_enable(request.user, obj)
            return
        created = services.endpoint_create(
            request.user,
            name=obj.name,
            url=obj.url,
            event_types=obj.event_types,
            is_active=obj.is_active,
        )
        # The admin goes on with the object it passed in (messages, redirect): make it the row.
        obj.pk, obj.secret, obj.created_at = created.pk, created.secret, created.created_at
        obj._state.adding, obj._state.db = False, created._state.db
        messages.info(
            request,
            f"Секрет подписи получателя «{obj.name}»: {obj.secret} — передайте его владельцу "
            "получателя; он виден и на странице получателя.",
        )

    @admin.action(description="Включить снова")
    def enable(self, request, queryset: QuerySet[Endpoint]):
        done = 0
        for endpoint in queryset:
            try:
                services.endpoint_enable(request.user, endpoint)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            done += 1
        self.message_user(request, f"Включено получателей: {done}.", messages.SUCCESS)


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status_code", "duration_ms", "error", "response")
    readonly_fields = ("at", "status_code", "duration_ms", "error", "response")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(AdministratorsOnly, admin.ModelAdmin):
    """The delivery log: read-only; a delivery is only ever sent again (the action)."""

    list_display = [
        "id",
        "endpoint",
        "event_type",
        "appeal_number",
        "state",
        "attempts",
        "last_status",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "endpoint", "event__type"]
    list_select_related = ["endpoint", "event", "event__appeal"]
    search_fields = ["event__appeal__number"]
    readonly_fields = FIELDS = (
        "endpoint",
        "event",
        "event_type",
        "appeal_number",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_error",
        "delivered_at",
        "created_at",
    )
    fields = FIELDS
    inlines = [AttemptInline]
    actions = ["redeliver"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event__appeal", "endpoint")

    @admin.display(description="Событие", ordering="event__type")
    def event_type(self, obj: Delivery) -> str:
        return obj.event.get_type_display()

    @admin.display(description="Обращение")
    def appeal_number(self, obj: Delivery) -> str:
        return str(obj.event.appeal)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Отправить повторно")
    def redeliver(self, request, queryset: QuerySet[Delivery]):
        done, skipped = 0, 0
        for delivery in queryset:
            try:
                services.delivery_redeliver(request.user, delivery)
            except ApplicationError as exc:
                if exc.code == "not_permitted":
                    self.message_user(request, exc.message, messages.ERROR)
                    return
                skipped += 1
            else:
                done += 1
        text = f"Поставлено в очередь повторно: {done}."
        if skipped:
            text += f" Пропущено (уже ожидают отправки): {skipped}."
        self.message_user(request, text, messages.SUCCESS)
