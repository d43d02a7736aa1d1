"""Fill a migrated database with appeals as a service five years old holds them.

    priemnaya bench generate --appeals 1000000 [--seed 1]   (DATABASE_URL names the database)

Reproducible from the seed relative to the hour it runs at (the open appeals must be due around
"now" for the queues and the deadline sweep). What a real service holds:

- citizens (one for about four appeals, contacts confirmed), three specialists per department
  and a quality-control supervisor (through the ORM: a few dozen rows);
- appeals over the catalog's kinds, leaf themes and the themes' departments, over five years:
  84 % closed, 4 % withdrawn, 5 % answered within the auto-close period, 7 % open (registered,
  in progress, waiting for the applicant) due from five days ago to 25 days ahead — 1 % of all
  appeals overdue and not yet flagged, which is the work the deadline sweep finds;
- each appeal's journal as the services write it (registered, taken, info requested/provided,
  commented, answered, closed/withdrawn) with the messages and answers those events name; every
  event is marked dispatched so the outbox relay does not hand five years of history to the
  notification consumers again;
- valid numbers (year, sequence, Damm check digit) and the year counters and id sequences moved
  past them, so intake after the load numbers its appeals without a collision.

PostgreSQL loads with COPY (text format, rows formatted here); SQLite with executemany in large
transactions. Nothing structural is dropped: the indexes are kept up during the load, ANALYZE
after it.
"""

from __future__ import annotations

import json
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.suite import texts

DAY = 86400.0
YEARS = 5
# Share of each final status (cumulative order matters only for the draw).
STATUS_SHARES = [
    ("closed", 0.84),
    ("withdrawn", 0.04),
    ("answered", 0.05),
    ("registered", 0.015),
    ("in_progress", 0.045),
    ("needs_info", 0.01),
]
OPEN = ("registered", "in_progress", "needs_info")
# Open appeals are due from OVERDUE_DAYS ago to TERM - OVERDUE_DAYS ahead: with 6 % of appeals
# open and not paused, 5 of 30 days puts 1 % of all appeals past their deadline.
TERM_DAYS = 30.0
OVERDUE_DAYS = 5.0
CHUNK = 20_000
STAFF_PER_DEPARTMENT = 3
TABLES = ("accounts_user", "appeals_appeal", "appeals_event", "appeals_message", "appeals_answer")


@dataclass
class Catalog:
    """What the appeals refer to, read once from the loaded catalog."""

    pairs: list[
        tuple[int, int, int, int, str, float]
    ]  # kind, theme, department, policy, regime, days
    staff: dict[int, list[tuple[int, str]]]  # department -> [(user id, full name)]
    department_codes: dict[int, str]


@dataclass
class Counts:
    users: int = 0
    appeals: int = 0
    events: int = 0
    messages: int = 0
    answers: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def _term_days(value: int, unit: str) -> float:
    if unit == "calendar_days":
        return float(value)
    if unit == "working_days":
        return value * 7 / 5
    if unit == "working_hours":
        return value / 8 * 7 / 5
    return 1.0


def _catalog(rng: random.Random) -> Catalog:
    from priemnaya.accounts.models import User
    from priemnaya.catalog.models import Department, Kind, Membership, Theme
    from priemnaya.catalog.policies import policy_for

    departments = {d.pk: d for d in Department.objects.filter(is_active=True)}
    first_line = next(
        (d.pk for d in departments.values() if d.is_first_line), min(departments, default=0)
    )
    themes = list(Theme.objects.filter(is_active=True).select_related("parent"))
    parents = {t.parent_id for t in themes if t.parent_id}
    leaves = [t for t in themes if t.pk not in parents]
    # A contest names the appeal it contests: not a first submission.
    kinds = list(Kind.objects.filter(is_active=True).exclude(code="contest").order_by("id"))
    if not kinds or not leaves:
        raise SystemExit("bench generate: the catalog is empty; run `priemnaya migrate` first.")
    pairs = []
    for kind in kinds:
        for theme in leaves:
            dep = theme.default_department_id or (
                theme.parent.default_department_id if theme.parent else None
            )
            dep = dep if dep in departments else first_line
            policy = policy_for(kind, theme)
            days = _term_days(policy.resolution_value, policy.resolution_unit)
            pairs.append((kind.pk, theme.pk, dep, policy.pk, policy.regime, days))
    staff: dict[int, list[tuple[int, str]]] = {}
    for dep_id in sorted(departments):
        for i in range(STAFF_PER_DEPARTMENT):
            email = f"staff-{departments[dep_id].code}-{i}@bench.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=None,
                    full_name=_person(rng),
                    role="specialist",
                    position="Специалист",
                )
            Membership.objects.get_or_create(user=user, department_id=dep_id)
            staff.setdefault(dep_id, []).append((user.pk, user.full_name))
    if not User.objects.filter(email="supervisor@bench.example").exists():
        User.objects.create_user(
            email="supervisor@bench.example",
            password=None,
            full_name=_person(rng),
            role="supervisor",
            position="Контроль качества",
        )
    return Catalog(pairs, staff, {pk: d.code for pk, d in departments.items()})


