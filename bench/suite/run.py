"""`priemnaya bench run`: a fresh database, the data, the server the production way, the scenarios.

Order of a run (docs/performance.md, «Набор замеров»):

1. a new database (PostgreSQL: `priemnaya_bench_<stamp>`; SQLite: a file in the work folder),
   migrated, the default catalog, N generated appeals (generate.py), bench accounts and tokens;
2. P5 — the deadline sweep over that data, in this process, before any server runs;
3. `priemnaya serve` (granian WSGI ×2, DEBUG off, a SECRET_KEY, behind a TLS proxy as in
   production: every request says X-Forwarded-Proto: https) and `priemnaya worker`, which first
   works off what P5 left it (journal events, notifications) before any scenario starts;
4. each HTTP scenario: checked once (it must answer 2xx), warmed up, the worker left to finish
   the warm-up's work, then loaded; the server's CPU (the granian processes, and the PostgreSQL
   backends of the bench database) is read from /proc before and after, so each row also has CPU
   ms per request; the worker's CPU is read until it has finished what the load left it;
5. RSS of each process, then the peer (django-helpdesk, bench/suite/peer.py) the same way;
6. bench/results/<date>.json, a Markdown table, and the table in docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.suite import report
from bench.suite.load import LoadResult, RequestSpec, fetch, run_load, wrk_path
from bench.suite.search_terms import MISS_WORD, RARE_WORD, common_words, mark_rare

ROOT = Path(__file__).resolve().parents[2]
TICK = os.sysconf("SC_CLK_TCK")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_BENCH = "redis://127.0.0.1:6379/11"
# PostgreSQL application names of the server's and the worker's connections: their backends'
# CPU is told apart by them.
WEB_APP = "priemnaya-bench-web"
# Seconds to wait for the worker to finish what a scenario (or P5) left it.
SETTLE_TIMEOUT = 600.0
# Seconds P5 may spend on passes after the first one.
DRAIN_BUDGET = 20.0
# Requests of each of the peer's slow reads (tens of seconds each at 100k tickets).
SLOW_READS = 2
WORKER_APP = "priemnaya-bench-worker"
INTAKE_BODY = {
    "kind": "request",
    "theme": "tech-login",
    "subject": "Не могу войти в личный кабинет",
    "text": "После ввода пароля страница входа открывается снова. Прошу помочь с доступом.",
    "desired_result": "Восстановить доступ к личному кабинету.",
}
QUERY_WORD = "кабинет"


def log(text: str) -> None:
    print(text, flush=True)


# ---- processes and /proc ------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds user+system) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))):
            children.setdefault(st[0], []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    return sum(st[1] for pid in pids if (st := _stat(pid)))


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    return {pid: st[1] for pid in pids if (st := _stat(pid))}


@dataclass
class Server:
    """The processes one side of the comparison runs on, and the database backends they use.

    CPU is summed per process between two readings; a process that exits in between (a database
    connection closed) would take its time with it, so the bench keeps connections open for the
    run (CONN_MAX_AGE) and new processes count from zero.
    """

    pids: list[int]
    db_backends: Any = None  # callable returning the PostgreSQL backend pids, or None
    worker_pids: list[int] = field(default_factory=list)
    worker_backends: Any = None

    def reading(self) -> dict[str, dict[int, float]]:
        return {
            "app": cpu_by_pid(self.pids),
            "db": cpu_by_pid(self.db_backends()) if self.db_backends else {},
            "worker": cpu_by_pid(self.worker_pids)
            | (cpu_by_pid(self.worker_backends()) if self.worker_backends else {}),
        }

    @staticmethod
    def spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict:
        return {
            part: sum(max(t - before[part].get(pid, 0.0), 0.0) for pid, t in now.items())
            for part, now in after.items()
        }


# ---- the database -------------------------------------------------------------------------------


def _pg_admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _pg_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else ""


def _pg_backends(url: str, application: str) -> Any:
    """A callable listing the backends of the bench database opened under an application name."""
    import psycopg

    conn = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)

    def pids() -> list[int]:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application]
        ).fetchall()
        return [r[0] for r in rows]

    return pids


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


# ---- accounts the scenarios use -----------------------------------------------------------------


def _accounts(clients: int) -> dict[str, Any]:
    """Tokens for fresh citizens (intake), a citizen with history, a specialist, a supervisor."""
    from django.db.models import Count
    from django.utils import timezone

    from priemnaya.accounts.models import User
    from priemnaya.accounts.services import api_token_create
    from priemnaya.appeals.models import Appeal
    from priemnaya.catalog.models import Membership

    filers = []
    for i in range(clients):
        user = User.objects.create_user(
            email=f"bench-filer-{i}@bench.example",
            password=None,
            full_name="Замеров Пётр Ильич",
            role="citizen",
        )
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        filers.append((api_token_create(user, name="bench"), user.email))
    # A citizen with a typical history: the most common number of appeals, at least three.
    busy = (
        Appeal.objects.values("applicant_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3, n__lte=8)
        .order_by("applicant_id")
        .first()
    )
    if busy is None:
        raise SystemExit("bench: no citizen has three appeals; generate more data.")
    citizen = User.objects.get(pk=busy["applicant_id"])
    numbers = list(
        Appeal.objects.filter(applicant=citizen)
        .order_by("-created_at")
        .values_list("number", flat=True)
    )
    # The specialist of the department holding the most appeals: the heaviest one-department queue.
    top = Appeal.objects.values("department_id").annotate(n=Count("id")).order_by("-n").first()
    member = (
        Membership.objects.filter(department_id=top["department_id"], user__role="specialist")
        .order_by("user_id")
        .first()
        if top
        else None
    )
    if member is None:
        raise SystemExit("bench: no specialist in the busiest department.")
    supervisor = User.objects.get(email="supervisor@bench.example")
    return {
        "closed_last": _last_page_cursor(member.user),
        "filers": filers,
        "citizen": api_token_create(citizen, name="bench"),
        "numbers": numbers,
        "specialist": api_token_create(member.user, name="bench"),
        "supervisor": api_token_create(supervisor, name="bench"),
    }


def _last_page_cursor(user: Any) -> str:
    """The cursor (`after`) that opens the last page of the user's closed queue: the deepest page
    there is, which only keyset paging can serve at a million."""
    from priemnaya.appeals.paging import Cursor, queue_order
    from priemnaya.appeals.selectors import AppealFilters, staff_queue

    qs = queue_order(staff_queue(user=user, filters=AppealFilters(status="closed")))
    row = qs.reverse().values_list("due_at", "id")[20:21].first()
    return Cursor("due", row[0], row[1]).encode() if row else ""


# ---- scenarios ----------------------------------------------------------------------------------


@dataclass
class Scenario:
    id: str
    name: str
    label: str  # the request as the table shows it
    specs: list[RequestSpec]
    clients: list[int]
    peer: str = ""  # the peer's comparable request
    rows: list[dict[str, Any]] = field(default_factory=list)


def _h(token: str | None = None, *, json_body: bool = False) -> dict[str, str]:
    headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


def scenarios(acc: dict[str, Any], *, smoke: bool) -> list[Scenario]:
    get = "GET"
    many = [1] if smoke else [1, 4]
    out = [
        Scenario("P6", "bare", "GET /healthz", [RequestSpec("bare", get, "/healthz", _h())], [8]),
        Scenario(
            "P6",
            "cheapest",
            "GET /api/v1/catalog/kinds",
            [RequestSpec("kinds", get, "/api/v1/catalog/kinds", _h(acc["citizen"]))],
            [8],
        ),
        Scenario(
            "P1",
            "intake",
            "POST /api/v1/appeals",
            [
                RequestSpec(
                    "create",
                    "POST",
                    "/api/v1/appeals",
                    _h(token, json_body=True),
                    json.dumps({**INTAKE_BODY, "contact_email": email}, ensure_ascii=False),
                    "Idempotency-Key",
                )
                for token, email in acc["filers"]
            ],
            [1] if smoke else [1, 8],
            peer="create",
        ),
        Scenario(
            "P2",
            "own-list",
            "GET /api/v1/appeals",
            [RequestSpec("list", get, "/api/v1/appeals", _h(acc["citizen"]))],
            many,
            peer="list",
        ),
        Scenario(
            "P2",
            "own-detail",
            "GET /api/v1/appeals/{номер}",
            [
                RequestSpec("detail", get, f"/api/v1/appeals/{n}", _h(acc["citizen"]))
                for n in acc["numbers"]
            ],
            many,
            peer="detail",
        ),
    ]
    staff, sup = acc["specialist"], acc["supervisor"]
    queue = "/api/v1/staff/appeals"
    shapes: list[tuple[str, str, str]] = [
        ("queue", "", staff),
        ("queue-page-50", "page=50", staff),
    ]
    statuses = ["registered", "in_progress", "needs_info", "answered", "closed", "withdrawn"]
    if smoke:
        statuses = ["closed", "withdrawn"]
    for status in statuses:
        shapes.append((f"queue-{status}", f"status={status}", staff))
    for status in ["", *statuses]:
        query = f"q={quote(QUERY_WORD)}" + (f"&status={status}" if status else "")
        shapes.append((f"queue-q{'-' + status if status else ''}", query, staff))
    if acc["closed_last"]:
        shapes.append(
            ("queue-closed-last-page", f"status=closed&after={acc['closed_last']}", staff)
        )
    shapes += [("queue-all-departments", "", sup), ("queue-all-closed", "status=closed", sup)]
    for name, query, token in shapes:
        path = f"{queue}?{query}" if query else queue
        who = " (контроль качества)" if token is sup else ""
        out.append(
            Scenario(
                "P3",
                name,
                f"GET {path.replace(quote(QUERY_WORD), QUERY_WORD)}{who}".replace(
                    acc["closed_last"] or "\0", "<курсор последней страницы>"
                ),
                [RequestSpec(name, get, path, _h(token))],
                many,
            )
        )
    out += search_scenarios(acc, smoke=smoke)
    out.append(Scenario("P7", "chat", "чат", [], []))
    return out


def search_scenarios(acc: dict[str, Any], *, smoke: bool) -> list[Scenario]:
    """P4 (issue 12 item 3): top-20 for a rare word, a common word (~10 %) and a miss — in the
    specialist's queue (open appeals of the department), over the supervisor's closed appeals
    (most of the million) and in a citizen's own list; page 5 of the common word."""
    staff, sup, own = acc["specialist"], acc["supervisor"], acc["citizen"]
    words = acc["search"]
    queue, mine = "/api/v1/staff/appeals", "/api/v1/appeals"
    shapes: list[tuple[str, str, str, str, str]] = []  # name, path, query word, token, peer
    for shape in ("rare", "common", "miss"):
        word = words[shape]
        shapes += [
            (f"queue-{shape}", queue, f"q={quote(word)}", staff, ""),
            (f"all-closed-{shape}", queue, f"q={quote(word)}&status=closed", sup, ""),
        ]
    shapes += [
        ("own-common", mine, f"q={quote(words['common'])}", own, ""),
        ("all-closed-common-page-5", queue, f"q={quote(words['common'])}&status=closed&page=5",
         sup, ""),
    ]  # fmt: skip
    out = []
    for name, path, query, token, peer in shapes:
        label = f"GET {path}?{query}"
        for word in words.values():
            label = label.replace(quote(word), word)
        who = " (контроль качества)" if token is sup else ""
        out.append(
            Scenario(
                "P4",
                name,
                label + who,
                [RequestSpec(name, "GET", f"{path}?{query}", _h(token))],
                [1] if smoke or not name.endswith("common") else [1, 4],
                peer="search" if name == "all-closed-common" else peer,
            )
        )
    return out


