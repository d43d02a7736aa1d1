"""Query plans of the console queue shapes before and after the queue indexes (issue 11).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/priemnaya_bench \\
        uv run python bench/queue_plans.py --appeals 200000

PostgreSQL only (the plans are the point). Migrates the database, loads the default catalog and
a few staff users through the ORM, then bulk-loads N appeals in one `INSERT … SELECT
generate_series` (statuses like a real service: most closed, a few % open; 5 departments; due
dates over five years; a reproducible `setseed`). Each queue shape is the SQL of the real
selector (`appeals.selectors.staff_queue` sliced like `page_of`), run with the queue indexes
removed (`migrate appeals 0014`) and again with them (`migrate appeals 0015`), each time after
ANALYZE: the median of 7 runs and EXPLAIN (ANALYZE, BUFFERS). Writes
bench/results/queue_plans-<date>.json. The database's appeals are replaced: use a scratch one.

At a million, load once and time every request shape (the queue's statuses, `q` with a common,
a middling, a rare and a missing word, numbers, the last page, the own list and detail, the
console, the admin) through Django in-process, with the plan of its appeals query:

    … queue_plans.py --appeals 1000000 --load-only
    … queue_plans.py --appeals 1000000 --measure before   # on the code to compare with
    … queue_plans.py --appeals 1000000 --measure after

Results go under the label into bench/results/queue_plans-1m-<date>.json; a rerun after a crash
goes on from the last shape written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402

BEFORE = "0014_alter_event_type"
AFTER = "0015_queue_indexes"
PAGE = 20
RUNS = 7

# Share of each status in ‰ (cumulative thresholds are built below): a service five years old.
STATUS_SHARES = [
    ("closed", 860),
    ("withdrawn", 40),
    ("answered", 30),
    ("registered", 20),
    ("in_progress", 40),
    ("needs_info", 10),
]


def _status_case() -> str:
    arms, edge = [], 0
    for status, share in STATUS_SHARES[:-1]:
        edge += share
        arms.append(f"WHEN r.s < {edge} THEN '{status}'")
    return f"CASE {' '.join(arms)} ELSE '{STATUS_SHARES[-1][0]}' END"


# Subjects of the generated appeals, most common first (see the skew in LOAD_SQL).
TOPICS = [
    "Ремонт дороги во дворе",
    "Вывоз мусора",
    "Отопление в квартире",
    "Уличное освещение",
    "Благоустройство детской площадки",
    "Запись к врачу",
    "Протечка крыши",
    "Парковка у школы",
    "Работа общественного транспорта",
    "Шум от соседей",
    "Уборка снега",
    "Горячая вода",
    "Бездомные собаки",
    "Капитальный ремонт дома",
    "Тарифы ЖКХ",
    "Место в детском саду",
    "Незаконная торговля",
    "Озеленение улицы",
    "Состояние тротуара",
    "Работа управляющей компании",
    "Аварийное дерево",
    "Пешеходный переход",
    "Лифт не работает",
    "Подтопление подвала",
    "Освещение подъезда",
    "Газоснабжение",
    "Доступная среда",
    "Ремонт поликлиники",
    "Спортивная площадка",
    "Памятник архитектуры",
]

# The statuses formatted in are this file's constants.
LOAD_SQL = """
INSERT INTO appeals_appeal (
    number, kind_id, theme_id, subject, text, service_code, desired_result,
    contact_phone, contact_email, contact_address, applicant_id, applicant_name, channel,
    department_id, assignee_id, priority, status, policy_id, regime, late_registration,
    region, unrouted, extended, extension_count, extension_reason, escalation_level,
    rating_comment, created_at, registered_at, due_at, original_due_at, answered_at,
    closed_at, updated_at
)
SELECT
    lpad(r.g::text, 10, '0'), %(kind)s, %(theme)s, r.topic || ' (обращение ' || r.g || ')',
    'Прошу разобраться: ' || lower(r.topic) || r.rare || '. Адрес: ул. '
        || (ARRAY['Ленина', 'Садовая', 'Мира', 'Гагарина', 'Школьная'])[1 + r.g %% 5]
        || ', д. ' || (1 + r.g %% 150) || '.',
    '', '', '', '', '', %(citizen)s, 'Иванов Иван Иванович',
    'portal', (%(departments)s::int[])[1 + (r.g %% 5)],
    CASE WHEN r.st IN ('registered', 'in_progress', 'needs_info') AND r.a < 0.1
         THEN %(staff)s END,
    2, r.st, %(policy)s, 'standard', false, '', false, false, 0, '', 0, '',
    r.created, r.created, r.due, r.due,
    CASE WHEN r.st IN ('answered', 'closed') THEN r.created + interval '20 days' END,
    CASE WHEN r.st IN ('closed', 'withdrawn') THEN r.created + interval '25 days' END,
    r.created