def _person(rng: random.Random) -> str:
    surname = rng.choice(texts.SURNAMES)
    if rng.random() < 0.5:
        return f"{surname} {rng.choice(texts.MALE_NAMES)} {rng.choice(texts.PATRONYMIC_STEMS)}ич"
    stem = rng.choice(texts.PATRONYMIC_STEMS)
    return f"{surname}а {rng.choice(texts.FEMALE_NAMES)} {stem}на"


class Sink:
    """Where rows go: COPY on PostgreSQL, executemany on SQLite. Values: None, bool, int, str,
    datetime (aware, UTC) or dict (JSON)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def load(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterator[tuple | str],
        constant: tuple = (),
    ) -> int:
        """Load rows (tuples; on PostgreSQL also lines already in COPY's text format), each
        followed by the ``constant`` values (the columns left at their defaults)."""
        n = 0
        if self.postgres:
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            suffix = "".join("\t" + _pg(v) for v in constant)
            with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                buf: list[str] = []
                for row in rows:
                    buf.append(row if isinstance(row, str) else "\t".join(map(_pg, row)) + suffix)
                    n += 1
                    if len(buf) >= CHUNK:
                        copy.write("\n".join(buf) + "\n")
                        buf.clear()
                if buf:
                    copy.write("\n".join(buf) + "\n")
            return n
        marks = ", ".join("%s" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        batch: list[tuple] = []
        tail = tuple(map(_lite, constant))
        with self.connection.cursor() as cursor:
            for row in rows:
                if isinstance(row, str):
                    raise TypeError("COPY lines are made for PostgreSQL only")
                batch.append(tuple(map(_lite, row)) + tail)
                n += 1
                if len(batch) >= CHUNK:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
        return n


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
_SPECIAL = frozenset("\\\t\n\r")


def _pg_str(value: str) -> str:
    # Most strings here come from the pools, which hold none of COPY's special characters.
    return value.translate(_ESCAPES) if not _SPECIAL.isdisjoint(value) else value


def _pg_json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)


# By exact type: one dict lookup per value (bool before int: True is an int too).
_PG: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "\\N",
    bool: lambda v: "t" if v else "f",
    int: int.__str__,
    str: _pg_str,
    datetime: datetime.isoformat,
    dict: _pg_json,
}


def _pg(value: Any) -> str:
    return _PG.get(value.__class__, str)(value)


def _lite(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        # As Django's SQLite backend stores it: naive UTC, space-separated.
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _defaults(model: Any, given: Sequence[str]) -> tuple[list[str], tuple]:
    """The model's other concrete columns and their defaults, so a column added later loads."""
    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.column in given or f.primary_key:
            continue
        columns.append(f.column)
        values.append(f.get_default())
    return columns, tuple(values)


def _next_id(connection: Any, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0]) + 1


