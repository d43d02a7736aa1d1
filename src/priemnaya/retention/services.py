"""Retention (issue 14, SPEC §18; LEGAL.md §6 rule 27): the archive, anonymisation and its acts.

``retention_run`` is the periodic job. It works in batches ordered by id, each in its own
transaction: a run killed half-way has committed whole batches only, and the next run simply
finds the rest (what is done no longer matches), so re-running is idempotent. The destruction act
a run fills stays open until the run finishes; a resumed run continues the same act.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services.retention import (
    appeal_anonymise,
    appeal_archive,
    append_only_lifted,
)
from priemnaya.appeals.states import FINAL_STATUSES
from priemnaya.audit.models import AuditChainHead
from priemnaya.audit.selectors import last_entry_id
from priemnaya.audit.services import audit_record
from priemnaya.catalog.models import Kind
from priemnaya.core import clock
from priemnaya.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from priemnaya.core.text import clean_text
from priemnaya.retention.anonymise import copies_anonymise
from priemnaya.retention.models import (
    DestructionAct,
    DestructionActItem,
    LegalHold,
    RetentionPolicy,
)

DEFAULT_BASIS = (
    "59-ФЗ; перечень типовых архивных документов (приказ Росархива № 236 от 20.12.2019, "
    "ст. 154): обращения граждан — 5 лет"
)
MAX_YEARS = 100
REASON_MAX = 1000


# ---- who ---------------------------------------------------------------------------------------


def may_read(user: User) -> bool:
    """Administrators and auditors read the retention pages and acts."""
    return bool(user.is_authenticated and user.is_active and user.role in _READERS)


def may_manage(user: User) -> bool:
    """Administrators change policies, place and lift holds and sign acts."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR)


_READERS = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})
MANAGERS_ONLY = "Сроки хранения, запреты уничтожения и акты ведёт администратор."


def _require_manager(user: User) -> None:
    if not may_manage(user):
        raise NotPermitted(MANAGERS_ONLY)


# ---- the policy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """How long appeals of a kind are kept: live, then in the archive, counted from closing."""

    archive_years: int
    destroy_years: int
    basis: str


def default_term() -> Term:
    archive = settings.PRIEMNAYA_RETENTION_ARCHIVE_YEARS
    return Term(
        archive_years=archive,
        destroy_years=max(settings.PRIEMNAYA_RETENTION_DESTROY_YEARS, archive),
        basis=DEFAULT_BASIS,
    )


def terms_by_kind() -> dict[int, Term]:
    """Return the term of every kind: its policy row, or the default from settings."""
    default = default_term()
    rows = {p.kind_id: p for p in RetentionPolicy.objects.all()}
    terms = {}
    for kind_id in Kind.objects.values_list("pk", flat=True):
        row = rows.get(kind_id)
        terms[kind_id] = (
            Term(row.archive_after_years, row.destroy_after_years, row.basis or default.basis)
            if row
            else default
        )
    return terms


def years_before(moment: datetime, years: int) -> datetime:
    """Return the same local moment ``years`` calendar years earlier (29 February → 28th)."""
    local = timezone.localtime(moment)
    try:
        earlier = local.replace(year=local.year - years)
    except ValueError:
        earlier = local.replace(year=local.year - years, day=28)
    return earlier


def _due_q(terms: dict[int, Term], now: datetime, attribute: str) -> Q:
    """Appeals closed at least the kind's term ago (``attribute`` of Term), one OR per term."""
    by_years: dict[int, list[int]] = {}
    for kind_id, term in terms.items():
        by_years.setdefault(getattr(term, attribute), []).append(kind_id)
    q = Q(pk__in=[])
    for years, kinds in sorted(by_years.items()):
        q |= Q(kind_id__in=kinds, closed_at__lte=years_before(now, years))
    return q


def _held_ids() -> QuerySet[LegalHold, Any]:
    return LegalHold.objects.filter(lifted_at__isnull=True).values("appeal_id")


