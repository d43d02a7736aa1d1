"""The administrator's form for a canned response (шаблон ответа)."""

from __future__ import annotations

from django import forms

from priemnaya.answers.canned import PLACEHOLDERS
from priemnaya.catalog.models import Kind, Theme

REQUIRED = "Заполните это поле."


def placeholders_help() -> str:
    return "Подстановки: " + "; ".join(
        "{" + word + "} — " + meaning for word, (meaning, _fn) in PLACEHOLDERS.items()
    )


class ResponseTemplateForm(forms.Form):
    title = forms.CharField(label="Название", max_length=200, error_messages={"required": REQUIRED})
    body = forms.CharField(
        label="Текст",
        max_length=5000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": REQUIRED},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Темы",
        queryset=Theme.objects.select_related("parent").order_by("parent__name", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Ничего не выбрано — шаблон для всех тем; раздел охватывает свои подтемы.",
    )
    kinds = forms.ModelMultipleChoiceField(
        label="Виды обращений",
        queryset=Kind.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="Ничего не выбрано — для всех видов.",
    )
    active = forms.BooleanField(label="Действует", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = placeholders_help()
