"""Report the size of the access matrix at the end of a run that collected it."""

from __future__ import annotations

from tests.security.helpers import _no_otp_throttling, sms  # noqa: F401


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reports = [
        r
        for found in terminalreporter.stats.values()
        for r in found
        if "test_access_matrix.py::test_access[" in getattr(r, "nodeid", "")
    ]
    if not reports:
        return
    from tests.security import matrix

    routes = [r for r in matrix.all_routes() if r.key in matrix.RULES]
    in_matrix = [r for r in routes if matrix.rules_of(matrix.RULES[r.key])]
    terminalreporter.write_line(
        f"access matrix: {len(matrix.cases())} cases — {len(in_matrix)} routes "
        f"({len(routes) - len(in_matrix)} skipped with a reason) × {len(matrix.ROLES)} roles "
        "× own/other"
    )