def archive_candidates(*, now: datetime, terms: dict[int, Term]) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        _due_q(terms, now, "archive_years"),
        status__in=FINAL_STATUSES,
        archived_at__isnull=True,
    )


def anonymise_candidates(*, now: datetime, terms: dict[int, Term]) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        _due_q(terms, now, "destroy_years"), archived_at__isnull=False, anonymised_at__isnull=True
    ).exclude(pk__in=_held_ids())


@dataclass(frozen=True)
class Pending:
    to_archive: int
    to_anonymise: int
    on_hold: int
    archived: int
    anonymised: int


def pending_counts(*, now: datetime | None = None) -> Pending:
    """Count what the next run would archive and anonymise, and what a hold keeps."""
    now = now or clock.now()
    terms = terms_by_kind()
    due = Appeal.objects.filter(
        _due_q(terms, now, "destroy_years"),
        status__in=FINAL_STATUSES,
        anonymised_at__isnull=True,
    )
    return Pending(
        to_archive=archive_candidates(now=now, terms=terms).count(),
        to_anonymise=due.exclude(pk__in=_held_ids()).count(),
        on_hold=due.filter(pk__in=_held_ids()).count(),
        archived=Appeal.objects.filter(
            archived_at__isnull=False, anonymised_at__isnull=True
        ).count(),
        anonymised=Appeal.objects.filter(anonymised_at__isnull=False).count(),
    )


@transaction.atomic
def policy_save(
    *, actor: User, kind: str, archive_years: int | None, destroy_years: int | None, basis: str
) -> RetentionPolicy:
    """Set the retention of one kind (administrators); both periods count from closing."""
    _require_manager(actor)
    found = Kind.objects.filter(code=kind).first()
    if found is None:
        raise ValidationFailed.single("kind", f"Вида обращения «{kind}» нет.")
    errors: dict[str, list[str]] = {}
    if archive_years is None or not 1 <= archive_years <= MAX_YEARS:
        errors["archive_after_years"] = [f"«В архив через, лет»: целое число от 1 до {MAX_YEARS}."]
    if destroy_years is None or not 1 <= destroy_years <= MAX_YEARS:
        errors["destroy_after_years"] = [
            f"«Обезличить через, лет»: целое число от 1 до {MAX_YEARS}."
        ]
    elif archive_years is not None and destroy_years < archive_years:
        errors["destroy_after_years"] = [
            "«Обезличить через, лет» не может быть меньше срока передачи в архив."
        ]
    basis = clean_text(basis or "")
    if len(basis) > 300:
        errors["basis"] = ["«Основание срока»: не больше 300 символов."]
    if errors:
        raise ValidationFailed(errors)
    if archive_years is None or destroy_years is None:  # refused above; narrows the types
        raise ValidationFailed.single("archive_after_years", "Укажите оба срока.")
    policy, _created = RetentionPolicy.objects.update_or_create(
        kind=found,
        defaults={
            "archive_after_years": archive_years,
            "destroy_after_years": destroy_years,
            "basis": basis,
            "updated_at": clock.now(),
            "updated_by": actor,
        },
    )
    audit_record(
        action="retention.policy_changed",
        actor=actor,
        target_type="kind",
        target_id=found.code,
        details={"archive_years": archive_years, "destroy_years": destroy_years},
    )
    return policy


# ---- legal holds -------------------------------------------------------------------------------


def _reason(value: str, *, field: str, label: str) -> str:
    reason = clean_text(value or "")
    if not reason:
        raise ValidationFailed.single(field, f"Укажите «{label}»: без него запрет не меняется.")
    if len(reason) > REASON_MAX:
        raise ValidationFailed.single(field, f"«{label}»: не больше {REASON_MAX} символов.")
    return reason


