"""Dashboard latency at 100k and 1M appeals on PostgreSQL (issue 14, «Fast at a million»).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/an14_bench \\
        uv run python bench/analytics_dashboard.py --appeals 1000000

Migrates the (scratch, empty) database, loads the catalog and a few users, bulk-loads N appeals
in one `INSERT … SELECT generate_series` over three years (kinds, themes, departments, channels
and regions skewed like real mail; statuses like a service in its third year; first responses,
answers, deadlines kept and missed, closings, ratings, repeats, and each answered appeal's
answer with its outcome), then times `priemnaya analytics rebuild`, then every selector the
dashboard calls and the whole page (in-process through Django's test client, as a supervisor
and as a department head), RUNS times per filter shape. Writes p50/p95 (ms) to
bench/results/analytics_dashboard-<N>.json. `--measure-only` times an already loaded database.

`--only-open-data` (with `--measure-only` on a loaded database) times instead the public open-data
summary's computation with its cache bypassed (`opendata.summary.build_summary`) for the default
period (the last twelve full months) and for five years, RUNS times each, and writes
bench/results/open_data_summary-<N>.json under `--label` (e.g. before/after).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from fresh import fresh_database  # noqa: E402

RUNS = 30
YEARS_DAYS = 3 * 365

STATUS_SHARES = [  # ‰, cumulative thresholds built in _status_case
    ("closed", 820),
    ("withdrawn", 30),
    ("answered", 60),
    ("registered", 25),
    ("in_progress", 50),
    ("needs_info", 15),
]
CHANNELS = [
    "portal",
    "portal",
    "portal",
    "mobile",
    "mobile",
    "email",
    "phone",
    "letter",
    "mfc",
    "chat",
    "social",
]
SUBJECTS = [
    "Ремонт дороги во дворе",
    "Вывоз мусора",
    "Отопление в квартире",
    "Уличное освещение",
    "Не могу войти в личный кабинет",
    "Запись к врачу",
    "Протечка крыши",
    "Парковка у школы",
    "Работа общественного транспорта",
    "Не приходит код подтверждения",
    "Уборка снега",
    "Ошибка при оплате госпошлины",
    "Бездомные собаки",
    "Капитальный ремонт дома",
    "Тарифы ЖКХ",
    "Место в детском саду",
    "Отказ в предоставлении услуги",
    "Состояние тротуара",
    "Работа управляющей компании",
    "Лифт не работает",
]


def _status_case() -> str:
    arms, edge = [], 0
    for status, share in STATUS_SHARES[:-1]:
        edge += share
        arms.append(f"WHEN b.s < {edge} THEN '{status}'")
    return f"CASE {' '.join(arms)} ELSE '{STATUS_SHARES[-1][0]}' END"


# Constants formatted in are this file's; values go as parameters.
LOAD_SQL = f"""
INSERT INTO appeals_appeal (
    number, kind_id, theme_id, subject, text, service_code, desired_result,
    contact_phone, contact_email, contact_address, applicant_id, applicant_name, channel,
    department_id, priority, status, policy_id, regime, late_registration,
    region, unrouted, extended, extension_count, extension_reason, escalation_level,
    rating_comment, created_at, registered_at, first_response_at, due_at, original_due_at,
    answered_at, closed_at, breached_at, rating, updated_at
)
SELECT
    'B' || lpad(r.g::text, 9, '0'), r.kind, r.theme, r.subject, r.subject || '. Прошу разобраться.',
    '', '', '', '', '', %(citizen)s, 'Иванов Иван Иванович', r.channel,
    r.department, 2, r.st, %(policy)s, 'standard', false,
    r.region, false, false, 0, '', 0, '',
    r.registered, r.registered,
    CASE WHEN r.st NOT IN ('registered', 'withdrawn') OR r.a < 0.5
         THEN r.registered + r.react * interval '1 hour' END,
    r.registered + interval '30 days', r.registered + interval '30 days',
    r.answered,
    CASE WHEN r.st = 'closed' THEN r.answered + r.c * interval '10 days'
         WHEN r.st = 'withdrawn' THEN r.registered + interval '2 days' END,
    CASE WHEN r.answered > r.registered + interval '30 days'
           OR (r.answered IS NULL AND r.st IN ('registered', 'in_progress', 'needs_info')
               AND r.registered + interval '30 days' < %(now)s)
         THEN r.registered + interval '30 days' END,
    CASE WHEN r.st = 'closed' AND r.c < 0.35 THEN 1 + floor(power(r.a, 0.4) * 5)::int END,
    r.registered
