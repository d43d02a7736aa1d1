from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "priemnaya.audit"
    label = "audit"
    verbose_name = "Журнал аудита"

    def ready(self) -> None:
        from priemnaya.audit.receivers import connect

        connect()