@transaction.atomic
def hold_place(*, actor: User, appeal: Appeal, reason: str) -> LegalHold:
    """Stop the anonymisation of an appeal until the hold is lifted (administrators)."""
    _require_manager(actor)
    reason = _reason(reason, field="reason", label="Основание")
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.anonymised_at is not None:
        raise InvalidTransition(
            "Персональные данные этого обращения уже обезличены: запрет ничего не сохранит.",
            field="appeal",
        )
    if LegalHold.objects.filter(appeal=locked, lifted_at__isnull=True).exists():
        raise Conflict("На обращение уже действует запрет уничтожения.", field="appeal")
    hold = LegalHold.objects.create(
        appeal=locked, reason=reason, placed_by=actor, placed_at=clock.now()
    )
    audit_record(
        action="retention.hold_placed",
        actor=actor,
        target_type="appeal",
        target_id=locked.pk,
        details={"hold": hold.pk, "number": locked.number},
    )
    return hold


@transaction.atomic
def hold_lift(*, actor: User, hold_id: int, reason: str) -> LegalHold:
    """Lift a legal hold (administrators): the appeal follows its retention again."""
    _require_manager(actor)
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
    if hold is None:
        raise NotFound("Запрет уничтожения не найден.", field="hold")
    reason = _reason(reason, field="reason", label="Причина снятия")
    if hold.lifted_at is not None:
        raise Conflict("Этот запрет уже снят.", field="hold")
    hold.lifted_at = clock.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(
        action="retention.hold_lifted",
        actor=actor,
        target_type="appeal",
        target_id=hold.appeal_id,
        details={"hold": hold.pk},
    )
    return hold


# ---- the run -----------------------------------------------------------------------------------


@dataclass
class RunReport:
    archived: int = 0
    anonymised: int = 0
    on_hold: int = 0
    act: str = ""
    dry_run: bool = False

    def as_dict(self) -> dict[str, int | str | bool]:
        return asdict(self)


def archive_batch(*, now: datetime, terms: dict[int, Term], batch: int) -> int:
    """Archive the next ``batch`` appeals due, lowest ids first, in one transaction."""
    with transaction.atomic():
        rows = list(
            archive_candidates(now=now, terms=terms)
            .order_by("id")
            .values_list("id", "kind_id", "number")[:batch]
        )
        for pk, kind_id, _number in rows:
            appeal_archive(appeal=Appeal(pk=pk), retention_years=terms[kind_id].archive_years)
        if rows:
            audit_record(
                action="retention.archived",
                details={"count": len(rows), "numbers": [number for _, _, number in rows]},
            )
    return len(rows)


def _act_number(now: datetime) -> str:
    year = timezone.localdate(now).year
    taken = DestructionAct.objects.filter(number__startswith=f"{year}-").count()
    return f"{year}-{taken + 1:04d}"


def _open_act(now: datetime) -> DestructionAct:
    act = DestructionAct.objects.select_for_update().filter(finished_at__isnull=True).first()
    if act is None:
        act = DestructionAct.objects.create(
            number=_act_number(now), created_at=now, audit_from=last_entry_id() + 1
        )
    return act


