"""Background work of the API, run by `priemnaya worker` (settings.PRIEMNAYA_PERIODIC_TASKS)."""

from django_tasks import task

from priemnaya.api.idempotency import idempotency_purge as _purge


@task()
def idempotency_purge() -> int:
    """Forget Idempotency-Keys older than a day: retries come within minutes."""
    return _purge()
