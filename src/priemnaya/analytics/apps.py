from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "priemnaya.analytics"
    label = "analytics"
    verbose_name = "Аналитика"

    def ready(self) -> None:
        from priemnaya.analytics.consumer import AnalyticsConsumer
        from priemnaya.appeals import outbox

        outbox.register(AnalyticsConsumer())
