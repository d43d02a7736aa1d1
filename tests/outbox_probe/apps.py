from django.apps import AppConfig


class OutboxProbeConfig(AppConfig):
    """A test-only consumer of the journal outbox, installed by settings_test."""

    name = "tests.outbox_probe"
    label = "outbox_probe"
    default_auto_field = "django.db.models.BigAutoField"
