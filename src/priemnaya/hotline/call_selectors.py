"""Reading the call log and the call-back queue: who sees which call, the caller's card."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.core import clock
from priemnaya.core.errors import NotFound
from priemnaya.hotline.callbacks import is_second_line
from priemnaya.hotline.models import Call, DeferredRequest, DeferredStatus

# A ringing or talking call older than this is stale (the CTI lost its end): no screen pop.
SCREEN_POP_WINDOW = timedelta(hours=2)
CALL_NOT_FOUND = "Звонок не найден."
REQUEST_NOT_FOUND = "Отложенное обращение не найдено."


@dataclass(frozen=True)
class CallFilters:
    line: int | None = None
    outcome: str = ""  # an outcome, «open» (no outcome yet) or «parked»
    date_from: date | None = None
    date_to: date | None = None
    operator: int | None = None


def calls_visible_to(user: User) -> QuerySet[Call]:
    """Supervisors and administrators see the whole log (parked calls too); others their own."""
    base = Call.objects.select_related("line", "operator", "topic", "appeal")
    if not (user.is_authenticated and user.is_active and user.works_appeals):
        return base.none()
    if user.sees_all_departments:
        return base
    return base.filter(operator=user)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def call_list(user: User, filters: CallFilters) -> QuerySet[Call]:
    """The log as the user may see it, newest first, narrowed by the filters."""
    qs = calls_visible_to(user)
    if filters.line:
        qs = qs.filter(line_id=filters.line)
    if filters.outcome == "open":
        qs = qs.filter(outcome="", parked_reason="")
    elif filters.outcome == "parked":
        qs = qs.exclude(parked_reason="")
    elif filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.date_from:
        qs = qs.filter(started_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(started_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.operator:
        qs = qs.filter(operator_id=filters.operator)
    return qs.order_by("-started_at", "-id")


def call_get(*, user: User, call_id: int) -> Call:
    """Return a call the user may open, else NotFound (no oracle of other operators' calls)."""
    call = calls_visible_to(user).filter(pk=call_id).first()
    if call is None:
        raise NotFound(CALL_NOT_FOUND)
    return call


def current_call(user: User) -> Call | None:
    """The call ringing or going on at this operator's place now: the screen pop."""
    if not (user.is_authenticated and user.works_appeals):
        return None
    since = clock.now() - SCREEN_POP_WINDOW
    return (
        Call.objects.select_related("line")
        .filter(operator=user, ended_at__isnull=True, started_at__gte=since)
        .order_by("-started_at", "-id")
        .first()
    )


def calls_to_close(user: User, limit: int = 10) -> list[Call]:
    """This operator's answered calls still without an outcome (each needs a topic)."""
    return list(
        Call.objects.select_related("line")
        .filter(operator=user, outcome="", answered_at__isnull=False)
        .order_by("-started_at")[:limit]
    )


@dataclass
class CallerCard:
    """Who is calling: the citizen account with that phone and the earlier appeals."""

    phone: str
    account: User | None
    appeals: list[Appeal] = field(default_factory=list)


def caller_card(*, user: User, call: Call, limit: int = 10) -> CallerCard:
    """Find the caller by number: an account with that phone, appeals for that phone or account.

    Appeals are those the user may see (appeals' own rule), newest first.
    """
    phone = call.caller
    if not phone:
        return CallerCard(phone="", account=None)
    account = User.objects.filter(phone=phone, role=Role.CITIZEN, is_active=True).first()
    match = Q(contact_phone=phone)
    if account is not None:
        match |= Q(applicant=account)
    appeals = list(appeals_visible_to(user=user).filter(match).order_by("-created_at")[:limit])
    return CallerCard(phone=phone, account=account, appeals=appeals)


def callback_queue(user: User, *, include_done: bool = False) -> QuerySet[DeferredRequest]:
    """The second line's queue: open deferred requests by due time (the soonest first)."""
    if not is_second_line(user):
        return DeferredRequest.objects.none()
    qs = DeferredRequest.objects.select_related(
        "topic", "taken_by", "created_by", "call", "call__line", "appeal"
    )
    if not include_done:
        qs = qs.exclude(status=DeferredStatus.DONE)
    return qs.annotate(attempt_count=Count("attempts")).order_by("due_at", "id")


def deferred_get(*, user: User, request_id: int) -> DeferredRequest:
    """Return a deferred request to the second line, else NotFound."""
    found = callback_queue(user, include_done=True).filter(pk=request_id).first()
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return found


def is_overdue(request: DeferredRequest, now: datetime | None = None) -> bool:
    return request.status != DeferredStatus.DONE and request.due_at < (now or clock.now())


def simulator_enabled() -> bool:
    """The console's «Симулятор телефонии» exists only in DEBUG (the demo)."""
    return bool(settings.DEBUG)