def anonymise_batch(*, now: datetime, terms: dict[int, Term], batch: int) -> int:
    """Anonymise the next ``batch`` appeals due, lowest ids first, and add them to the act."""
    with transaction.atomic(), append_only_lifted():
        ids = list(
            anonymise_candidates(now=now, terms=terms)
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            return 0
        # A hold placed since the read above waits for these locks, or is seen here.
        list(Appeal.objects.select_for_update().filter(pk__in=ids).values_list("id"))
        ids = sorted(
            set(ids)
            - set(_held_ids().filter(appeal_id__in=ids).values_list("appeal_id", flat=True))
        )
        if not ids:
            return 0
        act = _open_act(now)
        rows = list(
            Appeal.objects.filter(pk__in=ids)
            .order_by("id")
            .values(
                "id", "number", "kind_id", "kind__name", "theme__name", "registered_at", "closed_at"
            )
        )
        for row in rows:
            appeal_anonymise(appeal=Appeal(pk=row["id"]), act=act.pk)
        copies_anonymise(appeal_ids=ids)
        DestructionActItem.objects.bulk_create(
            DestructionActItem(
                act=act,
                appeal_id=row["id"],
                number=row["number"] or "",
                kind=row["kind__name"],
                theme=row["theme__name"],
                registered_at=row["registered_at"],
                closed_at=row["closed_at"],
                retention_years=terms[row["kind_id"]].destroy_years,
                basis=terms[row["kind_id"]].basis[:300],
            )
            for row in rows
        )
        act.count = act.items.count()
        act.save(update_fields=["count"])
        audit_record(
            action="retention.anonymised",
            target_type="destruction_act",
            target_id=act.pk,
            details={"act": act.number, "count": len(rows), "numbers": [r["number"] for r in rows]},
        )
    return len(ids)


def act_finish(*, now: datetime) -> DestructionAct | None:
    """Close the open act: its closing-date period, the audit range and the chain's head hash."""
    with transaction.atomic():
        act = DestructionAct.objects.select_for_update().filter(finished_at__isnull=True).first()
        if act is None:
            return None
        span = act.items.aggregate(first=Min("closed_at"), last=Max("closed_at"))
        act.closed_from = timezone.localdate(span["first"]) if span["first"] else None
        act.closed_to = timezone.localdate(span["last"]) if span["last"] else None
        entry = audit_record(
            action="retention.act",
            target_type="destruction_act",
            target_id=act.pk,
            details={"act": act.number, "count": act.count},
        )
        head = AuditChainHead.objects.get(pk=1)
        act.audit_to = entry.id
        act.audit_head_hash = head.last_hash
        act.finished_at = now
        act.save()
    return act


def retention_run(
    *, now: datetime | None = None, batch: int | None = None, dry_run: bool = False
) -> RunReport:
    """Archive what is due, anonymise what is due and not held, and write the act."""
    now = now or clock.now()
    batch = batch or settings.PRIEMNAYA_RETENTION_BATCH
    if dry_run:
        pending = pending_counts(now=now)
        return RunReport(
            archived=pending.to_archive,
            anonymised=pending.to_anonymise,
            on_hold=pending.on_hold,
            dry_run=True,
        )
    terms = terms_by_kind()
    report = RunReport()
    while done := archive_batch(now=now, terms=terms, batch=batch):
        report.archived += done
    while done := anonymise_batch(now=now, terms=terms, batch=batch):
        report.anonymised += done
    if (act := act_finish(now=now)) is not None:
        report.act = act.number
    report.on_hold = pending_counts(now=now).on_hold
    return report


# ---- acts ----------------------------------------------------------------------------------------


@transaction.atomic
def act_sign(*, actor: User, act_id: int) -> DestructionAct:
    """Record the responsible person's approval of a finished act (administrators)."""
    _require_manager(actor)
    act = DestructionAct.objects.select_for_update().filter(pk=act_id).first()
    if act is None:
        raise NotFound("Акт не найден.", field="act")
    if act.finished_at is None:
        raise InvalidTransition("Акт ещё составляется: утвердить можно после окончания.")
    if act.signed_at is not None:
        raise Conflict("Акт уже утверждён.", field="act")
    act.signed_by = actor
    act.signed_at = clock.now()
    act.save(update_fields=["signed_by", "signed_at"])
    audit_record(
        action="retention.act_signed",
        actor=actor,
        target_type="destruction_act",
        target_id=act.pk,
        details={"act": act.number},
    )
    return act


def act_downloaded(*, actor: User, act: DestructionAct, fmt: str) -> None:
    """Record that someone downloaded an act (every export is audited, rule 26)."""
    audit_record(
        action="retention.act_downloaded",
        actor=actor,
        target_type="destruction_act",
        target_id=act.pk,
        details={"format": fmt},
    )