NOT_YET = {"P7": "нет: issue 13 (чат)"}


def measure(
    server: Server,
    specs: list[RequestSpec],
    clients: int,
    seconds: float,
    warmup: float,
    host: str,
    port: int,
    *,
    tool: str,
    min_ok: int = 3,
    timeout: float = 60.0,
    settle: Callable[[], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Warm up, then load; the row of the table with the server's CPU per request.

    With ``settle`` (wait until the worker owes nothing), the worker's share is everything it
    spends from the start of the load until the work the requests caused is done, and nothing it
    owed before: the warm-up's and earlier scenarios' backlogs are drained first.
    """
    if warmup:
        run_load(host, port, specs, clients, warmup, tool=tool, min_ok=0)
    if settle:
        settle()
    before = server.reading()
    result: LoadResult = run_load(
        host, port, specs, clients, seconds, tool=tool, min_ok=min_ok, timeout=timeout
    )
    loaded = server.reading()
    spent = Server.spent(before, loaded)
    row = result.as_dict()
    if settle:
        drained = settle()
        row["drain_seconds"] = drained["seconds"]
        row["backlog_left"] = drained["left"]
        spent["worker"] = Server.spent(before, server.reading())["worker"]
    done = max(result.requests, 1)
    row["cpu_ms_app"] = round(spent["app"] * 1000 / done, 2)
    row["cpu_ms_db"] = round(spent["db"] * 1000 / done, 2)
    # The worker's share (outbox relay, notifications of what the requests did), shown apart.
    row["cpu_ms_worker"] = round(spent["worker"] * 1000 / done, 2)
    return row


def backlog() -> int:
    """What the worker still owes: undispatched journal events, unhandled deliveries to the
    journal's consumers, notifications and webhooks due now."""
    from django.db.models import Q

    from priemnaya.appeals.models import Event, EventDelivery
    from priemnaya.core import clock
    from priemnaya.notifications.models import Notification, State
    from priemnaya.webhooks.models import Delivery, DeliveryState

    now = clock.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (
        Event.objects.filter(dispatched_at__isnull=True).count()
        + EventDelivery.objects.filter(due, handled_at__isnull=True).count()
        + Notification.objects.filter(state=State.PENDING, next_attempt_at__lte=now).count()
        + Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).count()
    )


def settle(timeout: float = SETTLE_TIMEOUT) -> dict[str, Any]:
    """Wait until the worker owes nothing (at most ``timeout``): how long it took, what is left."""
    from django.db import connection

    started = time.monotonic()
    left = backlog()
    while left and time.monotonic() - started < timeout:
        time.sleep(0.25)
        left = backlog()
    connection.close()  # no idle transaction or connection left behind between scenarios
    return {"seconds": round(time.monotonic() - started, 2), "left": left}


def check(host: str, port: int, spec: RequestSpec) -> str:
    """One request first: "" when it answers 2xx/3xx, else what it answered."""
    try:
        status, body = fetch(host, port, spec)
    except (OSError, TimeoutError) as exc:
        return f"{spec.method} {spec.path}: {exc!r}"
    if status >= 400:
        return f"{spec.method} {spec.path}: {status} {body[:400].decode(errors='replace')}"
    return ""


def failed_row(sc: Scenario, problem: str) -> dict[str, Any]:
    return {
        "id": sc.id, "name": sc.name, "label": sc.label, "clients": sc.clients[0], "tool": "",
        "seconds": 0.0, "requests": 1, "ok": 0, "failed": 1, "rps": 0.0, "p50_ms": 0.0,
        "p95_ms": 0.0, "p99_ms": 0.0, "errors": {"check": 1}, "sample_error": problem,
        "cpu_ms_app": 0.0, "cpu_ms_db": 0.0, "cpu_ms_worker": 0.0,
    }  # fmt: skip


# ---- the server ---------------------------------------------------------------------------------


def _wait_http(host: str, port: int, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            req = urllib.request.Request(
                f"http://{host}:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(req, timeout=2) as answer:  # noqa: S310 — localhost
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on port {port} within {seconds:.0f} s")


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, workdir: Path) -> Iterator[dict[str, int]]:
    """`priemnaya serve` (2 WSGI workers) and `priemnaya worker`; yields their root pids."""
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-m", "priemnaya.cli"]
    with open(logs / "serve.log", "ab") as serve_log, open(logs / "worker.log", "ab") as wlog:
        serve = subprocess.Popen(  # noqa: S603 — our own interpreter and CLI
            [
                *cli,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws-port",
                str(port + 1),
                "--workers",
                "2",
            ],
            env=env,
            cwd=workdir,
            stdout=serve_log,
            stderr=subprocess.STDOUT,
        )
        worker_env = {**env, "DATABASE_URL": env["DATABASE_URL"].replace(WEB_APP, WORKER_APP)}
        worker = subprocess.Popen(  # noqa: S603 — our own interpreter and CLI
            [*cli, "worker"], env=worker_env, cwd=workdir, stdout=wlog, stderr=subprocess.STDOUT
        )
        try:
            _wait_http("127.0.0.1", port, 120, serve)
            yield {"serve": serve.pid, "worker": worker.pid}
        finally:
            for proc in (serve, worker):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in (serve, worker):
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def memory(roots: dict[str, int]) -> list[dict[str, Any]]:
    """RSS of every process under each root, named by its role."""
    rows = []
    for role, root in roots.items():
        for pid in descendants(root):
            cmd, st = _cmdline(pid), _stat(pid)
            main = st is not None and st[0] == root
            if "granian" in cmd:
                face = "WSGI" if "wsgi" in cmd else "ASGI (WebSocket)"
                what = f"granian {face}, {'главный' if main else 'воркер'}"
            elif role == "worker":
                what = "priemnaya worker"
            elif pid == root:
                what = "priemnaya serve (супервизор)"
            else:
                what = cmd[:60]
            rows.append({"role": what, "pid": pid, "rss_mb": _rss_mb(pid)})
    return rows


# ---- the run ------------------------------------------------------------------------------------


def machine(pg_version: str) -> dict[str, Any]:
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": pg_version,
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_tool": f"wrk ({wrk_path()})" if wrk_path() else "python-asyncio",
    }


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    smoke = args.smoke
    db = args.db or ("sqlite" if smoke else "postgres")
    scale = args.scale or (300 if smoke else 1_000_000 if db == "postgres" else 100_000)
    seconds = args.duration or (1.0 if smoke else 8.0)
    warmup = 0.0 if smoke else 1.0
    workdir = Path(args.workdir or ROOT / "var" / "bench").resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    server_url = (args.database_url or PG_SERVER).rstrip("/")
    if db == "postgres":
        name = f"priemnaya_bench_{stamp}"
        _pg_admin(server_url, f'CREATE DATABASE "{name}"')
        url = f"{server_url}/{name}"
    else:
        url = f"sqlite:///{workdir / f'bench-{stamp}.sqlite3'}"
    port = args.port
    var = workdir / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "priemnaya.settings",
        "DATABASE_URL": f"{url}?application_name={WEB_APP}" if db == "postgres" else url,
        # Connections live through the run (their backends' CPU is read per process).
        "CONN_MAX_AGE": "3600",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Production runs behind a TLS proxy; every bench request says X-Forwarded-Proto: https.
        "BEHIND_TLS_PROXY": "1",
        "PRIEMNAYA_VAR_DIR": str(var),
        # Collected static files are kept between runs: collectstatic then copies nothing.
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "PRIEMNAYA_SITE_URL": f"http://127.0.0.1:{port}",
        # The abuse limits would stop a load test after 60 appeals an hour per person.
        "PRIEMNAYA_RATE_APPEALS": "100000000/h",
        "PRIEMNAYA_RATE_APPEALS_USER": "100000000/h",
        "LOG_LEVEL": "WARNING",
        # P5 times the sweeps; during the HTTP scenarios the worker's periodic sweeps are held off
        # (P5's lease covers the day) so that they do not compete with the requests measured.
        "PRIEMNAYA_SWEEP_EVERY": "86400",
        "PRIEMNAYA_AUTOCLOSE_EVERY": "86400",
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]
        ),
    }
    redis = _redis_up() and not smoke
    if redis:
        env["REDIS_URL"] = os.environ.get("PRIEMNAYA_BENCH_REDIS_URL", REDIS_BENCH)
    os.environ.update(env)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "priemnaya bench run "
        + " ".join(sys.argv[3:] if sys.argv[1:3] == ["bench", "run"] else []),
        "database": db,
        "scale": scale,
        "smoke": smoke,
        "seconds_per_scenario": seconds,
        "redis": env.get("REDIS_URL", ""),
    }
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        from bench.suite.generate import generate

        log(f"База: {url}")
        phases: dict[str, float] = results.setdefault("phases", {})
        mark = time.monotonic()

        def phase(name: str) -> None:
            nonlocal mark
            phases[name] = round(time.monotonic() - mark, 1)
            mark = time.monotonic()

        call_command("migrate", "--no-input", "-v", "0")
        call_command("load_catalog")
        if redis:
            from django.core.cache import cache

            cache.clear()
        phase("migrate")
        log(f"Генерация {scale} обращений…")
        results["generation"] = generate(scale, seed=args.seed, log=log)
        # The search tables, so that «q» rows search real data (issue 12), with a rare word
        # planted first (P4).
        from priemnaya.search.documents import appeals_rebuild

        rng = random.Random(args.seed)  # noqa: S311 — reproducible data, not a secret
        mark_rare(rng)
        started = time.monotonic()
        indexed = appeals_rebuild(clear=True)
        common = common_words(3000, rng)
        results["search_index"] = {
            "appeals": indexed,
            "seconds": round(time.monotonic() - started, 1),
            "words": {
                "rare": RARE_WORD,
                "common": common["common"][0],
                "common_share_in_sample": round(common["common"][1], 3),
                "miss": MISS_WORD,
            },
        }
        log(f"Поисковый индекс: {results['search_index']}")
        results["machine"] = machine(_pg_version(url) if db == "postgres" else "")
        phase("generate")
        acc = _accounts(8)
        acc["search"] = {k: v for k, v in results["search_index"]["words"].items() if "_" not in k}
        results["p5"] = sweep()
        log(f"P5: {results['p5']}")
        connection.close()
        connections.close_all()

        host = "127.0.0.1"
        tool = "auto"
        rows: list[dict[str, Any]] = []
        plan = scenarios(acc, smoke=smoke)
        phase("p5")
        with serving(env, port, workdir) as roots:
            phase("serve_start")
            pids = [p for p in descendants(roots["serve"]) if p != roots["serve"]]
            srv = Server(
                pids,
                _pg_backends(url, WEB_APP) if db == "postgres" else None,
                descendants(roots["worker"]),
                _pg_backends(url, WORKER_APP) if db == "postgres" else None,
            )
            # P5's marks left the worker thousands of journal events and notifications: measured
            # while it works them off, the first scenarios would share the cores with them.
            results["p5_backlog"] = settle()
            log(f"Воркер доделал работу P5 за {results['p5_backlog']['seconds']} с")
            phase("p5_backlog")
            for sc in plan:
                if not sc.specs:
                    continue
                if problem := check(host, port, sc.specs[0]):
                    # A broken endpoint is a row with its error, and the run goes on.
                    rows.append(failed_row(sc, problem))
                    log(f"  {sc.id} {sc.name}: {problem}")
                    continue
                for clients in sc.clients:
                    row = measure(
                        srv,
                        sc.specs,
                        clients,
                        seconds,
                        warmup,
                        host,
                        port,
                        tool=tool,
                        settle=settle,
                    )
                    row.update(id=sc.id, name=sc.name, label=sc.label)
                    rows.append(row)
                    log(report.line(row))
            results["memory"] = memory(roots)
            phase("scenarios")
        results["scenarios"] = rows
        results["not_measured"] = [
            {"id": sc.id, "name": sc.name, "why": NOT_YET[sc.id]} for sc in plan if not sc.specs
        ]
        if not args.no_peer:
            try:
                results["peer"] = peer_side(
                    plan, workdir, port + 20, args.peer_tickets, seconds, warmup, smoke
                )
            except Exception as exc:
                log(f"Пир: ошибка {exc!r}")
                results["peer"] = {"error": repr(exc)[:500]}
            phase("peer")
    finally:
        from django.db import connections as _conns

        _conns.close_all()
        if db == "postgres" and not args.keep:
            _pg_admin(server_url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        elif db == "sqlite" and not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    results["total_seconds"] = round(time.monotonic() - started, 1)
    return report.write(results, out=args.out, workdir=workdir, docs=not (smoke or args.no_docs))


def sweep() -> dict[str, Any]:
    """P5: the deadline sweep as the worker runs it, then further passes until nothing is due."""
    import logging

    from django.db import connection

    from priemnaya.appeals import sweeps

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # Each appeal already at quality control logs that it cannot be escalated further: real,
    # but thousands of lines here.
    quiet = logging.getLogger("priemnaya.sweeps")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    passes = []
    began = time.monotonic()
    with connection.execute_wrapper(count):
        t = time.monotonic()
        first = sweeps.sweeps_run()  # the task's body, lease included
        passes.append({"seconds": round(time.monotonic() - t, 3), "report": first})
    first_queries = queries
    # Later passes only while they are cheap: at 1M the first pass takes minutes, and the rest
    # of the backlog is the same work again (the worker's lease holds it off during the scenarios).
    while (
        passes[-1]["report"]
        and any(passes[-1]["report"].values())
        and time.monotonic() - began < DRAIN_BUDGET
        and len(passes) < 50
    ):
        t = time.monotonic()
        found = sweeps.sweep_deadlines().as_dict()
        passes.append({"seconds": round(time.monotonic() - t, 3), "report": found})
    t = time.monotonic()
    closed = sweeps.autoclose_run()  # the autoclose task's body, lease included
    quiet.setLevel(level)
    return {
        "first_pass_seconds": passes[0]["seconds"],
        "first_pass_queries": first_queries,
        "first_pass": passes[0]["report"],
        "passes": len(passes),
        "drain_seconds": round(t - began, 2),
        "drained": not (passes[-1]["report"] and any(passes[-1]["report"].values())),
        "handled": {
            k: sum((p["report"] or {}).get(k, 0) for p in passes)
            for k in ("due_soon", "first_response_overdue", "overdue", "escalated")
        },
        "autoclose_seconds": round(time.monotonic() - t, 3),
        "autoclosed": closed,
    }


def peer_side(
    plan: list[Scenario],
    workdir: Path,
    port: int,
    tickets: int,
    seconds: float,
    warmup: float,
    smoke: bool,
) -> dict[str, Any]:
    """django-helpdesk in its own virtual environment, loaded the same way (bench/suite/peer.py)."""
    try:
        from bench.suite.peer import Peer
    except ImportError as exc:
        log(f"Пир недоступен: {exc}")
        return {"error": f"bench/suite/peer.py: {exc}"}
    peer = Peer(workdir / "peer", port)
    began = time.monotonic()
    log(f"Пир: подготовка ({tickets} заявок)…")
    peer.prepare(tickets)
    out: dict[str, Any] = {"tickets": tickets, "prepare_seconds": round(time.monotonic() - began)}
    specs = peer.requests()
    rows = []
    with peer.serve() as pids:
        srv = Server(list({p for root in pids for p in descendants(root)}))
        for sc in plan:
            if not sc.peer or sc.peer not in specs:
                continue
            spec = specs[sc.peer]
            mine = RequestSpec(
                spec.name, spec.method, spec.path, dict(spec.headers), spec.body, spec.unique_header
            )
            # The peer's list and detail take tens of seconds of CPU each at 100k (O(tickets) per
            # request): one client, SLOW_READS requests, no window, no warm-up, no extra check.
            slow = sc.peer in ("list", "detail")
            if not slow and (problem := check("127.0.0.1", port, mine)):
                rows.append(failed_row(sc, problem))
                log(f"пир {sc.id} {sc.name}: {problem}")
                continue
            for clients in sc.clients or [1]:
                n = 1 if slow else clients
                if slow and any(r["name"] == sc.name and r["clients"] == n for r in rows):
                    continue
                if slow:
                    row = measure(
                        srv,
                        [mine],
                        1,
                        0,
                        0,
                        "127.0.0.1",
                        port,
                        tool="python",
                        min_ok=SLOW_READS,
                        timeout=600,
                    )
                else:
                    row = measure(srv, [mine], n, seconds, warmup, "127.0.0.1", port, tool="auto")
                row.update(id=sc.id, name=sc.name, label=f"{spec.method} {spec.path}")
                rows.append(row)
                log("пир " + report.line(row))
        out["memory"] = [
            {
                "role": "gunicorn, главный" if p == pids[0] else "gunicorn, воркер",
                "pid": p,
                "rss_mb": _rss_mb(p),
            }
            for p in srv.pids
        ]
    out["scenarios"] = rows
    return out
