from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "priemnaya.appeals"
    label = "appeals"
    verbose_name = "Обращения"
