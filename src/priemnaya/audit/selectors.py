"""Reading the audit log: the auditor's filters, the last verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from priemnaya.audit.models import AuditEntry, AuditVerification


@dataclass(frozen=True)
class EntryFilters:
    """What the auditor narrows the log by; empty values do not narrow."""

    date_from: date | None = None
    date_to: date | None = None
    action: str = ""
    actor_id: int | None = None
    target_type: str = ""
    target_id: str = ""

    def as_details(self) -> dict[str, str | int]:
        """The filters as codes for the export's own audit entry (empty ones left out)."""
        values = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "action": self.action,
            "actor_id": self.actor_id if self.actor_id is not None else "",
            "target_type": self.target_type,
            "target_id": self.target_id,
        }
        return {key: value for key, value in values.items() if value != ""}


def _start_of(day: date) -> datetime:
    # Days are the service's local days (TIME_ZONE), as the auditor reads the page.
    return timezone.make_aware(datetime.combine(day, time.min))


def entries_filtered(filters: EntryFilters) -> QuerySet[AuditEntry]:
    """Entries matching the filters, newest first."""
    entries = AuditEntry.objects.all()
    if filters.date_from:
        entries = entries.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor_id is not None:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.target_type:
        entries = entries.filter(target_type=filters.target_type)
    if filters.target_id:
        entries = entries.filter(target_id=filters.target_id)
    return entries.order_by("-id")


def actions_recorded() -> list[str]:
    """The distinct actions in the log (the filter's choices)."""
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def target_types_recorded() -> list[str]:
    entries = AuditEntry.objects.exclude(target_type="").order_by("target_type")
    return list(entries.values_list("target_type", flat=True).distinct())


def last_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-at", "-id").first()


def last_entry_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
