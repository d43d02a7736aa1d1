"""The deadline sweeps (SPEC §5): run by `priemnaya worker`, once per interval across workers.

Four passes, each incremental and idempotent:

- **due soon**: open, unpaused appeals whose deadline is within the policy's warning window get
  one internal «скоро срок» event for the assignee (the department when unassigned);
- **first-response breach**: registered appeals nobody reacted to by the first-response target
  get an internal event and, per the policy, an automatic escalation;
- **resolution breach**: open, unpaused appeals past their deadline get a public «срок нарушен»
  event telling the applicant what happens now, and an automatic escalation per the policy;
- **auto-close**: answers the applicant left without reaction for the policy's days are closed.

Each pass locks a batch in the order of a partial index (``appeal_due_soon_sweep_idx``,
``appeal_first_resp_sweep_idx``, ``appeal_breach_sweep_idx``) and walks on by keyset (the last
due moment and id), so a pass costs the appeals that are due, not the appeals that exist. A batch
is one transaction of a few statements whatever its size (``appeals.services.sweeps``): the
appeals are locked, skipping those another transaction holds; one conditional UPDATE re-checks
and marks them; one INSERT journals the events the per-appeal services would; escalations are one
UPDATE per target department. A rerun, or two overlapping runs, never warn or flag twice; a batch
that fails is handled appeal by appeal, so an appeal that cannot be handled blocks no other.
Auto-close (``appeal_autoclose_idx``) closes appeal by appeal, a bounded number per pass.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Container, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from priemnaya.appeals.deadlines import local_day
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.services.routing import appeal_escalate
from priemnaya.appeals.services.sweeps import (
    DEFAULT_WARN_HOURS,
    Escalation,
    EscalationTargets,
    NoLongerDue,
    appeal_flag_first_response_overdue,
    appeal_flag_overdue,
    appeal_warn_due_soon,
    appeals_flag_first_response_overdue,
    appeals_flag_overdue,
    appeals_lock,
    appeals_warn_due_soon,
)
from priemnaya.appeals.services.workflow import appeal_close
from priemnaya.appeals.states import Status
from priemnaya.catalog.calendars import department_hours
from priemnaya.catalog.models import BreachAction, Department, Policy
from priemnaya.core import clock
from priemnaya.core.errors import ApplicationError
from priemnaya.core.leases import lease_claim

logger = logging.getLogger("priemnaya.sweeps")

# Appeals locked and marked per transaction: a batch costs a handful of statements whatever its
# size, so it is large; the bound on batches only stops a runaway pass (a million appeals), the
# marks make the next pass go on where one stopped.
BATCH = 1000
MAX_BATCHES = 1000
# In the order of the partial indexes' condition: SQLite uses a partial index only when the
# query repeats its terms literally.
OPEN = ["registered", "in_progress", "needs_info"]
# Closing is a change of state with its own effects, done appeal by appeal: per pass at most
# AUTOCLOSE_BATCH × AUTOCLOSE_MAX_BATCHES; the rest waits for the next interval.
AUTOCLOSE_BATCH = 200
AUTOCLOSE_MAX_BATCHES = 25

DEADLINES_LEASE = "appeals.sweep_deadlines"
AUTOCLOSE_LEASE = "appeals.autoclose"


@dataclass
class SweepReport:
    due_soon: int = 0
    first_response_overdue: int = 0
    overdue: int = 0
    escalated: int = 0
    closed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# ---- reading in index order ---------------------------------------------------------------------


def _after(qs: QuerySet[Appeal], order: str, last: tuple[Any, int] | None) -> QuerySet[Appeal]:
    """The part of ``qs`` after ``last`` (the order value and id) in (order, id) order."""
    if last is None:
        return qs
    return qs.filter(Q(**{f"{order}__gt": last[0]}) | Q(**{order: last[0], "pk__gt": last[1]}))


def _batches(
    qs: QuerySet[Appeal],
    order: str,
    handle: Callable[[list[Appeal]], Callable[[], None]],
    one_by_one: Callable[..., bool],
    *,
    batch: int,
    max_batches: int,
    what: str,
) -> None:
    """Walk ``qs`` by keyset, locking and handling a batch per transaction.

    ``handle`` marks and journals a locked batch and returns what to count once it committed.
    A batch that fails is rolled back and its appeals handled one by one by ``one_by_one`` (the
    services for one appeal, each in its own transaction), so one bad appeal stops no other.
    """
    last: tuple[Any, int] | None = None
    for _ in range(max_batches):
        page = _after(qs, order, last)
        try:
            with transaction.atomic():
                appeals = appeals_lock(page, order=order, batch=batch)
                count = handle(appeals)
            count()
            keys = [(a.pk, getattr(a, order)) for a in appeals]
        except Exception:
            logger.exception("%s: a batch failed; its appeals are handled one by one", what)
            keys = list(page.order_by(order, "id").values_list("pk", order)[:batch])
            _each(keys, one_by_one, what=what)
        if len(keys) < batch:
            return
        last = (keys[-1][1], keys[-1][0])


def _policy_groups(attribute: str, fallback: int) -> dict[int, Q]:
    """Return {value of the policy attribute: the appeals that have it} (policy NULL: fallback).

    Policies are few; one query per distinct value keeps each range exact for its appeals.
    """
    ids: dict[int, list[int]] = defaultdict(list)
    for pk, value in Policy.objects.values_list("pk", attribute):
        ids[value].append(pk)
    groups = {value: Q(policy_id__in=pks) for value, pks in ids.items()}
    groups[fallback] = groups.get(fallback, Q(pk__in=[])) | Q(policy__isnull=True)
    return groups


def _each(rows: Iterable[tuple[Any, ...]], handle: Callable[..., bool], *, what: str) -> int:
    """Handle each row in its own transaction; one failing appeal does not stop the pass.

    Auto-close's way, and the sweeps' when a batch failed as a whole.
    """
    done = 0
    for row in rows:
        try:
            with transaction.atomic():
                done += bool(handle(*row))
        except NoLongerDue:
            continue  # answered, paused or already marked since the read
        except ApplicationError as exc:
            logger.info("%s: appeal %s skipped: %s", what, row[0], exc)
        except Exception:
            logger.exception("%s: appeal %s failed", what, row[0])
    return done


# ---- the passes ---------------------------------------------------------------------------------


def sweep_due_soon(
    *, now: datetime | None = None, batch: int = BATCH, max_batches: int = MAX_BATCHES
) -> int:
    """Warn once per deadline about open appeals due within their policy's window."""
    now = now or clock.now()
    warned = 0
    for hours, group in _policy_groups("warn_before_hours", DEFAULT_WARN_HOURS).items():
        qs = Appeal.objects.filter(
            group,
            status__in=OPEN,
            due_soon_warned_at__isnull=True,
            paused_at__isnull=True,
            due_at__gte=now,
            due_at__lt=now + timedelta(hours=hours),
        )
        window = timedelta(hours=hours)

        def handle(appeals: list[Appeal], window: timedelta = window) -> Callable[[], None]:
            marked = appeals_warn_due_soon(appeals=appeals, window=window)

            def count() -> None:
                nonlocal warned
                warned += len(marked)

            return count

        def one(pk: int, _due: datetime) -> bool:
            nonlocal warned
            warned += bool(appeal_warn_due_soon(appeal=Appeal(pk=pk)))
            return True

        _batches(qs, "due_at", handle, one, batch=batch, max_batches=max_batches, what="due soon")
    return warned


