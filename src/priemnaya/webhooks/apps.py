from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "priemnaya.webhooks"
    label = "webhooks"
    verbose_name = "Вебхуки"

    def ready(self) -> None:
        from priemnaya.appeals import outbox
        from priemnaya.webhooks.consumer import WebhookConsumer, connect_signals

        connect_signals()
        outbox.register(WebhookConsumer())
