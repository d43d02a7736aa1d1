from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "priemnaya.analytics"
    label = "analytics"
    verbose_name = "Аналитика"
