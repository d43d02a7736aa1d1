"""Writing lines: the default set of the seeds (administrators edit lines in the admin)."""

from __future__ import annotations

from django.db import transaction

from priemnaya.hotline import defaults
from priemnaya.hotline.models import Line, LineHours


@transaction.atomic
def line_load_defaults() -> int:
    """Create the lines of the seeds that are not there yet (by phone); return how many."""
    return defaults.lines_load(Line, LineHours)
