"""Collective issues (SPEC §17, LEGAL.md §6 rule 13): one problem, many signers, one answer.

A ``CollectiveIssue`` gathers similar open appeals (``Member``: an appeal belongs to at most one)
and the people who stand behind it (``Signer``: each member appeal's applicant, and citizens who
co-signed without filing an appeal of their own). Rule 13: at least two signers, all stored; the
answer goes to the representative and every signer's notice is logged (``Delivery``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from priemnaya.appeals.models import Appeal
from priemnaya.catalog.models import Department, Theme
from priemnaya.catalog.regions import REGIONS
from priemnaya.core import clock


class CollectiveIssue(models.Model):
    """A mass problem answered once; its title and summary are written by staff for the public."""

    class State(models.TextChoices):
        OPEN = "open", "Рассматривается"
        ANSWERED = "answered", "Дан ответ"
        CLOSED = "closed", "Закрыто"

    title = models.CharField("название", max_length=200)
    summary = models.TextField("описание для граждан", max_length=2000)
    theme = models.ForeignKey(Theme, verbose_name="тема", on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name="ведомство", on_delete=models.PROTECT, related_name="+"
    )
    region = models.CharField("регион (код)", max_length=8, blank=True)
    place = models.CharField("место", max_length=200, blank=True)
    state = models.CharField("состояние", max_length=16, choices=State.choices, default=State.OPEN)
    # Citizens may find it in the help before filing, open its public page and co-sign it.
    is_public = models.BooleanField("открыто для присоединения", default=False)
    # The search stems of the title, summary and member subjects: what a draft is compared with.
    stems = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("создано", default=clock.now)
    answer_text = models.TextField("ответ", blank=True)
    answered_at = models.DateTimeField("дан ответ", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "коллективное обращение"
        verbose_name_plural = "коллективные обращения"
        indexes = [
            models.Index(fields=["department", "state"], name="collective_dept_state_idx"),
            models.Index(
                fields=["state", "-created_at"],
                name="collective_public_idx",
                condition=Q(is_public=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Коллективное обращение № {self.pk}: {self.title}"

    @property
    def region_name(self) -> str:
        return REGIONS.get(self.region, self.region)


class Member(models.Model):
    """An appeal merged into a collective issue; an appeal is in at most one."""

    issue = models.ForeignKey(CollectiveIssue, on_delete=models.PROTECT, related_name="members")
    appeal = models.OneToOneField(
        Appeal, on_delete=models.PROTECT, related_name="collective_member"
    )
    joined_at = models.DateTimeField("объединено", default=clock.now)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "обращение в коллективном"
        verbose_name_plural = "обращения в коллективном"

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.issue_id}"


class Signer(models.Model):
    """One person behind the collective issue: by their own appeal or by co-signing it."""

    class Way(models.TextChoices):
        APPEAL = "appeal", "Своё обращение"
        COSIGN = "cosign", "Присоединился"

    issue = models.ForeignKey(CollectiveIssue, on_delete=models.PROTECT, related_name="signers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collective_signatures",
    )
    # The signer's own appeal in the issue (way «appeal»).
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField("ФИО", max_length=300)
    phone = models.CharField("телефон", max_length=12, blank=True)
    email = models.EmailField("e-mail", blank=True)
    way = models.CharField("как присоединился", max_length=16, choices=Way.choices)
    signed_at = models.DateTimeField("подписал", default=clock.now)
    is_representative = models.BooleanField("представитель", default=False)
    # A co-signer may withdraw before the answer; the row stays (rule 13: all signers stored).
    withdrawn_at = models.DateTimeField("подпись отозвана", null=True, blank=True)

    class Meta:
        verbose_name = "подписавший"
        verbose_name_plural = "подписавшие"
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "user"],
                condition=Q(user__isnull=False),
                name="collective_signer_user_once",
            ),
            models.UniqueConstraint(
                fields=["issue", "appeal"],
                condition=Q(appeal__isnull=False),
                name="collective_signer_appeal_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "-signed_at"], name="collective_signer_user_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_way_display()})"

    @property
    def short_name(self) -> str:
        """«Иванова М. С.»: how the representative is named in the answer to every signer."""
        surname, *rest = (self.full_name or "").split()
        initials = " ".join(f"{part[0]}." for part in rest if part)
        return f"{surname} {initials}".strip() if surname else ""


class Delivery(models.Model):
    """How one signer was told of the answer (rule 13: every signer is logged)."""

    class Channel(models.TextChoices):
        # The member appeal's own answer: the notifications app tells its applicant as usual.
        APPEAL = "appeal", "Ответ по своему обращению"
        EMAIL = "email", "E-mail"
        SMS = "sms", "SMS"
        CABINET = "cabinet", "Личный кабинет"

    class State(models.TextChoices):
        PENDING = "pending", "Ожидает отправки"
        SENT = "sent", "Отправлено"
        FAILED = "failed", "Не доставлено"

    issue = models.ForeignKey(CollectiveIssue, on_delete=models.PROTECT, related_name="deliveries")
    signer = models.ForeignKey(Signer, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField("канал", max_length=16, choices=Channel.choices)
    address = models.CharField("адрес", max_length=254, blank=True)
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_representative = models.BooleanField("представителю", default=False)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "уведомление подписавшего"
        verbose_name_plural = "уведомления подписавших"
        constraints = [
            models.UniqueConstraint(fields=["signer", "channel"], name="collective_delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["state", "id"],
                name="collective_delivery_todo_idx",
                condition=Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer_id}: {self.channel} {self.state}"
