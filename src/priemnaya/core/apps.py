from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "priemnaya.core"
    label = "core"
    verbose_name = "Ядро"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from priemnaya.core.logs import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="priemnaya.core.logs")
