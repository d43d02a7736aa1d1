"""Background work of attachments, run by `priemnaya worker` (settings.PRIEMNAYA_PERIODIC_TASKS)."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from priemnaya.attachments import services


@task()
def staged_sweep() -> int:
    """Remove uploaded files no form bound within PRIEMNAYA_STAGED_ATTACHMENTS_TTL seconds."""
    return services.staged_sweep(timedelta(seconds=settings.PRIEMNAYA_STAGED_ATTACHMENTS_TTL))