FROM (
    -- Open appeals are due around now (about 5 %% of them late); the rest 30 days after they
    -- came, over five years.
    SELECT q.*,
           CASE WHEN q.st IN ('registered', 'in_progress', 'needs_info')
                THEN %(now)s::timestamptz + (q.a * 40 - 2) * interval '1 day'
                ELSE q.created + interval '30 days' END AS due
    FROM (
        SELECT b.g, b.a, {status} AS st,
               -- Topics skewed like real mail: the first is in a third of appeals, the last
               -- in about 1 %%; one appeal in 10,000 mentions «вандализм» (a rare word).
               (%(topics)s::text[])[1 + floor(power(b.t, 3) * %(topic_count)s)::int] AS topic,
               CASE WHEN b.v < 0.0001 THEN ', вандализм' ELSE '' END AS rare,
               %(now)s::timestamptz - (1 - b.g::float8 / %(n)s) * interval '1826 days'
                   AS created
        FROM (
            -- random() in a subquery of its own: evaluated per row, not once.
            SELECT g, random() * 1000 AS s, random() AS a, random() AS t, random() AS v
            FROM generate_series(1, %(n)s) AS g
        ) AS b
    ) AS q
) AS r
""".format(status=_status_case().replace("r.s", "b.s"))  # noqa: S608


def _setup(n: int) -> dict[str, Any]:
    from django.db import connection

    from priemnaya.accounts.models import User
    from priemnaya.catalog.models import Department, Kind, Membership, Policy, Theme
    from priemnaya.catalog.services import catalog_load_defaults
    from priemnaya.core import clock

    catalog_load_defaults()
    departments = list(
        Department.objects.filter(is_quality_control=False)
        .order_by("id")
        .values_list("id", flat=True)[:5]
    )
    kind = Kind.objects.order_by("id").first()
    theme = Theme.objects.filter(parent__isnull=False).order_by("id").first()
    policy = Policy.objects.order_by("id").first()
    if not (kind and theme and policy and len(departments) == 5):
        sys.exit("queue_plans: the default catalog has too few departments, kinds or policies.")
    users = {}
    for email, role, deps in [
        ("citizen@bench.example", "citizen", []),
        ("staff@bench.example", "specialist", departments[:1]),
        ("three@bench.example", "specialist", departments[:3]),
        ("supervisor@bench.example", "supervisor", []),
    ]:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, full_name="Замер Замерович", role=role
        )
        for dep in deps:
            Membership.objects.get_or_create(user=user, department_id=dep)
        users[role if role != "specialist" or len(deps) == 1 else "three"] = user
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM appeals_appeal)")
        if cursor.fetchone()[0]:
            sys.exit("queue_plans: the database already holds appeals; give an empty scratch one.")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            LOAD_SQL,
            {
                "kind": kind.pk,
                "theme": theme.pk,
                "citizen": users["citizen"].pk,
                "departments": departments,
                "staff": users["specialist"].pk,
                "policy": policy.pk,
                "now": clock.now(),
                "n": n,
                "topics": TOPICS,
                "topic_count": len(TOPICS),
            },
        )
        cursor.execute("SELECT status, count(*) FROM appeals_appeal GROUP BY 1 ORDER BY 2 DESC")
        spread = dict(cursor.fetchall())
    return {"users": users, "load_seconds": round(time.monotonic() - started, 1), "spread": spread}


def _shapes(users: dict[str, Any]) -> list[tuple[str, str, Any, dict[str, Any], int]]:
    """(name, API request it stands for, user, filters, page)."""
    staff, three, sup = users["specialist"], users["three"], users["supervisor"]
    return [
        ("default", "GET /staff/appeals (один отдел)", staff, {}, 1),
        ("closed", "GET /staff/appeals?status=closed", staff, {"status": "closed"}, 1),
        ("withdrawn", "GET /staff/appeals?status=withdrawn", staff, {"status": "withdrawn"}, 1),
        ("answered", "GET /staff/appeals?status=answered", staff, {"status": "answered"}, 1),
        ("three_departments", "GET /staff/appeals (три отдела)", three, {}, 1),
        (
            "three_departments_closed",
            "GET /staff/appeals?status=closed (три отдела)",
            three,
            {"status": "closed"},
            1,
        ),
        ("all_departments", "GET /staff/appeals (контроль качества)", sup, {}, 1),
        (
            "all_departments_closed",
            "GET /staff/appeals?status=closed (контроль качества)",
            sup,
            {"status": "closed"},
            1,
        ),
        ("deep_page", "GET /staff/appeals?page=50", staff, {}, 50),
        (
            "deep_page_closed",
            "GET /staff/appeals?status=closed&page=50",
            staff,
            {"status": "closed"},
            50,
        ),
        ("overdue", "GET /staff/appeals?overdue=1", staff, {"overdue": True}, 1),
        ("due_soon", "GET /staff/appeals?queue=due_soon", staff, {"queue": "due_soon"}, 1),
        ("mine", "GET /staff/appeals?mine=1", staff, {"mine": True}, 1),
    ]


def _key_lines(plan: list[str]) -> list[str]:
    words = ("Scan", "Sort", "Limit", "Execution Time")
    return [line.strip() for line in plan if any(w in line for w in words)]


def _measure(users: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from priemnaya.appeals.selectors import AppealFilters, staff_queue

    results = {}
    for name, request, user, filters, page in _shapes(users):
        user = type(user).objects.get(pk=user.pk)  # fresh: memberships are read once per user
        qs = staff_queue(user=user, filters=AppealFilters(**filters))
        start = (page - 1) * PAGE
        sql, params = qs[start : start + PAGE + 1].query.get_compiler(using="default").as_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()  # warm the cache
            times = []
            for _ in range(RUNS):
                began = time.perf_counter()
                cursor.execute(sql, params)
                rows = len(cursor.fetchall())
                times.append((time.perf_counter() - began) * 1000)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        results[name] = {
            "request": request,
            "rows": rows,
            "median_ms": round(statistics.median(times), 2),
            "execution_ms": float(plan[-1].split(":")[1].split()[0]),
            "plan": plan,
            "key_lines": _key_lines(plan),
        }
        found = results[name]
        print(
            f"  {name:26} {found['median_ms']:9.2f} ms {found['execution_ms']:9.2f} ms  {rows} rows"
        )
    return results


# ---- requests at 1M: the whole request in-process (Django test client), its SQL explained ----

REQUEST_RUNS = 20
SLOW_MS = 800  # a request slower than this is timed 3 times, not 20
EXACT_NUMBER_SEQUENCE = 4321  # one loaded appeal gets a real (check-digit) number to look up


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _explain(sql: str) -> tuple[float, list[str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    return float(plan[-1].split(":")[1].split()[0]), plan


def _time_request(client: Any, url: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm: the caches, the user's memberships
    if response.status_code != 200:
        return {"status": response.status_code, "body": response.content[:300].decode()}
    began = time.perf_counter()
    client.get(url)
    first = (time.perf_counter() - began) * 1000
    runs = 3 if first > SLOW_MS else REQUEST_RUNS
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = captured.captured_queries
    # EXPLAIN ANALYZE runs the statement: only reads (a detail view writes its audit entry).
    # The plan shown is the slowest read of the appeals table (the list's own query), else of
    # anything: single timings of sub-millisecond queries are noise on a shared machine.
    reads = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    appeals = [q for q in reads if 'FROM "appeals_appeal"' in q["sql"]]
    slowest = max(appeals or reads, key=lambda q: float(q["time"]))
    server_ms, plan = _explain(slowest["sql"])
    return {
        "status": 200,
        "runs": runs,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(_p95(times), 1),
        "cpu_ms": round(statistics.median(cpu), 1),
        "queries": len(queries),
        "slowest_query_ms": server_ms,
        "slowest_sql": slowest["sql"][:2000],
        "plan": plan,
        "key_lines": _key_lines(plan),
    }


def _cursor_support() -> bool:
    try:
        import priemnaya.appeals.paging  # noqa: F401
    except ImportError:
        return False
    return True


def _last_page(user: Any, filters: dict[str, Any], api_path: str) -> str:
    """The URL of the queue's last page: by cursor where there is one, else by OFFSET."""
    from priemnaya.appeals.selectors import AppealFilters, staff_queue

    qs = staff_queue(user=user, filters=AppealFilters(**filters))
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    if _cursor_support():
        from priemnaya.appeals.paging import cursor_after

        before_last = qs.reverse()[PAGE]  # the page after it holds the last PAGE rows
        return f"{api_path}?{query}&after={cursor_after(before_last, 'due')}"
    return f"{api_path}?{query}&page={-(-qs.count() // PAGE)}"


