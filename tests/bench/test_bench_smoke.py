"""`priemnaya bench run --smoke`: every scenario of the suite runs end to end (no speed checked).

A fresh SQLite database with a few hundred generated appeals, `priemnaya serve` and the worker,
each scenario for about a second; the JSON must hold every scenario with answers and no errors.
The peer (django-helpdesk from PyPI) is left out: CI does not install it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.proctree import free_port, port_free

pytestmark = [
    pytest.mark.processes,
    pytest.mark.embedded,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

ROOT = Path(__file__).resolve().parents[2]
# What the run needs from the environment; the test settings' values (DATABASE_URL on the
# PostgreSQL run, TASKS_BACKEND, SECRET_KEY) must not leak into the servers it starts.
BASE_ENV = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
HTTP = {"P1", "P2", "P3", "P4", "P6"}


def _two_free_ports() -> int:
    for _ in range(50):
        port = free_port()
        if port < 65000 and port_free(port + 1):
            return port
    raise RuntimeError("no two free ports in a row")


def test_smoke_runs_every_scenario(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(  # noqa: S603 — our own interpreter and CLI
        [sys.executable, "-m", "priemnaya.cli", "bench", "run", "--smoke", "--no-peer",
         "--port", str(_two_free_ports()), "--workdir", str(tmp_path / "work"), "--out", str(out)],
        env=BASE_ENV, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [report] = out.glob("*.json")
    results = json.loads(report.read_text())

    rows = results["scenarios"]
    assert {r["id"] for r in rows} == HTTP
    assert {r["name"] for r in rows} >= {
        "bare", "cheapest", "intake", "own-list", "own-detail", "queue", "queue-page-50",
        "queue-closed", "queue-withdrawn", "queue-q", "queue-all-departments",
        "queue-closed-last-page", "queue-rare", "queue-common", "queue-miss", "all-closed-rare",
        "all-closed-common", "all-closed-miss", "own-common", "all-closed-common-page-5",
    }  # fmt: skip
    for row in rows:
        assert row["ok"] > 0, row
        assert row["failed"] == 0, row
        assert row["p50_ms"] > 0, row
    assert {r["id"] for r in results["not_measured"]} == {"P7"}
    # P4 searches for real words: the rare one was planted, the common one found in the sample.
    words = results["search_index"]["words"]
    assert words["rare"] in next(r["label"] for r in rows if r["name"] == "queue-rare")
    assert 0 < words["common_share_in_sample"] < 1
    assert results["generation"]["appeals"] == results["scale"]
    assert results["search_index"]["appeals"] == results["scale"]  # «q» rows search real data
    assert results["generation"]["overdue"] > 0
    assert results["p5"]["first_pass"] is not None
    assert results["p5"]["handled"]["overdue"] > 0
    # The worker finished P5's work before the first scenario and each scenario's afterwards, so
    # no row's CPU carries work another one caused.
    assert results["p5_backlog"]["left"] == 0, results["p5_backlog"]
    assert all(r["backlog_left"] == 0 for r in rows), [r.get("backlog_left") for r in rows]
    roles = {m["role"] for m in results["memory"]}
    assert {"granian WSGI, главный", "granian WSGI, воркер", "priemnaya worker"} <= roles
    assert all(m["rss_mb"] > 0 for m in results["memory"])
    assert (out / report.name.replace(".json", ".md")).read_text().count("| P3 |") >= 5
