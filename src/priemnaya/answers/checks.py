"""System check: a service that issues answers has a key to sign them with (docs/signatures.md).

Without one, downloads of answers and signatures answer 503 «подписание недоступно» and the
worker's "renditions" deliveries wait; ``check --deploy`` warns so it is caught before that.
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Warning

from priemnaya.answers.signing import KeyError_, signing_key


def signing_key_check(app_configs=None, **kwargs) -> list[CheckMessage]:
    try:
        signing_key()
    except KeyError_ as exc:
        return [
            Warning(
                f"Нет ключа подписи ответов: {exc}",
                hint=(
                    "Выполните `priemnaya keys generate` (ключ в PRIEMNAYA_SIGNING_KEYS_DIR) или "
                    "задайте PRIEMNAYA_SIGNING_KEY; без ключа скачивание ответов отвечает 503."
                ),
                id="answers.W001",
            )
        ]
    return []