def _own_last_page(user: Any) -> str:
    from priemnaya.appeals.selectors import AppealFilters, applicant_appeals

    qs = applicant_appeals(user=user, filters=AppealFilters())
    if _cursor_support():
        from priemnaya.appeals.paging import cursor_after

        return f"/api/v1/appeals?after={cursor_after(qs.reverse()[PAGE], 'created')}"
    return f"/api/v1/appeals?page={-(-qs.count() // PAGE)}"


def _request_shapes(users: dict[str, Any], number: str) -> list[tuple[str, str, Any]]:
    """(name, URL, user): every queue shape of the issue, the own list and detail, the admin."""
    staff, three, sup = users["specialist"], users["three"], users["supervisor"]
    citizen, admin = users["citizen"], users["admin"]
    api = "/api/v1/staff/appeals"
    shapes: list[tuple[str, str, Any]] = [("default", api, staff)]
    for status in ("registered", "in_progress", "needs_info", "answered", "closed", "withdrawn"):
        shapes.append((f"status={status}", f"{api}?status={status}", staff))
    shapes += [
        ("queue=overdue", f"{api}?queue=overdue", staff),
        ("queue=due_soon", f"{api}?queue=due_soon", staff),
        ("mine", f"{api}?mine=true", staff),
        ("three departments", api, three),
        ("three departments, closed", f"{api}?status=closed", three),
        ("all departments", api, sup),
        ("all departments, closed", f"{api}?status=closed", sup),
        ("all departments, withdrawn", f"{api}?status=withdrawn", sup),
        ("page 50", f"{api}?page=50", staff),
        ("closed, page 50", f"{api}?status=closed&page=50", staff),
        ("closed, last page", _last_page(staff, {"status": "closed"}, api), staff),
        ("all departments, closed, last page", _last_page(sup, {"status": "closed"}, api), sup),
    ]
    words = {
        "common": "ремонт",  # about 40 % of appeals
        "middle": "газоснабжение",  # about 1 %
        "rare": "вандализм",  # 1 in 10,000
        "miss": "жираф",
    }
    for label, word in words.items():
        shapes.append((f"q {label}", f"{api}?q={word}", staff))
        shapes.append((f"q {label}, closed", f"{api}?status=closed&q={word}", staff))
        shapes.append((f"q {label}, all departments, closed", f"{api}?status=closed&q={word}", sup))
    shapes += [
        ("q number", f"{api}?status=closed&q={number}", staff),
        ("q number prefix", f"{api}?status=closed&q=0000123", staff),
        ("own list", "/api/v1/appeals", citizen),
        ("own list, page 50", "/api/v1/appeals?page=50", citizen),
        ("own list, last page", _own_last_page(citizen), citizen),
        ("own detail", f"/api/v1/appeals/{number}", citizen),
        ("staff detail", f"{api}/{number}", staff),
        ("queue counts", f"{api}/queues", staff),
        ("queue counts, all departments", f"{api}/queues", sup),
        ("console", "/console/", staff),
        ("console, closed", "/console/?status=closed", staff),
        ("console, closed, q middle", "/console/?status=closed&q=газоснабжение", staff),
        ("cabinet", "/cabinet/", citizen),
        ("admin list", "/admin/appeals/appeal/", admin),
        ("admin list, closed", "/admin/appeals/appeal/?status__exact=closed", admin),
        ("admin list, page 100", "/admin/appeals/appeal/?p=100", admin),
        ("admin search number", f"/admin/appeals/appeal/?q={number}", admin),
        ("admin search word", "/admin/appeals/appeal/?q=газоснабжение", admin),
    ]
    return shapes


