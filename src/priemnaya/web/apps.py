from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "priemnaya.web"
    label = "web"
    verbose_name = "Страницы"
