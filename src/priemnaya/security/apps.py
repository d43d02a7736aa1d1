from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "priemnaya.security"
    label = "security"
    verbose_name = "Вход и защита учётных записей"
