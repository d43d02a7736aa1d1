from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "priemnaya.attachments"
    label = "attachments"
    verbose_name = "Вложения"
