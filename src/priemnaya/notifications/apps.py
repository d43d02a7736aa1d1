from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "priemnaya.notifications"
    label = "notifications"
    verbose_name = "Уведомления"

    def ready(self) -> None:
        from priemnaya.appeals.outbox import register
        from priemnaya.notifications.planner import Planner

        # The journal's outbox hands every committed event to the planner (once per event).
        register(Planner())
