from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "priemnaya.webhooks"
    label = "webhooks"
    verbose_name = "Вебхуки"
