"""Fixtures of the security tests; the access matrix reports its size at the end of a run."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import caches

from priemnaya.notifications.devoutbox import outbox_dir
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


def _clear_local_cache() -> None:
    # Only the test process's own memory: clear() on a real Redis would empty its whole database.
    if type(caches["default"]).__name__ == "LocMemCache":
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _fresh_counters(settings, tmp_path):
    # Rate-limit counters live in the (per-process) cache; SMS go to this test's own outbox.
    _clear_local_cache()
    settings.VAR_DIR = tmp_path
    yield
    _clear_local_cache()


def sms_to(phone: str) -> list[str]:
    """Texts of the SMS sent to ``phone`` in this test, oldest first."""
    texts = []
    for path in sorted(outbox_dir("sms").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["to"] == phone:
            texts.append(data["text"])
    return texts


def last_code(phone: str) -> str:
    """The six-digit code of the last SMS sent to ``phone``."""
    texts = sms_to(phone)
    assert texts, f"no SMS to {phone}"
    found = re.search(r"\b(\d{6})\b", texts[-1])
    assert found, texts[-1]
    return found.group(1)