def _measure_requests(label: str) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from priemnaya.accounts.models import User
    from priemnaya.catalog.models import Membership
    from priemnaya.core.numbering import compose_number

    users = {
        "citizen": User.objects.get(email="citizen@bench.example"),
        "specialist": User.objects.get(email="staff@bench.example"),
        "three": User.objects.get(email="three@bench.example"),
        "supervisor": User.objects.get(email="supervisor@bench.example"),
    }
    users["admin"] = User.objects.filter(email="admin@bench.example").first() or (
        User.objects.create_superuser(email="admin@bench.example", full_name="Администратор")
    )
    number = compose_number(2026, EXACT_NUMBER_SEQUENCE)
    with connection.cursor() as cursor:
        # A closed appeal of the one-department specialist, renumbered with a check digit.
        cursor.execute(
            "UPDATE appeals_appeal SET number = %s WHERE id = (SELECT id FROM appeals_appeal"
            " WHERE department_id = %s AND status = 'closed' ORDER BY id LIMIT 1)"
            " AND NOT EXISTS (SELECT 1 FROM appeals_appeal WHERE number = %s)",
            [
                number,
                Membership.objects.filter(user=users["specialist"]).first().department_id,
                number,
            ],
        )
    out = _results_file()
    done = json.loads(out.read_text()).get(label, {}).get("shapes", {}) if out.exists() else {}
    results = {}
    clients: dict[int, Any] = {}
    for name, url, user in _request_shapes(users, number):
        if done.get(name, {}).get("status") == 200:  # a rerun after a crash goes on from there
            results[name] = done[name]
            continue
        if user.pk not in clients:
            clients[user.pk] = Client(HTTP_HOST="localhost")
            clients[user.pk].force_login(user)
        found = _time_request(clients[user.pk], url)
        results[name] = {"url": url, **found}
        _save(label, {"shapes": results})
        if found["status"] != 200:
            print(f"  {name:40} HTTP {found['status']}: {found['body'][:120]}")
            continue
        print(
            f"  {name:40} p50 {found['median_ms']:8.1f}  p95 {found['p95_ms']:8.1f}  "
            f"cpu {found['cpu_ms']:6.1f}  sql {found['slowest_query_ms']:8.2f} ms  "
            f"{found['queries']} q"
        )
    return {"label": label, "shapes": results}


