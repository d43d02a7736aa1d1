from django.apps import AppConfig


class OutboxProbeConfig(AppConfig):
    """A test-only consumer of the journal outbox, installed by settings_test.

    It registers like a real consumer app would, so a `priemnaya worker` started by a test hands
    events to it.
    """

    name = "tests.outbox_probe"
    label = "outbox_probe"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from priemnaya.appeals import outbox
        from tests.outbox_probe.consumer import ProbeConsumer

        outbox.register(ProbeConsumer("probe-app"))
