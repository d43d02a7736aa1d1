"""Where the open-data numbers come from: the analytics rollups (``analytics.selectors``).

Open data and the monthly report read only the analytics interface, so the numbers the public
and the monthly report show equal the dashboard's, and never scan the appeals table.
"""

from __future__ import annotations

from priemnaya.analytics.selectors import Filters, rollup_rows

__all__ = ["Filters", "rollup_rows"]
