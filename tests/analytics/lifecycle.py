"""A mixed story of appeals for the analytics tests, and a direct count to check rollups against."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from priemnaya.analytics.models import MEASURES
from priemnaya.appeals import services
from priemnaya.appeals.follow_ups import FollowUp
from priemnaya.appeals.models import Answer, Appeal
from priemnaya.appeals.outbox import relay_once
from priemnaya.appeals.services.sweeps import appeal_flag_overdue
from priemnaya.appeals.states import OPEN_STATUSES, Status
from priemnaya.core import clock
from tests.factories import appeal_input, make_citizen, make_head, make_operator, save_draft

MOSCOW = ZoneInfo("Europe/Moscow")
START = datetime(2026, 3, 2, 10, 0, tzinfo=MOSCOW)


def relay_all() -> None:
    while relay_once():
        pass


def story() -> dict[str, Appeal]:
    """Register, take, answer on time and late, close, rate, repeat, redirect, reopen, withdraw."""
    citizen = make_citizen()
    operator = make_operator()
    head = make_head("support")
    made: dict[str, Appeal] = {}

    def submit(at: datetime, **extra) -> Appeal:
        with clock.travel_to(at):
            return services.appeal_submit(actor=citizen, data=appeal_input(**extra))

    def act(at: datetime, name: str, appeal: Appeal, actor, **extra) -> Appeal:
        with clock.travel_to(at):
            return getattr(services, f"appeal_{name}")(appeal=appeal, actor=actor, **extra)

    on_time = submit(START)
    on_time = act(START + timedelta(hours=1), "take", on_time, operator)
    on_time = act(
        START + timedelta(hours=3),
        "answer",
        on_time,
        operator,
        outcome="resolved",
        text="Проблема устранена.",
    )
    made["closed"] = act(START + timedelta(hours=5), "close", on_time, citizen)

    late = submit(START + timedelta(hours=2), subject="Не приходит код подтверждения")
    late = act(START + timedelta(hours=2, minutes=30), "take", late, operator)
    after_due = late.due_at + timedelta(hours=2)
    with clock.travel_to(after_due):
        late = appeal_flag_overdue(appeal=late, escalate=False)
    late = act(
        after_due + timedelta(hours=1),
        "answer",
        late,
        operator,
        outcome="rejected",
        text="Оснований нет.",
    )
    made["late"] = act(after_due + timedelta(hours=2), "rate", late, citizen, rating=5)

    # Registered late in the Moscow evening: 20:30 UTC is already the next Moscow day.
    evening = datetime(2026, 3, 2, 23, 30, tzinfo=MOSCOW)
    redirected = submit(evening, subject="Ошибка при оплате госпошлины", region="77")
    redirected = act(evening + timedelta(hours=1), "take", redirected, operator)
    made["redirected"] = act(
        evening + timedelta(hours=2),
        "redirect",
        redirected,
        operator,
        department_code="services",
        reason="Вопрос об услуге.",
    )

    with clock.travel_to(START + timedelta(days=1)):
        made["repeat"] = services.appeal_submit_follow_up(
            actor=citizen, data=appeal_input(), link=FollowUp.REPEAT, source=made["closed"]
        )

    reviewed = submit(START + timedelta(days=2), subject="Не могу войти в кабинет снова")
    reviewed = act(START + timedelta(days=2, hours=1), "take", reviewed, operator)
    reviewed = act(
        START + timedelta(days=2, hours=2),
        "answer",
        reviewed,
        operator,
        outcome="clarify",
        text="Уточните браузер.",
    )
    reviewed = act(
        START + timedelta(days=2, hours=3),
        "rate",
        reviewed,
        citizen,
        rating=1,
        comment="Не помогло.",
    )
    made["reopened"] = act(
        START + timedelta(days=2, hours=4), "reopen", reviewed, head, reason="Ответ неполный."
    )

    withdrawn = submit(START + timedelta(days=40))
    made["withdrawn"] = act(START + timedelta(days=40, hours=1), "withdraw", withdrawn, citizen)
    with clock.travel_to(START + timedelta(days=3)):
        made["draft"] = save_draft(citizen)
    return made


# ---- the direct count, written apart from analytics/facts.py on purpose ----------------------

_KEY = {
    "kind": lambda a: a.kind_id,
    "theme": lambda a: a.theme_id,
    "department": lambda a: a.department_id,
    "channel": lambda a: a.channel,
    "region": lambda a: a.region,
    "status": lambda a: a.status,
    "day": lambda a: timezone.localtime(a.registered_at, MOSCOW).date(),
    "month": lambda a: timezone.localtime(a.registered_at, MOSCOW).date().replace(day=1),
}


def direct_count(group_by: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    """Every measure counted straight from the appeals table (registered appeals only)."""
    result: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for a in Appeal.objects.exclude(status=Status.DRAFT).filter(registered_at__isnull=False):
        row = result[tuple(_KEY[g](a) for g in group_by)]
        row["appeals"] += 1
        if a.first_response_at:
            row["first_responses"] += 1
            row["first_response_seconds"] += int(
                (a.first_response_at - a.registered_at).total_seconds()
            )
        if a.answered_at:
            row["answered"] += 1
            row["answer_seconds"] += int((a.answered_at - a.registered_at).total_seconds())
            row["answered_on_time"] += a.due_at is None or a.answered_at <= a.due_at
        if a.status == Status.CLOSED:
            row["closed"] += 1
            row["closed_within_24h"] += a.closed_at - a.registered_at <= timedelta(hours=24)
        row["repeats"] += a.repeat_of_id is not None
        if a.rating is not None:
            row["ratings"] += 1
            row["rating_sum"] += a.rating
        row["overdue"] += a.breached_at is not None
        row["overdue_open"] += a.breached_at is not None and a.status in OPEN_STATUSES
        current = Answer.objects.filter(appeal=a, superseded_at__isnull=True).first()
        if current is not None:
            row[f"outcome_{current.outcome}"] += 1
    return dict(result)
