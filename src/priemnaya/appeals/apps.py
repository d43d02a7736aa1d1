from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "priemnaya.appeals"
    label = "appeals"
    verbose_name = "Обращения"

    def ready(self) -> None:
        from priemnaya.appeals import outbox
        from priemnaya.appeals.audit_trail import AuditTrail
        from priemnaya.appeals.incident_consumer import BatchIncidentDetector

        outbox.register(BatchIncidentDetector())
        # Every transition reaches the audit log through the outbox (issue 9, audit).
        outbox.register(AuditTrail())
