"""The complaint guide's form (shape only; the rules and messages live in answers.complaints)."""

from __future__ import annotations

from django import forms

from priemnaya.answers.authorities import AUTHORITIES
from priemnaya.answers.complaints import DEMAND_MAX

AUTHORITY_MISSING = (
    "Выберите орган, куда подаётся жалоба: Роскомнадзор, Минцифры, прокуратура или "
    "уполномоченный по правам человека."
)
DEMAND_MISSING = "Напишите требование: чего вы просите от органа."


class ComplaintForm(forms.Form):
    authority = forms.ChoiceField(
        label="Орган, куда подаётся жалоба",
        choices=[(a.code, a.short) for a in AUTHORITIES],
        widget=forms.RadioSelect,
        error_messages={"required": AUTHORITY_MISSING, "invalid_choice": AUTHORITY_MISSING},
    )
    demand = forms.CharField(
        label="Требование",
        help_text=(
            "Что вы просите сделать. Мы предложили текст по фактам обращения — "
            f"исправьте его, как считаете нужным (до {DEMAND_MAX} символов)."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": DEMAND_MISSING},
    )
