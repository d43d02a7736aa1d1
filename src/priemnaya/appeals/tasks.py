"""Background work of the appeals context, run by `priemnaya worker`.

Every worker's scheduler enqueues these; the lease in each (``core.leases``) lets one run per
interval do the work and the others return None at once.
"""

from django_tasks import task

from priemnaya.appeals import sweeps


@task()
def appeals_sweep() -> dict[str, int] | None:
    """Warn about deadlines that are near, flag and escalate the ones that passed."""
    return sweeps.sweeps_run()


@task()
def appeals_autoclose() -> int | None:
    """Close answered appeals left open past the policy's auto-close period."""
    return sweeps.autoclose_run()
