from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "priemnaya.core"
    label = "core"
    verbose_name = "Ядро"
