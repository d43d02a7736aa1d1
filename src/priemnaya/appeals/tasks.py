"""Background work of the appeals context, run by `priemnaya worker`."""

from django_tasks import task

from priemnaya.appeals.services import appeals_autoclose as _autoclose


@task()
def appeals_autoclose() -> int:
    """Close answered appeals left open past the auto-close period."""
    return _autoclose()
