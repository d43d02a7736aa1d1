from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "priemnaya.privacy"
    label = "privacy"
    verbose_name = "Персональные данные"

    def ready(self) -> None:
        from django.core.checks import register

        from priemnaya.privacy.checks import pd_location_check

        register(pd_location_check)
