"""Forms of the second-factor step and the security page (shape only; rules in the services)."""

from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    otp = forms.CharField(
        label="Код",
        max_length=32,
        strip=True,
        help_text="6 цифр из приложения или SMS, либо код восстановления.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
        error_messages={"required": "Введите код из приложения, SMS или код восстановления."},
    )


class TotpCodeForm(forms.Form):
    otp = forms.CharField(
        label="Код из приложения",
        max_length=16,
        strip=True,
        help_text="6 цифр, которые сейчас показывает приложение.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": "Введите 6 цифр из приложения."},
    )


class RemoveTotpForm(forms.Form):
    otp = forms.CharField(
        label="Текущий код из приложения",
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": "Введите текущий код из приложения."},
    )
    prefix = "remove"
