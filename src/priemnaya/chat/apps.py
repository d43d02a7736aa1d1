from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "priemnaya.chat"
    label = "chat"
    verbose_name = "Онлайн-чат"
