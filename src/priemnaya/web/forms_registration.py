"""Forms of registration and contact confirmation: shapes only, the rules are in the services."""

from __future__ import annotations

from django import forms
from django.conf import settings

from priemnaya.accounts.password_policy import password_hint
from priemnaya.security.registration import CONSENT_MISSING
from priemnaya.web.forms import REQUIRED


def _text(label: str, *, required: bool = True, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": REQUIRED},
    )


class RegistrationForm(forms.Form):
    full_name = _text("Фамилия, имя, отчество", autocomplete="name")
    email = _text("Электронная почта", required=False, autocomplete="email", inputmode="email")
    phone = _text(
        "Телефон", required=False, autocomplete="tel", inputmode="tel", placeholder="+7XXXXXXXXXX"
    )
    password = forms.CharField(
        label="Пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Придумайте пароль."},
    )
    password2 = forms.CharField(
        label="Пароль ещё раз",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Повторите пароль."},
    )
    consent = forms.BooleanField(
        label="Я даю согласие на обработку персональных данных",
        error_messages={"required": CONSENT_MISSING},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_hint(settings.PRIEMNAYA_PASSWORD_POLICY)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "Пароли не совпадают.")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Код из SMS",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "maxlength": "12",
            }
        ),
        help_text="Шесть цифр. Код действует 10 минут.",
        error_messages={"required": "Введите код из SMS."},
    )
