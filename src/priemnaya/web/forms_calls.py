"""Forms of the hotline's call screen and call-back queue: shapes only, rules in hotline."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone

from priemnaya.hotline.models import CallOutcome, Line
from priemnaya.web.forms import REQUIRED, theme_choices

TOPIC_REQUIRED = "Выберите тему звонка из каталога."
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


def _topic(required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Тема звонка", required=required, error_messages={"required": TOPIC_REQUIRED}
    )


def _moment(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[MOMENT_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT),
        help_text=help_text,
        error_messages={"invalid": "Дата и время указываются как ДД.ММ.ГГГГ ЧЧ:ММ."},
    )


class _TopicForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic"]).choices = theme_choices()


class ResolveForm(_TopicForm):
    topic = _topic()
    note = forms.CharField(
        label="Что ответили", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DropForm(_TopicForm):
    topic = _topic(required=False)
    note = forms.CharField(
        label="Заметка", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeferForm(_TopicForm):
    question = forms.CharField(
        label="Вопрос для второго уровня",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Запишите вопрос, на который нужно ответить."},
    )
    topic = _topic()
    caller_name = forms.CharField(
        label="Как обращаться к звонящему", required=False, max_length=200
    )
    phone = forms.CharField(
        label="Номер для обратного звонка",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text="Пусто — номер, с которого звонили.",
    )
    callback_at = _moment(
        "Когда перезвонить",
        "Пусто — в пределах срока: 8 рабочих часов (рабочее время 09:00–18:00 по Москве).",
    )

    def clean_callback_at(self):
        value = self.cleaned_data.get("callback_at")
        return timezone.make_aware(value) if value and timezone.is_naive(value) else value


class CallbackForm(forms.Form):
    note = forms.CharField(
        label="Заметка о звонке", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_at = _moment("Следующая попытка", "Для «Не дозвонился»; пусто — через рабочий час.")

    def clean_next_at(self):
        value = self.cleaned_data.get("next_at")
        return timezone.make_aware(value) if value and timezone.is_naive(value) else value


OUTCOME_FILTERS = [
    ("", "Все"),
    ("open", "Без итога"),
    *CallOutcome.choices,
    ("parked", "Отложенные CTI (не распознаны)"),
]


class CallFilterForm(forms.Form):
    line = forms.ModelChoiceField(
        label="Линия", required=False, queryset=Line.objects.all(), empty_label="Все линии"
    )
    outcome = forms.ChoiceField(label="Итог", required=False, choices=OUTCOME_FILTERS)
    date_from = forms.DateField(
        label="С даты",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Дата указывается как ДД.ММ.ГГГГ."},
    )
    date_to = forms.DateField(
        label="По дату",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Дата указывается как ДД.ММ.ГГГГ."},
    )


class SimulateForm(forms.Form):
    line = forms.ModelChoiceField(
        label="Линия", queryset=Line.objects.all(), empty_label=None, required=False
    )
    caller = forms.CharField(
        label="Номер звонящего",
        initial="+79161234567",
        max_length=32,
        error_messages={"required": REQUIRED},
    )


__all__ = [
    "CallFilterForm",
    "CallbackForm",
    "DeferForm",
    "DropForm",
    "ResolveForm",
    "SimulateForm",
]