FROM (
    SELECT q.*,
           CASE WHEN q.st IN ('answered', 'closed')
                THEN q.registered + (0.05 + power(q.d, 2) * 40) * interval '1 day' END AS answered
    FROM (
        SELECT b.g, b.a, b.c, b.d, {_status_case()} AS st,
               (%(kinds)s::int[])[1 + floor(power(b.k, 2) * %(kind_count)s)::int] AS kind,
               (%(themes)s::int[])[1 + floor(power(b.t, 2) * %(theme_count)s)::int] AS theme,
               (%(departments)s::int[])[1 + floor(power(b.t, 2) * %(department_count)s)::int]
                   AS department,
               (%(channels)s::text[])[1 + floor(b.h * %(channel_count)s)::int] AS channel,
               (%(regions)s::text[])[1 + floor(power(b.r, 3) * %(region_count)s)::int] AS region,
               (%(subjects)s::text[])[1 + floor(power(b.t, 1.5) * %(subject_count)s)::int]
                   AS subject,
               0.2 + power(b.e, 3) * 96 AS react,
               %(now)s::timestamptz - (1 - b.g::float8 / %(n)s) * interval '{YEARS_DAYS} days'
                   AS registered
        FROM (
            SELECT g, random() * 1000 AS s, random() AS a, random() AS c, random() AS d,
                   random() AS k, random() AS t, random() AS h, random() AS r, random() AS e
            FROM generate_series(1, %(n)s) AS g
        ) AS b
    ) AS q
) AS r
"""  # noqa: S608

ANSWERS_SQL = """
INSERT INTO appeals_answer (
    appeal_id, outcome, result_code, legal_ground, text, issued_at, executor_id, executor_name,
    executor_position, executor_phone, reply_channel, notice, forward_to, no_new_arguments,
    decision
)
SELECT a.id, o.outcome, o.code, '', 'Ответ по существу.', a.answered_at, %(staff)s,
       'Петров Пётр Петрович', '', '', '', '', '', false, ''
