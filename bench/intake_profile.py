"""Where the CPU of a submission goes: POST /api/v1/appeals, GET /api/v1/catalog/kinds, /healthz.

    uv run python bench/intake_profile.py [--requests 300] [--database-url URL] [--redis-url URL]
                                          [--profile cprofile|pyinstrument|none] [--label NAME]

Migrates a fresh database (SQLite in a temporary folder unless given a URL), makes a citizen with
an API token, then pushes requests through the real WSGI handler (priemnaya.wsgi: the whole
middleware stack, DEBUG off) in this one process: N submissions with unique Idempotency-Keys, N
GETs of the kinds and N GETs of /healthz (the bare limit: a trivial view on the same stack). For
each it measures CPU milliseconds per request (time.process_time), SQL statements, savepoints
and transactions per request, and a profile's top list. Writes
bench/results/intake_profile-<db>[-<label>].json and prints a summary.

The cache is the test settings' local memory unless --redis-url is given (production uses Redis:
every rate-limit count and token touch is then a round trip). Rate limits stay on, raised so the
benchmark's one citizen is never refused.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from fresh import fresh_database  # noqa: E402

HOST = "127.0.0.1"
BODY = {
    "kind": "support",
    "theme": "tech-sms",
    "subject": "Не приходит SMS",
    "text": "Код подтверждения не приходит на телефон, проверьте, пожалуйста.",
    "contact_phone": "+79161234567",
}


class Counter:
    """Count statements, savepoints and outermost transactions of the default connection."""

    def __init__(self) -> None:
        self.statements = 0
        self.savepoints = 0
        self.transactions = 0
        self.autocommit_statements = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        from django.db import connection

        upper = sql.lstrip()[:20].upper()
        if upper.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            self.savepoints += 1
        else:
            self.statements += 1
            if not connection.in_atomic_block:
                # Outside atomic every statement commits alone: a transaction of its own.
                self.autocommit_statements += 1
                self.transactions += 1
        return execute(sql, params, many, context)


def _count_atomic(counter: Counter) -> None:
    """Count an outermost atomic block as one transaction."""
    from django.db import connections, transaction

    original = transaction.Atomic.__enter__

    def enter(self):  # type: ignore[no-untyped-def]
        if not connections[self.using or "default"].in_atomic_block:
            counter.transactions += 1
        return original(self)

    transaction.Atomic.__enter__ = enter  # type: ignore[method-assign]


def _environ(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": HOST,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def _call(app, environ) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    status: list[str] = []

    def start_response(s, h, exc_info=None):  # type: ignore[no-untyped-def]
        status.append(s)

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return int(status[0].split()[0]), body


def _top(profile: cProfile.Profile, limit: int = 25) -> list[dict[str, Any]]:
    stats = pstats.Stats(profile)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "<module>") or None  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((ct, tt, nc, f"{Path(file).name}:{line}({func})"))
    rows.sort(reverse=True)
    total = stats.total_tt  # type: ignore[attr-defined]
    return [
        {
            "function": name,
            "cumulative_share": round(ct / total, 3),
            "own_share": round(tt / total, 3),
            "calls": nc,
        }
        for ct, tt, nc, name in rows[:limit]
    ]


def _own_functions(profile: cProfile.Profile, limit: int = 20) -> list[dict[str, Any]]:
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = [
        (tt, nc, f"{Path(file).name}:{line}({func})")
        for (file, line, func), (_cc, nc, tt, _ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
    ]
    rows.sort(reverse=True)
    return [
        {"function": name, "own_share": round(tt / total, 3), "calls": nc}
        for tt, nc, name in rows[:limit]
    ]


def _own_top(profile: cProfile.Profile, limit: int = 15) -> list[dict[str, Any]]:
    """Where the time is spent inside functions themselves, grouped by package."""
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    groups: dict[str, float] = {}
    for (file, _line, _func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        path = file.replace("\\", "/")
        if "/site-packages/" in path:
            parts = path.split("/site-packages/")[1].split("/")
            group = parts[0] if parts[0] != "django" else "/".join(parts[:3])
        elif "/src/priemnaya/" in path:
            group = "priemnaya/" + path.split("/src/priemnaya/")[1].split("/")[0]
        elif file.startswith("~") or file.startswith("<"):
            group = "builtins"
        else:
            group = "stdlib"
        groups[group] = groups.get(group, 0.0) + tt
    ranked = sorted(groups.items(), key=lambda kv: -kv[1])[:limit]
    return [{"package": name, "own_share": round(t / total, 3)} for name, t in ranked]


def scenario(
    app,  # type: ignore[no-untyped-def]
    name: str,
    make,  # type: ignore[no-untyped-def]
    *,
    requests: int,
    expect: int,
    counter: Counter,
    profiler: str,
) -> dict[str, Any]:
    for i in range(min(20, requests)):  # warm up: imports, caches, connections
        status, body = _call(app, make(f"warm-{i}"))
        if status != expect:
            raise SystemExit(f"{name}: HTTP {status} {body[:300]!r}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        _call(app, make("sql"))
    sql = [q["sql"] for q in one.captured_queries]
    cpu: list[float] = []
    counter.__init__()  # type: ignore[misc]
    started_wall = time.perf_counter()
    for i in range(requests):
        environ = make(f"run-{i}")
        t0 = time.process_time()
        status, body = _call(app, environ)
        cpu.append((time.process_time() - t0) * 1000)
        if status != expect:
            raise SystemExit(f"{name}: HTTP {status} {body[:300]!r}")
    wall = time.perf_counter() - started_wall
    result: dict[str, Any] = {
        "requests": requests,
        "cpu_ms_mean": round(statistics.fmean(cpu), 3),
        "cpu_ms_median": round(statistics.median(cpu), 3),
        "wall_ms_mean": round(wall / requests * 1000, 3),
        "statements_per_request": round(counter.statements / requests, 2),
        "savepoint_statements_per_request": round(counter.savepoints / requests, 2),
        "transactions_per_request": round(counter.transactions / requests, 2),
        "autocommit_statements_per_request": round(counter.autocommit_statements / requests, 2),
        "response_bytes": len(body),
        "sql_of_one_request": sql,
    }
    if profiler == "cprofile":
        # CPU clock: waits on PostgreSQL and Redis sockets do not count, only this process's work.
        profile = cProfile.Profile(time.process_time)
        environs = [make(f"prof-{i}") for i in range(requests)]
        profile.enable()
        for environ in environs:
            _call(app, environ)
        profile.disable()
        if dump := os.environ.get("INTAKE_PROFILE_DUMP"):
            profile.dump_stats(f"{dump}-{name}.prof")
        result["profile_top_cumulative"] = _top(profile)
        result["profile_own_by_package"] = _own_top(profile)
        result["profile_top_own"] = _own_functions(profile)
    elif profiler == "pyinstrument":
        from pyinstrument import Profiler

        environs = [make(f"prof-{i}") for i in range(requests)]
        with Profiler(interval=0.0005) as p:
            for environ in environs:
                _call(app, environ)
        result["pyinstrument"] = p.output_text(unicode=True, color=False, show_all=False)
    return result


def _recreate_postgres(url: str) -> None:
    """Drop and create the named database, so every run starts from an empty one."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument(
        "--profile", choices=["cprofile", "pyinstrument", "none"], default="cprofile"
    )
    parser.add_argument("--label", default="")
    parser.add_argument("--print-sql", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DEBUG", "0")
    # One citizen files everything: raise the limits, keep the middleware counting.
    os.environ["PRIEMNAYA_RATE_APPEALS"] = "100000000/h"
    os.environ["PRIEMNAYA_RATE_APPEALS_USER"] = "100000000/h"
    if args.database_url.startswith("postgres"):
        _recreate_postgres(args.database_url)
    fresh_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    if args.redis_url:
        override_settings(
            CACHES={
                "default": {
                    "BACKEND": "priemnaya.core.redis_cache.SharedClientRedisCache",  # as production
                    "LOCATION": args.redis_url,
                    "KEY_PREFIX": "intake-profile",
                }
            }
        ).enable()
    from django.core.cache import cache

    cache.clear()
    settings.PRIEMNAYA_RATE_LIMITS = {
        **settings.PRIEMNAYA_RATE_LIMITS,
        "appeals": "100000000/h",
        "appeals_user": "100000000/h",
    }
    if settings.DEBUG:
        raise SystemExit("measure with DEBUG off")
    from django.utils import timezone

    from priemnaya.accounts.models import User
    from priemnaya.accounts.services import api_token_create
    from priemnaya.catalog.services import catalog_load_defaults
    from priemnaya.wsgi import application

    catalog_load_defaults()

    moment = timezone.now()
    user = User.objects.create_user(
        email="intake-bench@example.ru",
        phone="+79160000001",
        password="Vesna-2026!",  # noqa: S106 — the benchmark's throwaway account
        full_name="Замеров Подача Обращениевич",
        email_confirmed_at=moment,
        phone_confirmed_at=moment,
    )
    token = api_token_create(user, name="bench")
    counter = Counter()
    _count_atomic(counter)
    connection.execute_wrappers.append(counter)
    body = json.dumps(BODY, ensure_ascii=False).encode()

    def submit(tag: str):  # type: ignore[no-untyped-def]
        return _environ(
            "POST",
            "/api/v1/appeals",
            body,
            {"Authorization": f"Bearer {token}", "Idempotency-Key": f"{tag}-{time.time_ns()}"},
        )

    results = {
        "database": connection.vendor,
        "cache": "redis" if args.redis_url else "locmem",
        "python": sys.version.split()[0],
        "note": "one process, requests through priemnaya.wsgi.application; the machine is shared",
        "scenarios": {
            "POST /api/v1/appeals": scenario(
                application,
                "submit",
                submit,
                requests=args.requests,
                expect=201,
                counter=counter,
                profiler=args.profile,
            ),
            "GET /api/v1/catalog/kinds": scenario(
                application,
                "kinds",
                lambda tag: _environ("GET", "/api/v1/catalog/kinds"),
                requests=args.requests,
                expect=200,
                counter=counter,
                profiler=args.profile,
            ),
            "GET /healthz": scenario(
                application,
                "healthz",
                lambda tag: _environ("GET", "/healthz"),
                requests=args.requests,
                expect=200,
                counter=counter,
                profiler=args.profile,
            ),
        },
    }
    bare = results["scenarios"]["GET /healthz"]["cpu_ms_mean"]
    kinds = results["scenarios"]["GET /api/v1/catalog/kinds"]["cpu_ms_mean"]
    results["kinds_share_of_bare_by_cpu"] = round(bare / kinds, 3)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    path = out / f"intake_profile-{connection.vendor}{suffix}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    for name, r in results["scenarios"].items():
        print(
            f"{name:28} cpu {r['cpu_ms_mean']:7.3f} ms (median {r['cpu_ms_median']:.3f})"
            f"  stmts {r['statements_per_request']:5.2f}  savepoints"
            f" {r['savepoint_statements_per_request']:4.2f}"
            f"  tx {r['transactions_per_request']:4.2f}"
        )
        if args.print_sql:
            for q in r["sql_of_one_request"]:
                print("      sql", q[:300])
        for row in r.get("profile_own_by_package", [])[:10]:
            print(f"      own {row['own_share']:6.1%}  {row['package']}")
        for row in r.get("profile_top_own", [])[:12]:
            print(f"      fn  {row['own_share']:6.1%}  {row['function']}  x{row['calls']}")
        for row in r.get("profile_top_cumulative", [])[:25]:
            print(f"      cum {row['cumulative_share']:6.1%}  {row['function']}")
    print(f"kinds/bare by CPU: {results['kinds_share_of_bare_by_cpu']:.1%}  -> {path}")


if __name__ == "__main__":
    main()
