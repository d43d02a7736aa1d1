from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "priemnaya.notifications"
    label = "notifications"
    verbose_name = "Уведомления"