def measure(label: str, appeals: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE appeals_appeal")
        cursor.execute("SELECT count(*) FROM appeals_appeal")
        count = cursor.fetchone()[0]
    if count < appeals:
        sys.exit(f"queue_plans: {count} appeals loaded, {appeals} asked; load them first.")
    print(f"{label}: {count} appeals, indexes {_indexes()}")
    found = _measure_requests(label)
    found["indexes"] = _indexes()
    found["cursor_pagination"] = _cursor_support()
    found["appeals"] = count
    found["database"] = connection.cursor().connection.info.server_version
    _save(label, found)
    print(f"written {_results_file().relative_to(ROOT)}")


def _results_file() -> Path:
    return ROOT / "bench" / "results" / f"queue_plans-1m-{datetime.now(UTC):%Y-%m-%d}.json"


def _save(label: str, found: dict[str, Any]) -> None:
    out = _results_file()
    report = json.loads(out.read_text()) if out.exists() else {}
    report.update(
        {
            "machine": "2 cores shared with other jobs; in-process Django test client, 1 client",
            "request_runs": REQUEST_RUNS,
        }
    )
    report[label] = {**report.get(label, {}), **found}
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")


def _migrate_to(target: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "appeals", target, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE appeals_appeal")


def _indexes() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'appeals_appeal' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=200_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--load-only", action="store_true", help="load the appeals and stop (measure later)"
    )
    parser.add_argument(
        "--measure",
        metavar="LABEL",
        help="time every request shape over the appeals already loaded; "
        "results under LABEL in bench/results/queue_plans-1m-<date>.json",
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("queue_plans: give a PostgreSQL DATABASE_URL (a scratch database).")
    if args.measure:
        fresh_database(args.database_url)  # migrates: the indexes of this checkout
        import django

        django.setup()
        measure(args.measure, args.appeals)
        return

    fresh_database(args.database_url)
    import django

    django.setup()
    from django.db import connection

    _migrate_to(AFTER)
    loaded = _setup(args.appeals)
    print(f"{args.appeals} appeals loaded in {loaded['load_seconds']} s: {loaded['spread']}")
    if args.load_only:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE appeals_appeal")
        return
    report: dict[str, Any] = {
        "appeals": args.appeals,
        "database": connection.cursor().connection.info.server_version,
        "load_seconds": loaded["load_seconds"],
        "statuses": loaded["spread"],
        "runs": RUNS,
    }
    for label, target in (("before", BEFORE), ("after", AFTER)):
        _migrate_to(target)
        print(f"{label} ({target}):")
        report[label] = {"indexes": _indexes(), "shapes": _measure(loaded["users"])}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size(%s)), pg_size_pretty(pg_relation_size(%s))",
            ["appeal_status_due_idx", "appeal_open_due_idx"],
        )
        report["index_sizes"] = dict(
            zip(["appeal_status_due_idx", "appeal_open_due_idx"], cursor.fetchone(), strict=True)
        )
    out = ROOT / "bench" / "results" / f"queue_plans-{datetime.now(UTC):%Y-%m-%d}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
