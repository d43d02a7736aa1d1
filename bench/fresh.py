"""A fresh, migrated database for a benchmark (SQLite in a temporary folder unless given a URL)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_database(database_url: str = "") -> dict[str, str]:
    """Migrate a fresh database, point this process at it and return the environment for
    child processes (a worker); Django is not set up yet."""
    tmp = Path(tempfile.mkdtemp(prefix="priemnaya-bench-"))
    url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "priemnaya.settings_test"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    subprocess.run(
        [sys.executable, "-m", "priemnaya.cli", "manage", "migrate", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return env
