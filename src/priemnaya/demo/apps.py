from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "priemnaya.demo"
    label = "demo"
    verbose_name = "Демо-данные"
