"""Fresh databases for tests that start their own processes (workers killed and restarted)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def fresh_database_url(tmp_path: Path, name: str = "outbox") -> tuple[str, Callable[[], None]]:
    """A fresh database of the kind the suite runs on, and a function that drops it."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.sqlite3'}", lambda: None
    import psycopg

    params = settings.DATABASES["default"]
    host, port, user = params["HOST"] or "127.0.0.1", params["PORT"] or 5432, params["USER"]
    database = f"priemnaya_{name}_{uuid.uuid4().hex[:8]}"
    admin = f"host={host} port={port} user={user} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    return f"postgres://{user}@{host}:{port}/{database}", drop


def process_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a child process of the suite against ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url, **extra}
    env["DJANGO_SETTINGS_MODULE"] = "priemnaya.settings_test"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    return env


def run(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run ``python <args>`` in the repository with ``env``; raise if it fails."""
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True,
        **kwargs,
    )  # fmt: skip