FROM appeals_appeal a
CROSS JOIN LATERAL (
    SELECT CASE WHEN a.id %% 20 < 13 THEN 'resolved' WHEN a.id %% 20 < 17 THEN 'rejected'
                WHEN a.id %% 20 < 19 THEN 'clarify' ELSE 'no_answer' END AS outcome,
           1 AS code
) o
WHERE a.answered_at IS NOT NULL AND a.number LIKE 'B%%'
"""

REPEATS_SQL = """
UPDATE appeals_appeal SET repeat_of_id = id - 97
WHERE number LIKE 'B%%' AND id %% 23 = 0 AND id - 97 >= %(first)s
"""


def _setup(n: int) -> dict[str, Any]:
    from django.db import connection

    from priemnaya.catalog.models import Department, Kind, Policy, Theme
    from priemnaya.catalog.services import catalog_load_defaults
    from priemnaya.core import clock

    catalog_load_defaults()
    departments = list(
        Department.objects.filter(is_quality_control=False)
        .order_by("id")
        .values_list("id", flat=True)
    )
    kinds = list(Kind.objects.order_by("id").values_list("id", flat=True))
    themes = list(
        Theme.objects.filter(parent__isnull=False).order_by("id").values_list("id", flat=True)
    )
    policy = Policy.objects.order_by("id").first()
    users = _users(departments)
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM appeals_appeal)")
        if cursor.fetchone()[0]:
            sys.exit("analytics_dashboard: the database already holds appeals; use a scratch one.")
    regions = [f"{i:02d}" for i in (77, 50, 78, 47, 16, 66, 2, 23, 54, 52, 61, 74, 63, 24, 59)]
    regions += [f"{i:02d}" for i in range(1, 90) if f"{i:02d}" not in regions]
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.14)")
        cursor.execute(
            LOAD_SQL,
            {
                "citizen": users["citizen"].pk,
                "policy": policy.pk if policy else None,
                "now": clock.now(),
                "n": n,
                "kinds": kinds,
                "kind_count": len(kinds),
                "themes": themes,
                "theme_count": len(themes),
                "departments": departments,
                "department_count": len(departments),
                "channels": CHANNELS,
                "channel_count": len(CHANNELS),
                "regions": regions,
                "region_count": len(regions),
                "subjects": SUBJECTS,
                "subject_count": len(SUBJECTS),
            },
        )
        cursor.execute("SELECT min(id) FROM appeals_appeal")
        first = cursor.fetchone()[0]
        cursor.execute(REPEATS_SQL, {"first": first})
        cursor.execute(ANSWERS_SQL, {"staff": users["head"].pk})
        cursor.execute("ANALYZE appeals_appeal")
        cursor.execute("ANALYZE appeals_answer")
        cursor.execute("SELECT status, count(*) FROM appeals_appeal GROUP BY 1 ORDER BY 2 DESC")
        spread = dict(cursor.fetchall())
    return {"load_seconds": round(time.monotonic() - started, 1), "spread": spread}


def _users(departments: list[int]) -> dict[str, Any]:
    from priemnaya.accounts.models import User
    from priemnaya.catalog.models import Membership

    users = {}
    for key, email, role, deps, head in [
        ("citizen", "citizen@bench.example", "citizen", [], False),
        ("head", "head@bench.example", "operator", departments[:1], True),
        ("supervisor", "supervisor@bench.example", "supervisor", [], False),
    ]:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, full_name="Замер Замерович", role=role
        )
        for dep in deps:
            Membership.objects.get_or_create(
                user=user, department_id=dep, defaults={"is_head": head}
            )
        users[key] = user
    return users


def _rebuild() -> float:
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("analytics_rebuild", verbosity=0)
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        for table in ("dailyrollup", "periodrollup", "durationbucket", "stemcount", "appealfact"):
            cursor.execute(f"ANALYZE analytics_{table}")
    return round(seconds, 1)


def _timed(call, runs: int | None = None) -> dict[str, float]:
    runs = runs or RUNS
    call()  # warm: the first run pays for imports and plans
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
        "max_ms": round(samples[-1], 1),
    }


def _shapes(today: date, department: int) -> dict[str, dict[str, Any]]:
    this_month = today.replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    return {
        "last_month": {"from": last_month_end.replace(day=1), "to": last_month_end},
        "last_year": {"from": date(today.year - 1, 1, 1), "to": date(today.year - 1, 12, 31)},
        "last_year_one_department": {
            "from": date(today.year - 1, 1, 1),
            "to": date(today.year - 1, 12, 31),
            "department": department,
        },
        "whole_range": {"from": today - timedelta(days=YEARS_DAYS + 1), "to": today},
    }


def _measure() -> dict[str, Any]:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from priemnaya.accounts.models import User
    from priemnaya.analytics import dashboard
    from priemnaya.catalog.models import Department
    from priemnaya.core import clock

    setup_test_environment()  # the test client's host, in-memory e-mail
    department = Department.objects.filter(is_quality_control=False).order_by("id").first()
    if department is None:
        sys.exit("analytics_dashboard: no department in the catalog.")
    users = _users([department.pk])
    today = clock.today()
    results: dict[str, Any] = {}
    for shape, params in _shapes(today, department.pk).items():
        filters = dashboard.Filters(
            date_from=params["from"],
            date_to=params["to"],
            department_ids=frozenset({params["department"]}) if "department" in params else None,
        )
        timings = {
            name: _timed(lambda q=query, f=filters: q(f))
            for name, query in dashboard.QUERIES.items()
        }
        query = {"from": params["from"].isoformat(), "to": params["to"].isoformat()}
        if "department" in params:
            query["department"] = str(params["department"])
        for who in ("supervisor", "head"):
            client = Client()
            client.force_login(User.objects.get(pk=users[who].pk))

            def page(client=client, query=query):
                response = client.get("/console/analytics/", query)
                if response.status_code != 200:
                    raise RuntimeError(f"page answered {response.status_code}")

            timings[f"page_as_{who}"] = _timed(page, runs=max(5, RUNS // 3))
        results[shape] = timings
        print(shape, json.dumps(timings, ensure_ascii=False), flush=True)
    return results


def _measure_open_data() -> dict[str, Any]:
    from django.conf import settings

    from priemnaya.opendata import summary

    default = summary.default_period()
    end = default.date_to
    start = date(end.year - 5, end.month, 1)
    start = date(start.year + (start.month == 12), start.month % 12 + 1, 1)  # 60 whole months
    periods = {"last_12_months": default, "five_years": summary.Period(start, end)}
    min_cell = settings.PRIEMNAYA_OPEN_DATA_MIN_CELL
    results: dict[str, Any] = {}
    for name, period in periods.items():
        timings = _timed(lambda p=period: summary.build_summary(p, min_cell=min_cell))
        timings["from"] = period.date_from.isoformat()
        timings["to"] = period.date_to.isoformat()
        results[name] = timings
        print(name, json.dumps(timings, ensure_ascii=False), flush=True)
    return results


def main() -> None:
    global RUNS  # one knob for every timing
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--only-open-data", action="store_true")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per query")
    parser.add_argument("--label", default="current", help="the open-data run's name in the file")
    args = parser.parse_args()
    RUNS = args.runs
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("analytics_dashboard: PostgreSQL only — set DATABASE_URL=postgres://…")
    name = "open_data_summary" if args.only_open_data else "analytics_dashboard"
    out = ROOT / "bench" / "results" / f"{name}-{args.appeals}.json"
    report: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    if not args.measure_only:
        fresh_database(url)
        import django

        django.setup()
        report.update(_setup(args.appeals))
        report["rebuild_seconds"] = _rebuild()
        print("loaded", report, flush=True)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priemnaya.settings_test")
        sys.path[:0] = [str(ROOT), str(ROOT / "src")]
        import django

        django.setup()
    report["appeals"] = args.appeals
    if args.only_open_data:
        report.setdefault("runs", {})[args.label] = {
            "summary": _measure_open_data(),
            "runs": RUNS,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    elif not args.load_only:
        report["queries"] = _measure()
        report["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
