"""Forms of the sign-in, lockout, unlock and password pages (shape only; rules in services)."""

from __future__ import annotations

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms

from priemnaya.security.unlock import IDENTITY_CHECKS

REQUIRED = "Заполните это поле."


def _login_field() -> forms.CharField:
    return forms.CharField(
        label="E-mail или телефон",
        strip=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        error_messages={"required": REQUIRED},
    )


def _password_field(label: str, autocomplete: str, required: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": required},
    )


def _code_field() -> forms.CharField:
    return forms.CharField(
        label="Код из сообщения",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Введите код из сообщения."},
    )


class SignInForm(forms.Form):
    login = _login_field()
    password = _password_field("Пароль", "current-password", "Введите пароль.")
    remember = forms.BooleanField(
        label="Запомнить меня",
        required=False,
        help_text="Не выходить 30 дней на этом устройстве. На чужом компьютере не отмечайте.",
    )


class ResetForm(forms.Form):
    login = _login_field()


class ResetConfirmForm(forms.Form):
    login = _login_field()
    code = _code_field()
    password = _password_field("Новый пароль", "new-password", "Введите новый пароль.")
    password2 = _password_field("Новый пароль ещё раз", "new-password", "Повторите новый пароль.")


class PasswordChangeForm(forms.Form):
    old_password = _password_field("Текущий пароль", "current-password", "Введите текущий пароль.")
    password = _password_field("Новый пароль", "new-password", "Введите новый пароль.")
    password2 = _password_field("Новый пароль ещё раз", "new-password", "Повторите новый пароль.")


class RussianCaptchaInput(CaptchaTextInput):
    """The captcha image with a Russian description, then its key and the answer box."""

    template_name = "web/security/captcha_widget.html"


class UnlockForm(forms.Form):
    login = _login_field()
    captcha = CaptchaField(
        widget=RussianCaptchaInput(),
        label="Символы с картинки",
        help_text="Введите буквы и цифры, которые видите на картинке.",
        error_messages={
            "invalid": "Символы с картинки введены неверно. Попробуйте ещё раз.",
            "required": "Введите символы с картинки.",
        },
    )


class UnlockCodeForm(forms.Form):
    code = _code_field()


class OperatorLookupForm(forms.Form):
    login = _login_field()


class OperatorUnlockForm(forms.Form):
    login = forms.CharField(widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label="Как проверена личность",
        choices=[("", "— выберите —"), *IDENTITY_CHECKS.items()],
        error_messages={"required": "Выберите, как вы проверили личность."},
    )
    confirmed = forms.BooleanField(
        label="Я проверил(а) личность обратившегося указанным способом",
        error_messages={"required": "Подтвердите, что личность проверена."},
    )
