"""Sign-ins per second with the production password hasher (Argon2id, accounts.passwords).

    uv run python bench/signin_rate.py [--signins 200] [--processes 2] [--database-url URL]

Creates one account in a fresh database, then each process signs in through the sign-in page
(POST /accounts/login/, a new session each time) as fast as it can. Writes
bench/results/signin_rate-<database>.json: sign-ins per second in all, per process, and the time
of one password check alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from fresh import fresh_database  # noqa: E402

PASSWORD = "Vesna-2026!"  # noqa: S105 — the benchmark's own throwaway account
LOGIN = "signin-bench@example.ru"


def _setup() -> None:
    import django
    from django.conf import settings

    django.setup()
    from priemnaya.settings import PASSWORD_HASHERS

    # settings_test hashes with MD5 for speed; the benchmark measures what production runs.
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS


def child(count: int) -> None:
    _setup()
    from django.test import Client

    started = time.perf_counter()
    for _ in range(count):
        client = Client(HTTP_HOST="127.0.0.1")
        response = client.post("/accounts/login/", {"login": LOGIN, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"sign-in failed: HTTP {response.status_code}")
    print(json.dumps({"rate": count / (time.perf_counter() - started)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signins", type=int, default=200, help="per process")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.signins)
        return

    env = fresh_database(args.database_url)
    _setup()
    from django.contrib.auth.hashers import check_password, make_password

    from priemnaya.accounts.models import User

    User.objects.create_user(email=LOGIN, password=PASSWORD, full_name="Замеров Вход")
    encoded = make_password(PASSWORD)
    checks = 50
    started = time.perf_counter()
    for _ in range(checks):
        check_password(PASSWORD, encoded)
    check_ms = (time.perf_counter() - started) / checks * 1000

    started = time.perf_counter()
    children = [
        subprocess.Popen(  # noqa: S603 — this script
            [sys.executable, __file__, "--child", "--signins", str(args.signins)],
            env={**env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(args.processes)
    ]
    rates = [json.loads(c.communicate()[0].strip().splitlines()[-1])["rate"] for c in children]
    elapsed = time.perf_counter() - started
    result = {
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "hasher": encoded.split("$", 4)[0] + " " + encoded.split("$")[3],
        "password_check_ms": round(check_ms, 1),
        "processes": args.processes,
        "signins": args.signins * args.processes,
        "signins_per_second": round(args.signins * args.processes / elapsed, 1),
        "per_process": [round(r, 1) for r in rates],
    }
    out = ROOT / "bench" / "results" / f"signin_rate-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
