"""The password policy chosen by ``PRIEMNAYA_PASSWORD_POLICY``: SPEC §13 or ASVS 5 / NIST 800-63B.

``spec`` (the default) is SPEC §13: at least 8 characters with upper and lower case letters, a
digit and a special character, no character four times in a row, not a common password.
``nist`` follows OWASP ASVS 5 (V6.2) and NIST SP 800-63B §3.1.1.2: at least 12 characters, any
characters up to at least 64 (we allow 128), no composition rules, and a check against a list of
breached passwords shipped with a package (Django's CommonPasswordValidator: 20 000 passwords
from breach corpora), plus similarity to the account's own name and contacts.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, ValidationError

SPEC = "spec"
NIST = "nist"
POLICIES = (SPEC, NIST)
# Long enough for any passphrase; bounds the work a single sign-in attempt can cause.
MAX_LENGTH = 128
_DJANGO = "django.contrib.auth.password_validation."


class MaximumLengthValidator:
    """Refuse passwords longer than ``max_length`` characters (NIST: allow at least 64)."""

    def __init__(self, max_length: int = MAX_LENGTH):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Пароль не должен быть длиннее {self.max_length} символов.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Не длиннее {self.max_length} символов."


def password_validators(policy: str) -> list[dict]:
    """Return AUTH_PASSWORD_VALIDATORS for ``policy`` ("spec" or "nist")."""
    longest = {
        "NAME": "priemnaya.accounts.password_policy.MaximumLengthValidator",
        "OPTIONS": {"max_length": MAX_LENGTH},
    }
    if policy == SPEC:
        return [
            {"NAME": _DJANGO + "UserAttributeSimilarityValidator"},
            {"NAME": _DJANGO + "MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
            longest,
            {"NAME": _DJANGO + "CommonPasswordValidator"},
            {"NAME": _DJANGO + "NumericPasswordValidator"},
            {"NAME": "priemnaya.accounts.passwords.CharacterClassValidator"},
        ]
    if policy == NIST:
        return [
            {"NAME": _DJANGO + "UserAttributeSimilarityValidator"},
            {"NAME": _DJANGO + "MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
            longest,
            {"NAME": _DJANGO + "CommonPasswordValidator"},
        ]
    raise ImproperlyConfigured(
        f"PRIEMNAYA_PASSWORD_POLICY must be one of {', '.join(POLICIES)}, not {policy!r}."
    )


def password_hint(policy: str) -> str:
    """The one-line rule shown under a new-password field."""
    if policy == NIST:
        return (
            f"Не короче 12 символов (до {MAX_LENGTH}); подойдёт фраза из нескольких слов. "
            "Распространённые и утёкшие пароли не принимаются."
        )
    return "Не короче 8 символов: строчные и заглавные буквы, цифра и специальный символ."