def _with_escalation(
    pk: int,
    escalates: bool,
    flag: Callable[..., Appeal],
    reason: Callable[[Appeal], str],
    *,
    escalated_already: bool = False,
) -> str:
    """Flag the breach and escalate per policy; if the escalation is refused, flag without it.

    The breach event says whether the appeal was passed up, so it must not claim an escalation
    that did not happen: the refused attempt is rolled back and the flag written again plainly.
    An appeal this run already passed up (its first response was late too) is not passed up a
    second level for the same neglect: the flag says it is under control, which it is.
    """
    if escalates and escalated_already:
        flag(appeal=Appeal(pk=pk), escalate=True)
        return "flagged"
    if escalates:
        try:
            with transaction.atomic():
                flagged = flag(appeal=Appeal(pk=pk), escalate=True)
                appeal_escalate(appeal=flagged, actor=None, reason=reason(flagged))
            return "escalated"
        except NoLongerDue:
            raise
        except ApplicationError as exc:
            logger.warning("appeal %s: automatic escalation refused: %s", pk, exc)
    flag(appeal=Appeal(pk=pk), escalate=False)
    return "flagged"


def _escalates(breach_action: str | None) -> bool:
    return breach_action == BreachAction.ESCALATE


def _first_response_reason(appeal: Appeal) -> str:
    due = appeal.first_response_due_at
    # The department's own clock: the target counted its working hours.
    local = due.astimezone(department_hours(appeal.department).zone) if due else None
    when = f" ({local:%d.%m.%Y %H:%M})" if local else ""
    return f"Не соблюдён срок первой реакции{when}: обращение передано на контроль автоматически."


