"""Background work of accounts, run by `priemnaya worker` (settings.PRIEMNAYA_PERIODIC_TASKS)."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from priemnaya.accounts.tokens import tokens_purge as _purge


@task()
def api_tokens_purge() -> int:
    """Delete API tokens expired or revoked more than PRIEMNAYA_API_TOKEN_KEEP_DAYS ago."""
    return _purge(older_than=timedelta(days=settings.PRIEMNAYA["API_TOKEN_KEEP_DAYS"]))
