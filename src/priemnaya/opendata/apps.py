from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "priemnaya.opendata"
    label = "opendata"
    verbose_name = "Открытые данные"
