from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "priemnaya.hotline"
    label = "hotline"
    verbose_name = "Горячая линия"
