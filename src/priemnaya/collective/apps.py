from django.apps import AppConfig


class CollectiveConfig(AppConfig):
    name = "priemnaya.collective"
    label = "collective"
    verbose_name = "Коллективные обращения"