def _overdue_reason(appeal: Appeal) -> str:
    day = local_day(appeal.department, appeal.due_at) if appeal.due_at else None
    when = f" ({format_date(day)})" if day else ""
    return f"Срок ответа{when} истёк, ответ не дан: обращение передано на контроль автоматически."


def _breach_action(pk: int) -> str | None:
    return Appeal.objects.filter(pk=pk).values_list("policy__breach_action", flat=True).first()


def _plan(
    appeals: list[Appeal], targets: EscalationTargets, skip: Container[int] = ()
) -> tuple[dict[int, Department], set[int]]:
    """Decide for a batch: {id: target} of the appeals to pass up, and the ids whose flag says so.

    An escalation the rules refuse (the appeal is at quality control already) is not claimed by
    the flag; an appeal in ``skip`` was passed up earlier in this run: said to be, not again.
    """
    passing: dict[int, Department] = {}
    claimed: set[int] = set()
    refused: list[int] = []
    for a in appeals:
        if not _escalates(a.policy.breach_action if a.policy is not None else None):
            continue
        if a.pk in skip:
            claimed.add(a.pk)
        elif (target := targets.target(a)) is not None:
            passing[a.pk] = target
            claimed.add(a.pk)
        else:
            refused.append(a.pk)
    if refused:
        logger.warning(
            "%s appeals: automatic escalation refused (e.g. %s): flagged without it",
            len(refused),
            refused[0],
        )
    return passing, claimed


def sweep_first_response(
    *,
    now: datetime | None = None,
    batch: int = BATCH,
    max_batches: int = MAX_BATCHES,
    escalated: set[int] | None = None,
) -> tuple[int, int]:
    """Flag registered appeals nobody reacted to in time; return (flagged, escalated).

    The ids of the appeals it escalated are added to ``escalated``.
    """
    now = now or clock.now()
    qs = Appeal.objects.filter(
        status=Status.REGISTERED,
        first_response_breached_at__isnull=True,
        first_response_due_at__isnull=False,
        first_response_due_at__lt=now,
        first_response_at__isnull=True,
    )
    targets = EscalationTargets()
    flagged, passed_up = 0, set[int]()

    def handle(appeals: list[Appeal]) -> Callable[[], None]:
        passing, claimed = _plan(appeals, targets)
        marked, done = appeals_flag_first_response_overdue(
            appeals=appeals,
            escalation=Escalation(passing=passing, claimed=claimed, reason=_first_response_reason),
        )

        def count() -> None:
            nonlocal flagged
            flagged += len(marked)
            passed_up.update(a.pk for a in done)

        return count

    def one(pk: int, _due: datetime) -> bool:
        nonlocal flagged
        result = _with_escalation(
            pk,
            _escalates(_breach_action(pk)),
            appeal_flag_first_response_overdue,
            _first_response_reason,
        )
        flagged += 1
        if result == "escalated":
            passed_up.add(pk)
        return True

    _batches(
        qs,
        "first_response_due_at",
        handle,
        one,
        batch=batch,
        max_batches=max_batches,
        what="first response",
    )
    if escalated is not None:
        escalated.update(passed_up)
    return flagged, len(passed_up)


