from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "priemnaya.privacy"
    label = "privacy"
    verbose_name = "Персональные данные"
