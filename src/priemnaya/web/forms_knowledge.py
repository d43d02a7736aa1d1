"""Forms of the knowledge base: the reader's vote and the administrator's editor (shape only)."""

from __future__ import annotations

from django import forms

from priemnaya.catalog.models import Theme
from priemnaya.knowledge.models import COMMENT_MAX, Section


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label="Помогла ли статья?",
        choices=[("yes", "Да"), ("no", "Нет")],
        coerce=lambda v: v == "yes",
        error_messages={
            "required": "Выберите «Да» или «Нет».",
            "invalid_choice": "Выберите «Да» или «Нет».",
        },
    )
    comment = forms.CharField(
        label="Что можно улучшить (необязательно)",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Комментарий: не больше {COMMENT_MAX} символов."},
    )


class ArticleForm(forms.Form):
    title = forms.CharField(label="Заголовок", max_length=200)
    section = forms.ModelChoiceField(
        label="Раздел", queryset=Section.objects.all(), empty_label="—"
    )
    summary = forms.CharField(
        label="Кратко (для списков и поиска)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label="Текст (Markdown: # заголовки, списки, [ссылки](https://…), таблицы, `код`)",
        strip=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    keywords = forms.CharField(label="Ключевые слова", max_length=500, required=False)
    themes = forms.ModelMultipleChoiceField(
        label="Темы обращений",
        queryset=Theme.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", "Заполните это поле.")
            field.error_messages["required"] = "Заполните это поле."
