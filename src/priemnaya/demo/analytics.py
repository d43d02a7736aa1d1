"""The dashboard's rollups for the demo: built once the sample appeals are replayed.

The worker's relay would fill them from the journal too; rebuilding here shows real numbers from
the first page view. Both paths are idempotent (the facts' diff), so nothing counts twice.
"""

from __future__ import annotations

from priemnaya.analytics.services import rollups_rebuild


def load_analytics() -> int:
    """Rebuild the analytics rollups from the demo's appeals; return how many count."""
    return rollups_rebuild()
