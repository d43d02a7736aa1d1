"""Password rule of SPEC §13 beyond Django's validators: character classes and no long runs."""

from __future__ import annotations

import re

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError

_RUN = re.compile(r"(.)\1{3,}")


class CharacterClassValidator:
    """Require upper and lower case letters, a digit and a special character; no runs of 4+."""

    def validate(self, password: str, user=None) -> None:
        problems = []
        if not any(c.isupper() for c in password) or not any(c.islower() for c in password):
            problems.append("строчные и заглавные буквы")
        if not any(c.isdigit() for c in password):
            problems.append("цифру")
        if all(c.isalnum() for c in password):
            problems.append("специальный символ")
        if problems:
            raise ValidationError(
                "Пароль должен содержать " + ", ".join(problems) + ".", code="password_classes"
            )
        if _RUN.search(password):
            raise ValidationError(
                "Пароль не должен содержать один символ четыре раза подряд.", code="password_run"
            )

    def get_help_text(self) -> str:
        return "Не короче 8 символов: строчные и заглавные буквы, цифра и специальный символ."


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane.

    About 22 ms a check on this project's 2-core reference machine, so ≥ 40 sign-ins a second per
    core (bench/signin_rate.py); Django's default (100 MiB, 8 lanes) costs several times more and
    lets a burst of guesses exhaust the CPU. Hashes made with other parameters are re-hashed at the
    next successful sign-in, as are the PBKDF2 hashes of accounts created before.
    """

    time_cost = 2
    memory_cost = 19_456
    parallelism = 1
