from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "priemnaya.security"
    label = "security"
    verbose_name = "Вход и защита учётных записей"

    def ready(self) -> None:
        from priemnaya.security import signin  # noqa: F401 — connects the lockout signal
