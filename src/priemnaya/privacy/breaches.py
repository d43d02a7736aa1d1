"""The register of personal-data breaches (152-FZ art. 21 p.3.1; LEGAL.md §6 rule 25).

RKN must be notified within 24 hours of detection and given the investigation's results within
72 hours. The register keeps both deadlines and when each notice went; the alert job e-mails
administrators and quality control 2 hours before each deadline and once it has passed, once
per breach, deadline and kind (a ``BreachAlert`` row is the proof it went).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotFound, ValidationFailed
from priemnaya.core.leases import lease_claim
from priemnaya.privacy.access import OFFICER_ROLES, require_officer
from priemnaya.privacy.models import (
    FIRST_NOTICE,
    SECOND_NOTICE,
    AlertKind,
    Breach,
    BreachAlert,
    BreachCategory,
    Deadline,
)
from priemnaya.privacy.notices import site_url, staff_alert

logger = logging.getLogger("priemnaya.privacy")

ALERT_BEFORE = timedelta(hours=2)
ALERT_LEASE = "privacy.breach_alerts"
DESCRIPTION_MAX = 5000
# A detection time this far in the future is a typo, not a plan.
FUTURE_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Timer:
    """One notice deadline as the register shows it."""

    deadline: str
    label: str
    due: datetime
    sent_at: datetime | None
    left: timedelta

    @property
    def overdue(self) -> bool:
        return self.sent_at is None and self.left < timedelta(0)

    @property
    def soon(self) -> bool:
        return self.sent_at is None and timedelta(0) <= self.left <= ALERT_BEFORE

    @property
    def left_text(self) -> str:
        if self.sent_at is not None:
            return f"направлено {timezone.localtime(self.sent_at):%d.%m.%Y %H:%M}"
        minutes = int(abs(self.left).total_seconds()) // 60
        span = f"{minutes // 60} ч {minutes % 60:02d} мин"
        return f"просрочено на {span}" if self.overdue else f"осталось {span}"


def breach_timers(breach: Breach, *, now: datetime | None = None) -> list[Timer]:
    now = now or clock.now()
    return [
        Timer(
            Deadline.FIRST,
            "Уведомление РКН (24 часа)",
            breach.notice_24h_due,
            breach.notice_24h_sent_at,
            breach.notice_24h_due - now,
        ),
        Timer(
            Deadline.SECOND,
            "Результаты расследования (72 часа)",
            breach.notice_72h_due,
            breach.notice_72h_sent_at,
            breach.notice_72h_due - now,
        ),
    ]


@transaction.atomic
def breach_register(
    *,
    actor: User,
    detected_at: datetime,
    description: str,
    categories: list[str],
    subjects_estimate: int,
) -> Breach:
    """Enter a breach into the register; both notice deadlines run from ``detected_at``."""
    require_officer(actor)
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Опишите, что произошло."]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"Не длиннее {DESCRIPTION_MAX} символов."]
    if timezone.is_naive(detected_at):
        detected_at = timezone.make_aware(detected_at)
    if detected_at > clock.now() + FUTURE_SLACK:
        errors["detected_at"] = ["Время обнаружения не может быть в будущем."]
    unknown = [c for c in categories if c not in BreachCategory.values]
    if unknown or not categories:
        errors["categories"] = ["Отметьте хотя бы одну категорию данных из списка."]
    if subjects_estimate < 0:
        errors["subjects_estimate"] = ["Число субъектов не может быть отрицательным."]
    if errors:
        raise ValidationFailed(errors)
    breach = Breach.objects.create(
        detected_at=detected_at,
        description=description,
        categories=sorted(set(categories)),
        subjects_estimate=subjects_estimate,
        notice_24h_due=detected_at + FIRST_NOTICE,
        notice_72h_due=detected_at + SECOND_NOTICE,
        created_at=clock.now(),
        created_by=actor,
    )
    audit_record(
        action="breach.registered",
        actor=actor,
        target_type="breach",
        target_id=breach.pk,
        details={"categories": breach.categories, "subjects": subjects_estimate},
    )
    return breach


def _locked(breach_id: int) -> Breach:
    breach = Breach.objects.select_for_update().filter(pk=breach_id).first()
    if breach is None:
        raise NotFound("Инцидент не найден.")
    return breach


@transaction.atomic
def breach_notice_sent(*, actor: User, breach_id: int, deadline: str) -> Breach:
    """Record that the 24-hour notice or the 72-hour results went to RKN (now)."""
    require_officer(actor)
    breach = _locked(breach_id)
    if breach.closed_at is not None:
        raise Conflict("Инцидент закрыт.", field="deadline")
    field = {Deadline.FIRST: "notice_24h_sent_at", Deadline.SECOND: "notice_72h_sent_at"}.get(
        Deadline(deadline) if deadline in Deadline.values else None  # type: ignore[arg-type]
    )
    if field is None:
        raise ValidationFailed.single("deadline", "Неизвестный срок уведомления.")
    if getattr(breach, field) is not None:
        raise Conflict("Это уведомление уже отмечено направленным.", field="deadline")
    now = clock.now()
    setattr(breach, field, now)
    breach.save(update_fields=[field])
    audit_record(
        action="breach.notice_sent",
        actor=actor,
        target_type="breach",
        target_id=breach.pk,
        details={"deadline": deadline, "in_time": now <= getattr(breach, f"notice_{deadline}_due")},
    )
    return breach


@transaction.atomic
def breach_close(*, actor: User, breach_id: int) -> Breach:
    """Close a breach once both notices went to RKN."""
    require_officer(actor)
    breach = _locked(breach_id)
    if breach.closed_at is not None:
        raise Conflict("Инцидент уже закрыт.")
    if breach.notice_24h_sent_at is None or breach.notice_72h_sent_at is None:
        raise Conflict(
            "Закрыть инцидент можно после обоих уведомлений РКН (24 и 72 часа).", field="close"
        )
    breach.closed_at = clock.now()
    breach.save(update_fields=["closed_at"])
    audit_record(action="breach.closed", actor=actor, target_type="breach", target_id=breach.pk)
    return breach


def breaches_for_officer(*, actor: User) -> QuerySet[Breach]:
    require_officer(actor)
    return Breach.objects.order_by("closed_at", "-detected_at", "-id")


def breach_get(*, actor: User, breach_id: int) -> Breach:
    require_officer(actor)
    breach = Breach.objects.filter(pk=breach_id).first()
    if breach is None:
        raise NotFound("Инцидент не найден.")
    return breach


# ---- alerts -------------------------------------------------------------------------------------


def alert_recipients() -> list[str]:
    """Return the e-mails of active administrators and quality-control staff."""
    emails = (
        User.objects.filter(is_active=True, role__in=OFFICER_ROLES, email__isnull=False)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    )
    return [e for e in emails if e]


def _alert_text(breach: Breach, deadline: str, kind: str) -> tuple[str, str]:
    due = breach.notice_24h_due if deadline == Deadline.FIRST else breach.notice_72h_due
    what = Deadline(deadline).label
    local = timezone.localtime(due)
    if kind == AlertKind.SOON:
        subject = f"Инцидент с ПДн №{breach.pk}: через 2 часа срок — {what}"
        lead = f"Срок «{what}» истекает {local:%d.%m.%Y в %H:%M}, а уведомление не отмечено."
    else:
        subject = f"Инцидент с ПДн №{breach.pk}: срок прошёл — {what}"
        lead = f"Срок «{what}» истёк {local:%d.%m.%Y в %H:%M}, уведомление не отмечено."
    link = site_url(reverse("web:privacy_breach", kwargs={"breach_id": breach.pk}))
    body = (
        f"{lead}\n\nОткройте реестр инцидентов и отметьте направленное уведомление: {link}\n"
        "(152-ФЗ ст. 21 ч. 3.1: уведомление РКН в течение 24 часов, "
        "результаты расследования — 72 часов.)\n"
    )
    return subject, body


def _due_alerts(now: datetime) -> list[tuple[Breach, str, str]]:
    """Return (breach, deadline, kind) of every alert that is due and not yet sent."""
    soon = now + ALERT_BEFORE
    candidates = Breach.objects.filter(closed_at__isnull=True).filter(
        Q(notice_24h_sent_at__isnull=True, notice_24h_due__lte=soon)
        | Q(notice_72h_sent_at__isnull=True, notice_72h_due__lte=soon)
    )
    sent = {
        (a.breach_id, a.deadline, a.kind) for a in BreachAlert.objects.filter(breach__in=candidates)
    }
    due: list[tuple[Breach, str, str]] = []
    for breach in candidates.order_by("id"):
        for timer in breach_timers(breach, now=now):
            if timer.sent_at is not None or timer.due > soon:
                continue
            kind = AlertKind.OVERDUE if timer.due <= now else AlertKind.SOON
            if (breach.pk, timer.deadline, kind) not in sent:
                due.append((breach, timer.deadline, kind))
    return due


def breach_alerts_send(*, now: datetime | None = None) -> int:
    """Send every alert that is due and record it; return how many went."""
    now = now or clock.now()
    recipients = alert_recipients()
    count = 0
    for breach, deadline, kind in _due_alerts(now):
        try:
            with transaction.atomic():
                # The row first: a second worker's insert fails here and it sends nothing.
                BreachAlert.objects.create(
                    breach=breach,
                    deadline=deadline,
                    kind=kind,
                    sent_at=now,
                    recipients=len(recipients),
                )
                subject, body = _alert_text(breach, deadline, kind)
                staff_alert(recipients=recipients, subject=subject, body=body)
                audit_record(
                    action="breach.alert_sent",
                    target_type="breach",
                    target_id=breach.pk,
                    details={"deadline": deadline, "kind": kind, "recipients": len(recipients)},
                )
        except IntegrityError:
            continue
        except Exception:
            # The mail server refused: the row rolled back, the next run tries again.
            logger.exception("breach alert %s/%s/%s not sent", breach.pk, deadline, kind)
            continue
        count += 1
    return count


def breach_alerts_run(*, every: float | None = None) -> int | None:
    """Run the alerts if no other worker did this interval; None if skipped."""
    seconds = every if every is not None else settings.PRIEMNAYA_BREACH_ALERT_EVERY
    if not lease_claim(ALERT_LEASE, every=timedelta(seconds=seconds)):
        return None
    return breach_alerts_send()
