"""Retention of appeals (issue 14, SPEC §18; LEGAL.md §6 rules 26, 27): the policy per kind,
legal holds and the acts of destruction (anonymisation) of personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.core import clock
from priemnaya.core.numbering import format_number


class RetentionPolicy(models.Model):
    """How long appeals of one kind stay live and how long they are kept at all.

    Both periods count from the day the appeal was closed (or withdrawn). Kinds without a row
    follow ``PRIEMNAYA_RETENTION_ARCHIVE_YEARS`` / ``PRIEMNAYA_RETENTION_DESTROY_YEARS``.
    """

    kind = models.OneToOneField(
        "catalog.Kind",
        verbose_name="вид обращения",
        on_delete=models.PROTECT,
        related_name="retention_policy",
    )
    archive_after_years = models.PositiveSmallIntegerField("в архив через, лет")
    destroy_after_years = models.PositiveSmallIntegerField("обезличить через, лет")
    basis = models.CharField("основание срока", max_length=300, blank=True)
    updated_at = models.DateTimeField("изменено", default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="изменил",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "срок хранения"
        verbose_name_plural = "сроки хранения"
        constraints = [
            models.CheckConstraint(
                condition=Q(archive_after_years__gte=1)
                & Q(destroy_after_years__gte=models.F("archive_after_years")),
                name="retention_policy_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.archive_after_years} / {self.destroy_after_years} лет"


class LegalHoldQuerySet(models.QuerySet):
    def active(self) -> models.QuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A hold on an appeal (a court case, a prosecutor's check): its data are not anonymised."""

    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name="обращение",
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    reason = models.TextField("основание", max_length=1000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="установил",
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField("установлен", default=clock.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="снял",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField("снят", null=True, blank=True)
    lift_reason = models.TextField("причина снятия", max_length=1000, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = "запрет уничтожения (legal hold)"
        verbose_name_plural = "запреты уничтожения (legal hold)"
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(lifted_at__isnull=True), name="legal_hold_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"Запрет уничтожения #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class DestructionAct(models.Model):
    """The act of one run that anonymised appeals (LEGAL.md §6 rule 27).

    Open (``finished_at`` empty) while the run adds its batches: a run killed half-way leaves it
    open and the next run continues it, so the act lists exactly the appeals anonymised. On
    finishing it records the audit log's range for the run and the chain's head hash then.
    """

    number = models.CharField("номер акта", max_length=16, unique=True)
    created_at = models.DateTimeField("начат", default=clock.now)
    finished_at = models.DateTimeField("составлен", null=True, blank=True)
    count = models.PositiveIntegerField("обезличено обращений", default=0)
    closed_from = models.DateField("закрыты с", null=True, blank=True)
    closed_to = models.DateField("закрыты по", null=True, blank=True)
    audit_from = models.BigIntegerField("записи аудита с", null=True, blank=True)
    audit_to = models.BigIntegerField("записи аудита по", null=True, blank=True)
    audit_head_hash = models.CharField("хеш головы цепочки аудита", max_length=64, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField("утверждён", null=True, blank=True)

    class Meta:
        verbose_name = "акт об уничтожении персональных данных"
        verbose_name_plural = "акты об уничтожении персональных данных"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Акт № {self.number}"


class DestructionActItem(models.Model):
    """One anonymised appeal in an act: its number and dimensions, never personal data."""

    act = models.ForeignKey(DestructionAct, on_delete=models.PROTECT, related_name="items")
    appeal = models.OneToOneField(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="destruction_item"
    )
    number = models.CharField("номер обращения", max_length=10)
    kind = models.CharField("вид", max_length=200)
    theme = models.CharField("тема", max_length=200)
    registered_at = models.DateTimeField("зарегистрировано", null=True, blank=True)
    closed_at = models.DateTimeField("закрыто", null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField("срок хранения, лет")
    basis = models.CharField("основание", max_length=300, blank=True)

    class Meta:
        verbose_name = "обращение в акте"
        verbose_name_plural = "обращения в акте"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def display_number(self) -> str:
        return format_number(self.number)
