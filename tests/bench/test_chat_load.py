"""`bench/chat_load.py` end to end with a few clients (no speed checked): every round trip done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chat.asgi_server import _port

pytestmark = [pytest.mark.processes, pytest.mark.embedded]

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}


def test_chat_load_smoke(tmp_path):
    out = tmp_path / "chat_load.json"
    run = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "bench/chat_load.py", "--clients", "6", "--messages", "3",
         "--port", str(_port()), "--out", str(out)],
        env=BASE_ENV, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["clients"] == 6
    assert report["round_trips"] == 9  # 3 chats × 3 messages
    assert report["errors"] == 0
    assert report["messages_stored"] == 18  # each question and its answer
    assert report["rtt_ms"]["p95"] > 0
    assert report["messages_per_second"] > 0
