"""The audit log (SPEC §18): append-only entries, each chained to the previous one by a hash."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """Who did what to which object, when; never personal data (LEGAL.md §6 rule 26).

    ``actor_id`` is a plain number, not a foreign key: the log must outlive any change to the
    accounts it names, and a key would let a deletion cascade into it.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=48, db_index=True)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # Codes and ids only (an outcome, a field name, a method); never a name, contact or text.
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "запись аудита"
        verbose_name_plural = "журнал аудита"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """The one row appenders lock: the last entry's id and hash (it also catches a cut tail)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "голова цепочки аудита"
        verbose_name_plural = "голова цепочки аудита"

    def __str__(self) -> str:
        return f"audit head at #{self.last_id}"


class AuditVerification(models.Model):
    """One walk of the chain (the auditor's button or ``priemnaya audit verify``): its outcome."""

    at = models.DateTimeField("проверено", db_index=True)
    ok = models.BooleanField("цепочка цела")
    checked = models.PositiveIntegerField("проверено записей")
    broken_at = models.BigIntegerField("первая нарушенная запись", null=True, blank=True)
    reason = models.CharField("причина", max_length=200, blank=True)
    # The last entry's hash when the chain held: noted elsewhere, it exposes a rewritten log.
    head_hash = models.CharField("хеш последней записи", max_length=64, blank=True)

    class Meta:
        verbose_name = "проверка журнала аудита"
        verbose_name_plural = "проверки журнала аудита"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else f'broken at #{self.broken_at}'}"
