"""Background work of collective issues, run by `priemnaya worker`."""

from django_tasks import task

from priemnaya.collective.delivery import deliveries_send


@task()
def collective_deliveries_send() -> int:
    """Send the e-mail and SMS notices of collective answers to signers without an appeal."""
    return deliveries_send()
