"""Forms of the personal-data pages: shape only; the rules are in priemnaya.privacy."""

from __future__ import annotations

from django import forms

from priemnaya.privacy.models import BreachCategory, RequestKind

REQUIRED = "Заполните это поле."


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="Что вы просите",
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Выберите вид запроса.",
            "invalid_choice": "Выберите вид запроса.",
        },
    )
    text = forms.CharField(
        label="Пояснение",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Для уточнения обязательно: какие данные неверны и как правильно. До 2000 символов."
        ),
        error_messages={"max_length": "Не длиннее 2000 символов."},
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Пароль",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Введите пароль, чтобы подтвердить удаление."},
    )
    confirm = forms.BooleanField(
        label="Я понимаю, что войти в эту учётную запись больше не получится",
        error_messages={"required": "Подтвердите, что понимаете последствия удаления."},
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label="Причина продления",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Заявитель получит её в уведомлении о продлении.",
        error_messages={
            "required": "Укажите причину продления.",
            "max_length": "Не длиннее 2000 символов.",
        },
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Ответ заявителю",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Напишите ответ.", "max_length": "Не длиннее 2000 символов."},
    )


class BreachForm(forms.Form):
    detected_at = forms.DateTimeField(
        label="Когда обнаружен",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        help_text="Местное время. Сроки уведомления РКН — 24 и 72 часа от этого момента.",
        error_messages={
            "required": "Укажите, когда инцидент обнаружен.",
            "invalid": "Укажите дату и время в виде ДД.ММ.ГГГГ ЧЧ:ММ.",
        },
    )
    description = forms.CharField(
        label="Что произошло",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Для сотрудников: что случилось, какие системы затронуты, что сделано. "
            "Не вписывайте сюда сами персональные данные (имена, адреса, телефоны)."
        ),
        error_messages={
            "required": "Опишите, что произошло.",
            "max_length": "Не длиннее 5000 символов.",
        },
    )
    categories = forms.MultipleChoiceField(
        label="Категории данных",
        choices=BreachCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Отметьте хотя бы одну категорию данных.",
            "invalid_choice": "Отметьте категории из списка.",
        },
    )
    subjects_estimate = forms.IntegerField(
        label="Примерное число субъектов",
        min_value=0,
        max_value=2_000_000_000,
        error_messages={
            "required": "Укажите примерное число субъектов (0, если неизвестно).",
            "invalid": "Введите целое число.",
            "min_value": "Число не может быть отрицательным.",
            "max_value": "Слишком большое число.",
        },
    )
