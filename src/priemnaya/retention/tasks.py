"""Background work of the retention context, run by `priemnaya worker` (daily by default)."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from priemnaya.core.leases import lease_claim
from priemnaya.retention.services import retention_run

LEASE = "retention.run"


@task()
def retention_daily() -> dict[str, int | str | bool] | None:
    """Archive, anonymise and write the act, if no other worker ran it this interval."""
    if not lease_claim(LEASE, every=timedelta(seconds=settings.PRIEMNAYA_RETENTION_EVERY)):
        return None
    return retention_run().as_dict()
