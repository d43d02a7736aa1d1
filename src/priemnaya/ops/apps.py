from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "priemnaya.ops"
    label = "ops"
    verbose_name = "Эксплуатация"

    def ready(self) -> None:
        from priemnaya.core.metrics import SCRAPE_COLLECTORS
        from priemnaya.ops.metrics import QueueCollector

        if not any(isinstance(c, QueueCollector) for c in SCRAPE_COLLECTORS):
            SCRAPE_COLLECTORS.append(QueueCollector())
