"""Django's deployment checklist passes with production settings (DEBUG off, a real secret)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from priemnaya.answers.signing import ED25519, key_generate
from tests.databases import ROOT


def test_manage_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "priemnaya.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "priemnaya.example.ru",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "PRIEMNAYA_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        # Production signs answers (issue 10): a key is part of a deployment.
        "PRIEMNAYA_SIGNING_KEY": key_generate(ED25519).as_json(),
    }
    # The suite's own relaxations must not leak into this check (the browser tests allow sync ORM
    # calls from Playwright's event loop through DJANGO_ALLOW_ASYNC_UNSAFE).
    for name in (
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "priemnaya.cli", "manage", "check", "--deploy",
         "--fail-level", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
