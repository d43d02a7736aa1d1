"""Background work of the privacy context, run by `priemnaya worker`."""

from django_tasks import task

from priemnaya.privacy import breaches


@task()
def breach_alerts() -> int | None:
    """Alert administrators and quality control before and after each breach notice deadline."""
    return breaches.breach_alerts_run()