def generate(appeals: int, *, seed: int = 1, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Load ``appeals`` appeals with their applicants, journals, messages and answers."""
    from django.db import connection, transaction

    from priemnaya.accounts.models import User
    from priemnaya.appeals.models import Answer, Appeal
    from priemnaya.core.models import NumberSequence
    from priemnaya.core.numbering import compose_number

    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 — reproducible data, not a secret
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    catalog = _catalog(rng)
    sink = Sink(connection)
    counts = Counts()

    # ---- the appeals' skeleton: status and registration moment, in time order ----------------
    shares = []
    edge = 0.0
    for _status, share in STATUS_SHARES:
        edge += share
        shares.append(edge)
    statuses = [st for st, _ in STATUS_SHARES]
    plan: list[tuple[float, str]] = []
    span = YEARS * 365.25 * DAY
    for _ in range(appeals):
        status = statuses[min(bisect(shares, rng.random()), len(statuses) - 1)]
        if status in OPEN:
            # Due TERM_DAYS after registration, from OVERDUE_DAYS ago to the rest of the term ahead.
            age = (TERM_DAYS - rng.uniform(-OVERDUE_DAYS, TERM_DAYS - OVERDUE_DAYS)) * DAY
        elif status == "answered":
            age = rng.uniform(12, 40) * DAY
        else:
            age = rng.uniform(20 * DAY, span)
        plan.append((now.timestamp() - age, status))
    plan.sort()

    citizens = max(10, appeals // 4)
    user_id = _next_id(connection, "accounts_user")
    appeal_id = _next_id(connection, "appeals_appeal")
    event_id = _next_id(connection, "appeals_event")
    message_id = _next_id(connection, "appeals_message")
    answer_id = _next_id(connection, "appeals_answer")
    first_citizen = user_id

    # Text pools: drawing from them keeps the generator's cost per appeal low.
    people = [_person(rng) for _ in range(997)]
    bodies = [
        " ".join(rng.sample(texts.SENTENCES, rng.randint(2, 5))) + f" г. {rng.choice(texts.CITIES)}"
        f", ул. {rng.choice(texts.STREETS)}, д. {rng.randint(1, 120)}."
        for _ in range(1009)
    ]

    with transaction.atomic():
        if sink.postgres:
            # The rows are consistent by construction; per-row foreign-key triggers would cost
            # more than the COPY itself. SQLite still checks every key (deferred, at commit),
            # which the smoke test exercises.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        # ---- citizens ------------------------------------------------------------------------
        given = [
            "id",
            "email",
            "full_name",
            "role",
            "date_joined",
            "email_confirmed_at",
            "password",
        ]
        rest, rest_values = _defaults(User, given)
        rest_values = tuple(
            False if v is None and User._meta.get_field(c.removesuffix("_id")).null is False else v
            for c, v in zip(rest, rest_values, strict=True)
        )
        joined = now - timedelta(days=YEARS * 366)

        def user_rows() -> Iterator[tuple]:
            for i in range(citizens):
                # An unusable password ("!…"): the runner makes the tokens the scenarios use.
                yield (
                    first_citizen + i,
                    f"citizen{i}@bench.example",
                    people[i % len(people)],
                    "citizen",
                    joined,
                    joined,
                    "!bench",
                    *rest_values,
                )

        counts.users = sink.load("accounts_user", given + rest, user_rows())
        log(f"  пользователи: {counts.users} за {time.monotonic() - started:.0f} с")

        # ---- appeals, with their journal, messages and answers as side streams ---------------
        events: list[tuple | str] = []
        messages: list[tuple] = []
        answers: list[tuple] = []
        sequences: dict[int, int] = {}

        ev_cols = [
            "id",
            "appeal_id",
            "type",
            "actor_id",
            "actor_role",
            "created_at",
            "from_status",
            "to_status",
            "is_public",
            "text",
            "data",
            "message_id",
            "dispatched_at",
        ]
        msg_cols = ["id", "appeal_id", "author_id", "kind", "is_internal", "text", "created_at"]
        ans_given = [
            "id",
            "appeal_id",
            "outcome",
            "result_code",
            "text",
            "issued_at",
            "executor_id",
            "executor_name",
            "executor_position",
            "reply_channel",
        ]
        ans_rest, ans_rest_values = _defaults(Answer, ans_given)
        ap_cols = [
            "id",
            "number",
            "kind_id",
            "theme_id",
            "subject",
            "text",
            "desired_result",
            "contact_email",
            "applicant_id",
            "applicant_name",
            "channel",
            "department_id",
            "assignee_id",
            "priority",
            "status",
            "policy_id",
            "regime",
            "first_response_due_at",
            "due_at",
            "original_due_at",
            "created_at",
            "registered_at",
            "first_response_at",
            "answered_at",
            "closed_at",
            "updated_at",
            "rating",
            "paused_at",
            "due_soon_warned_at",
            "breached_at",
            "first_response_breached_at",
        ]
        ap_rest, ap_rest_values = _defaults(Appeal, ap_cols)
        ap_rest_values = tuple(
            "" if v is None and not Appeal._meta.get_field(c.removesuffix("_id")).null else v
            for c, v in zip(ap_rest, ap_rest_values, strict=True)
        )
        fast = sink.postgres
        outcomes = [("resolved", 1)] * 14 + [("rejected", 2)] * 5 + [("clarify", 3)]

        def event(
            aid: int,
            type_: str,
            actor: int | None,
            role: str,
            at: datetime,
            frm: str,
            to: str,
            *,
            public: bool = True,
            text: str = "",
            data: dict | None = None,
            message: int | None = None,
        ) -> None:
            nonlocal event_id
            relayed = at + timedelta(seconds=1)
            if fast:
                # The journal is most of the rows: formatted straight into COPY's text format.
                events.append(
                    f"{event_id}\t{aid}\t{type_}\t{NULL if actor is None else actor}\t{role}\t"
                    f"{at.isoformat()}\t{frm}\t{to}\t{'t' if public else 'f'}\t"
                    f"{_pg_str(text)}\t{_pg_json(data) if data else '{}'}\t"
                    f"{NULL if message is None else message}\t{relayed.isoformat()}"
                )
            else:
                events.append(
                    (event_id, aid, type_, actor, role, at, frm, to, public, text, data or {},
                     message, relayed)
                )  # fmt: skip
            event_id += 1

        def message(aid: int, author: int, kind: str, text: str, at: datetime) -> int:
            nonlocal message_id
            messages.append((message_id, aid, author, kind, False, text, at))
            message_id += 1
            return message_id - 1

        def appeal_rows(part: list[tuple[float, str]]) -> Iterator[tuple]:
            nonlocal appeal_id, answer_id
            for stamp, status in part:
                aid = appeal_id
                appeal_id += 1
                reg = datetime.fromtimestamp(stamp, UTC).replace(
                    microsecond=rng.randrange(1_000_000)
                )
                year = (reg + timedelta(hours=3)).year  # the service's zone: Europe/Moscow
                seq = sequences[year] = sequences.get(year, 0) + 1
                number = compose_number(year, seq)
                kind, theme, dep, policy, regime, days = rng.choice(catalog.pairs)
                citizen = rng.randrange(citizens)
                applicant = first_citizen + citizen
                name = people[citizen % len(people)]
                email = f"citizen{citizen}@bench.example"
                staff_id, staff_name = rng.choice(catalog.staff[dep])
                channel = "portal" if rng.random() < 0.7 else "mobile"
                if status in OPEN:
                    due = reg + timedelta(days=TERM_DAYS)
                else:
                    due = reg + timedelta(days=days)
                first_due = reg + timedelta(days=1)
                taken = reg + timedelta(hours=rng.uniform(1, 20))
                counts.statuses[status] = counts.statuses.get(status, 0) + 1
                event(
                    aid,
                    "registered",
                    applicant,
                    "citizen",
                    reg,
                    "",
                    "registered",
                    data={
                        "number": number,
                        "due_date": (due + timedelta(hours=3)).date().isoformat(),
                        "channel": channel,
                        "department": catalog.department_codes[dep],
                    },
                )
                assignee = first_at = answered_at = closed_at = paused = rating = None
                warned = breached = first_breached = None
                state = "registered"
                last = reg
                if status == "registered":
                    if first_due < now:
                        first_breached = first_due
                elif status == "withdrawn" and rng.random() < 0.5:
                    pass  # withdrawn before anyone took it
                else:
                    assignee, first_at, last = staff_id, taken, taken
                    event(aid, "taken", staff_id, "specialist", taken, state, "in_progress")
                    state = "in_progress"
                    if status == "needs_info" or rng.random() < 0.12:
                        at = last + timedelta(hours=rng.uniform(2, 48))
                        q = message(aid, staff_id, "question", rng.choice(texts.QUESTIONS), at)
                        event(
                            aid,
                            "info_requested",
                            staff_id,
                            "specialist",
                            at,
                            state,
                            "needs_info",
                            text=messages[-1][5],
                            message=q,
                        )
                        state, last = "needs_info", at
                        if status == "needs_info":
                            paused = at
                        else:
                            at = last + timedelta(hours=rng.uniform(2, 72))
                            r = message(aid, applicant, "reply", rng.choice(texts.REPLIES), at)
                            event(
                                aid,
                                "info_provided",
                                applicant,
                                "citizen",
                                at,
                                state,
                                "in_progress",
                                text=messages[-1][5],
                                message=r,
                            )
                            state, last = "in_progress", at
                    if status not in ("needs_info",) and rng.random() < 0.2:
                        at = last + timedelta(hours=rng.uniform(1, 96))
                        c = message(aid, applicant, "comment", rng.choice(texts.COMMENTS), at)
                        event(
                            aid,
                            "commented",
                            applicant,
                            "citizen",
                            at,
                            state,
                            state,
                            text=messages[-1][5],
                            message=c,
                        )
                        last = at
                if status in ("answered", "closed"):
                    if status == "answered":  # within the auto-close period: still waiting
                        answered_at = now - timedelta(days=rng.uniform(0.1, 9))
                    else:
                        answered_at = last + timedelta(days=rng.uniform(0.5, max(days - 1, 1)))
                    answered_at = max(answered_at, last + timedelta(minutes=5))
                    outcome, code = rng.choice(outcomes)
                    answers.append(
                        (
                            answer_id,
                            aid,
                            outcome,
                            code,
                            rng.choice(texts.ANSWERS),
                            answered_at,
                            staff_id,
                            staff_name,
                            "Специалист",
                            "electronic",
                        )
                    )
                    event(
                        aid,
                        "answered",
                        staff_id,
                        "specialist",
                        answered_at,
                        state,
                        "answered",
                        data={"answer_id": answer_id, "outcome": outcome},
                    )
                    answer_id += 1
                    state, last = "answered", answered_at
                if status == "closed":
                    by_applicant = rng.random() < 0.3
                    closed_at = answered_at + timedelta(
                        days=rng.uniform(0.1, 3) if by_applicant else 10
                    )
                    event(
                        aid,
                        "closed",
                        applicant if by_applicant else None,
                        "citizen" if by_applicant else "system",
                        closed_at,
                        state,
                        "closed",
                        data={"by": "applicant" if by_applicant else "timer"},
                    )
                    if by_applicant and rng.random() < 0.6:
                        rating = rng.choice((5, 5, 5, 4, 4, 3, 2, 1))
                    state, last = "closed", closed_at
                elif status == "withdrawn":
                    closed_at = last + timedelta(hours=rng.uniform(1, 200))
                    event(
                        aid,
                        "withdrawn",
                        applicant,
                        "citizen",
                        closed_at,
                        state,
                        "withdrawn",
                        text=rng.choice(texts.WITHDRAW_REASONS),
                    )
                    state, last = "withdrawn", closed_at
                if status in OPEN and due < now:
                    counts.overdue += status != "needs_info"
                    warned = due - timedelta(days=1)  # warned before; the breach is not
                yield (
                    aid,
                    number,
                    kind,
                    theme,
                    rng.choice(texts.SUBJECTS),
                    bodies[aid % len(bodies)],
                    rng.choice(texts.DESIRED),
                    email,
                    applicant,
                    name,
                    channel,
                    dep,
                    assignee,
                    2,
                    status,
                    policy,
                    regime,
                    first_due,
                    due,
                    due,
                    reg,
                    reg,
                    first_at,
                    answered_at,
                    closed_at,
                    last,
                    rating,
                    paused,
                    warned,
                    breached,
                    first_breached,
                )

        # Per chunk of appeals: the appeals first (the others point at them), then their side
        # streams, so memory stays bounded at any scale.
        for start in range(0, len(plan), CHUNK):
            counts.appeals += sink.load(
                "appeals_appeal",
                ap_cols + ap_rest,
                appeal_rows(plan[start : start + CHUNK]),
                ap_rest_values,
            )
            counts.messages += sink.load("appeals_message", msg_cols, iter(messages))
            counts.answers += sink.load(
                "appeals_answer", ans_given + ans_rest, iter(answers), ans_rest_values
            )
            counts.events += sink.load("appeals_event", ev_cols, iter(events))
            del messages[:], answers[:], events[:]
            if (start // CHUNK) % 10 == 9 or start + CHUNK >= len(plan):
                log(
                    f"  обращений {counts.appeals}, событий {counts.events} "
                    f"за {time.monotonic() - started:.0f} с"
                )

        # ---- counters past what was loaded ---------------------------------------------------
        for year, last_seq in sequences.items():
            scope = f"appeal-{year}"
            current = NumberSequence.objects.filter(scope=scope).first()
            if current is None:
                NumberSequence.objects.create(scope=scope, last_value=last_seq)
            elif current.last_value < last_seq:
                current.last_value = last_seq
                current.save(update_fields=["last_value"])
        if sink.postgres:
            with connection.cursor() as cursor:
                for table in TABLES:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT MAX(id) FROM {table}))"
                    )
    loaded = time.monotonic() - started
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    seconds = time.monotonic() - started
    log(f"  ANALYZE: всего {seconds:.0f} с")
    return {
        "appeals": counts.appeals,
        "users": counts.users,
        "events": counts.events,
        "messages": counts.messages,
        "answers": counts.answers,
        "statuses": dict(sorted(counts.statuses.items(), key=lambda kv: -kv[1])),
        "overdue": counts.overdue,
        "seed": seed,
        "load_seconds": round(loaded, 1),
        "seconds": round(seconds, 1),
        "database": connection.vendor,
    }
