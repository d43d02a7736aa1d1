from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "priemnaya.api"
    label = "api"
    verbose_name = "API"