def sweep_overdue(
    *,
    now: datetime | None = None,
    batch: int = BATCH,
    max_batches: int = MAX_BATCHES,
    escalated: frozenset[int] | set[int] = frozenset(),
) -> tuple[int, int]:
    """Flag open, unpaused appeals past their deadline; return (flagged, escalated).

    Appeals in ``escalated`` were passed up earlier in this run and are not passed up again.
    """
    now = now or clock.now()
    qs = Appeal.objects.filter(
        status__in=OPEN, breached_at__isnull=True, due_at__lt=now, paused_at__isnull=True
    )
    targets = EscalationTargets()
    flagged = passed_up = 0

    def handle(appeals: list[Appeal]) -> Callable[[], None]:
        passing, claimed = _plan(appeals, targets, skip=escalated)
        marked, done = appeals_flag_overdue(
            appeals=appeals,
            escalation=Escalation(passing=passing, claimed=claimed, reason=_overdue_reason),
        )

        def count() -> None:
            nonlocal flagged, passed_up
            flagged += len(marked)
            passed_up += len(done)

        return count

    def one(pk: int, _due: datetime) -> bool:
        nonlocal flagged, passed_up
        result = _with_escalation(
            pk,
            _escalates(_breach_action(pk)),
            appeal_flag_overdue,
            _overdue_reason,
            escalated_already=pk in escalated,
        )
        flagged += 1
        passed_up += result == "escalated"
        return True

    _batches(qs, "due_at", handle, one, batch=batch, max_batches=max_batches, what="overdue")
    return flagged, passed_up


def _keyset(
    qs: QuerySet[Appeal], order: str, *, batch: int, max_batches: int
) -> Iterable[tuple[Any, ...]]:
    """Yield (pk, ``order``) of ``qs`` in (order, id) order, batch by batch."""
    last: tuple[Any, int] | None = None
    for _ in range(max_batches):
        rows = list(_after(qs, order, last).order_by(order, "id").values_list("pk", order)[:batch])
        yield from rows
        if len(rows) < batch:
            return
        last = (rows[-1][1], rows[-1][0])


def sweep_autoclose(
    *,
    now: datetime | None = None,
    batch: int = AUTOCLOSE_BATCH,
    max_batches: int = AUTOCLOSE_MAX_BATCHES,
) -> int:
    """Close answered appeals left without reaction for the policy's days (settings fallback)."""
    now = now or clock.now()
    closed = 0
    fallback = settings.PRIEMNAYA["AUTOCLOSE_DAYS"]
    for days, group in _policy_groups("autoclose_days", fallback).items():
        # An answer under review waits for the reviewer's decision rather than closing by itself.
        qs = Appeal.objects.filter(
            group,
            status=Status.ANSWERED,
            review_requested_at__isnull=True,
            answered_at__lt=now - timedelta(days=days),
        )
        rows = _keyset(qs, "answered_at", batch=batch, max_batches=max_batches)
        closed += _each(
            rows,
            lambda pk, _at: bool(appeal_close(appeal=Appeal(pk=pk), actor=None)),
            what="autoclose",
        )
    return closed


def sweep_deadlines(*, now: datetime | None = None, batch: int = BATCH) -> SweepReport:
    """Run the three deadline passes: breaches first, so a late appeal is not «due soon»."""
    now = now or clock.now()
    report = SweepReport()
    passed_up: set[int] = set()
    report.first_response_overdue, escalated = sweep_first_response(
        now=now, batch=batch, escalated=passed_up
    )
    report.overdue, more = sweep_overdue(now=now, batch=batch, escalated=passed_up)
    report.escalated = escalated + more
    report.due_soon = sweep_due_soon(now=now, batch=batch)
    return report


# ---- once per interval --------------------------------------------------------------------------


def sweeps_run(*, every: float | None = None) -> dict[str, int] | None:
    """Run the deadline sweeps if no other worker ran them this interval; None if skipped."""
    seconds = every if every is not None else settings.PRIEMNAYA["SWEEP_EVERY"]
    if not lease_claim(DEADLINES_LEASE, every=timedelta(seconds=seconds)):
        return None
    return sweep_deadlines().as_dict()


def autoclose_run(*, every: float | None = None) -> int | None:
    """Run the auto-close pass if no other worker ran it this interval; None if skipped."""
    seconds = every if every is not None else settings.PRIEMNAYA["AUTOCLOSE_EVERY"]
    if not lease_claim(AUTOCLOSE_LEASE, every=timedelta(seconds=seconds)):
        return None
    return sweep_autoclose()
