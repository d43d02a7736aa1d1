from __future__ import annotations

from datetime import UTC, date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from priemnaya.appeals.states import (
    Channel,
    EventType,
    MessageKind,
    NoAnswerGround,
    Outcome,
    Priority,
    ReplyChannel,
    Status,
)
from priemnaya.catalog.models import Department, Kind, Policy, Regime, RoutingRule, Theme
from priemnaya.core import clock
from priemnaya.core.numbering import format_number

# The earliest incident date a person may give. The database keeps a day of slack below it:
# local midnight of that day is the evening before in UTC in every zone east of Greenwich.
INCIDENT_EARLIEST = date(1900, 1, 1)
INCIDENT_FLOOR = datetime(1899, 12, 31, tzinfo=UTC)


# Link field → its index's name (at most 30 characters).
PARTIAL_LINKS = {
    "registered_by": "appeal_registrar_set_idx",
    "complained_department": "appeal_complained_set_idx",
    "incident": "appeal_incident_set_idx",
    "repeat_of": "appeal_repeat_of_set_idx",
    "contest_of": "appeal_contest_of_set_idx",
    "escalation_of": "appeal_escalation_set_idx",
    "duplicate_of": "appeal_duplicate_set_idx",
}


class Appeal(models.Model):
    """An appeal (обращение): what the applicant asked, where it is and by when it is due."""

    number = models.CharField("номер", max_length=10, unique=True, null=True, blank=True)
    kind = models.ForeignKey(Kind, verbose_name="вид", on_delete=models.PROTECT)
    theme = models.ForeignKey(Theme, verbose_name="тема", on_delete=models.PROTECT)
    subject = models.CharField("краткое содержание", max_length=200)
    text = models.TextField("описание", max_length=5000)
    service_code = models.CharField("код госуслуги", max_length=64, blank=True)
    incident_at = models.DateTimeField("дата и время события", null=True, blank=True)
    desired_result = models.TextField("желаемый результат", max_length=2000, blank=True)

    contact_phone = models.CharField("телефон", max_length=12, blank=True)
    contact_email = models.EmailField("e-mail", blank=True)
    contact_address = models.CharField("почтовый адрес", max_length=500, blank=True)
    # No index of its own: appeal_applicant_idx (applicant, -created_at) serves every lookup.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="заявитель",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    # The staff member who typed in an appeal that came by phone, e-mail, letter…; None for the
    # applicant's own submissions.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="зарегистрировал",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_registered",
        db_index=False,
    )
    applicant_name = models.CharField("ФИО заявителя", max_length=300)
    channel = models.CharField("канал", max_length=16, choices=Channel.choices)

    # No index of its own: appeal_queue_idx (department, status, due_at) serves every lookup.
    department = models.ForeignKey(
        Department,
        verbose_name="ведомство",
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="исполнитель",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_appeals",
    )
    priority = models.PositiveSmallIntegerField(
        "приоритет", choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField("статус", max_length=16, choices=Status.choices)

    # The deadline policy chosen at registration (kind and theme) and the regime it gives; a
    # change of regime is journaled.
    policy = models.ForeignKey(
        Policy, verbose_name="политика сроков", null=True, blank=True, on_delete=models.PROTECT
    )
    regime = models.CharField("режим", max_length=16, choices=Regime.choices, blank=True)
    # When a letter, a call or an МФЦ visit reached the service, if before registration.
    received_at = models.DateTimeField("поступило", null=True, blank=True)
    late_registration = models.BooleanField("зарегистрировано позже срока", default=False)
    # A complaint names the body it is about; it is never redirected there (59-FZ art. 8 p.6).
    complained_department = models.ForeignKey(
        Department,
        verbose_name="на кого жалоба",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_against",
        db_index=False,
    )
    region = models.CharField("регион (код)", max_length=8, blank=True)
    # Routing: the rule that sent the appeal, or «не распределено» for first-line operators.
    routing_rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unrouted = models.BooleanField("не распределено", default=False)
    incident = models.ForeignKey(
        "Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )

    first_response_due_at = models.DateTimeField("срок первой реакции", null=True, blank=True)
    due_at = models.DateTimeField("срок ответа", null=True, blank=True)
    # The due moment set at registration: extensions are measured from it.
    original_due_at = models.DateTimeField("первоначальный срок", null=True, blank=True)
    extended = models.BooleanField("срок продлён", default=False)
    extension_count = models.PositiveSmallIntegerField("продлений", default=0)
    extension_reason = models.TextField("причина продления", blank=True)
    # Sweep marks: each warning or breach is handled once per deadline (reset when it moves).
    due_soon_warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField("срок нарушен", null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    # Set while needs_info: the resolution clock is stopped and resumes on provide_info.
    paused_at = models.DateTimeField("срок приостановлен", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField("уровень эскалации", default=0)
    # The level the applicant last escalated from: once per level.
    applicant_escalated_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the applicant last escalated: a late deadline or an answer before it was already used.
    applicant_escalated_at = models.DateTimeField(null=True, blank=True)

    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        db_index=False,
    )
    contest_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contests",
        db_index=False,
    )
    escalation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        db_index=False,
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )

    rating = models.PositiveSmallIntegerField("оценка", null=True, blank=True)
    rating_comment = models.TextField("комментарий к оценке", blank=True)
    # Set when the applicant is not satisfied with the answer (a low rating with a reason): the
    # department head or quality control confirms the answer or reopens the appeal.
    review_requested_at = models.DateTimeField("запрошен пересмотр", null=True, blank=True)

    # A token from the form or app that submitted this appeal: a resubmission finds it again.
    client_token = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 — NULL stays out of the unique constraint

    created_at = models.DateTimeField("создано", default=clock.now)
    registered_at = models.DateTimeField("зарегистрировано", null=True, blank=True)
    first_response_at = models.DateTimeField("первая реакция", null=True, blank=True)
    answered_at = models.DateTimeField("дан ответ", null=True, blank=True)
    closed_at = models.DateTimeField("закрыто", null=True, blank=True)
    # Set by the transition helper from the service clock (auto_now would ignore a replayed time).
    updated_at = models.DateTimeField("изменено", default=clock.now)
    # Issue 14 (retention): an archived appeal is read-only and out of working queues; an
    # anonymised one has lost its personal data at the end of its retention period.
    archived_at = models.DateTimeField("передано в архив", null=True, blank=True)
    anonymised_at = models.DateTimeField("обезличено", null=True, blank=True)

    # Not columns: set by the registration on the instance it returns to the request that made the
    # appeal, so that request's answer skips reading what a new appeal cannot have yet (answers,
    # later appeals linking to it) and, when it came without files, its files.
    registered_here: bool = False
    registered_with_files: bool = False

    class Meta:
        verbose_name = "обращение"
        verbose_name_plural = "обращения"
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "client_token"],
                condition=Q(client_token__isnull=False),
                name="appeal_client_token_unique",
            ),
            models.UniqueConstraint(
                fields=["registered_by", "client_token"],
                condition=Q(client_token__isnull=False, registered_by__isnull=False),
                name="appeal_staff_client_token_unique",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="appeal_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="appeal_numbered_unless_draft",
            ),
            # Below this a date leaves the calendar in UTC and no page could show the appeal.
            models.CheckConstraint(
                condition=Q(incident_at__isnull=True) | Q(incident_at__gte=INCIDENT_FLOOR),
                name="appeal_incident_from_1900",
            ),
        ]
        indexes = [
            # Links most appeals never have (a complaint's body, a repeat, a contest, an
            # escalation, a duplicate, an incident, a staff registrar) are indexed only where set:
            # a full index would take an entry per appeal on every insert and on every update that
            # moves the row (the sweeps' marks), to answer lookups by a value that is never NULL.
            *(
                models.Index(
                    fields=[link],
                    name=name,
                    condition=Q(**{f"{link}__isnull": False}),
                )
                for link, name in PARTIAL_LINKS.items()
            ),
            models.Index(fields=["department", "status", "due_at"], name="appeal_queue_idx"),
            # The console queue orders by (due_at, id) ascending, nulls last like these indexes:
            # a status filter reads its index in that order and stops after a page, over any set
            # of departments (the department index above needs one department and one status).
            models.Index(fields=["status", "due_at", "id"], name="appeal_status_due_idx"),
            # The default queue («all open», overdue, due soon) over the few open appeals.
            models.Index(
                fields=["due_at", "id"],
                name="appeal_open_due_idx",
                condition=Q(status__in=["registered", "in_progress", "needs_info"]),
            ),
            # The queue tabs' counts (staff_queue_counts) read every open appeal of the
            # departments: covering them lets PostgreSQL count from the index alone instead of
            # visiting ~14,000 table pages per department at a million appeals.
            models.Index(
                fields=["department", "due_at"],
                include=["paused_at", "policy", "unrouted", "status", "id"],
                name="appeal_open_counts_idx",
                condition=Q(status__in=["registered", "in_progress", "needs_info"]),
            ),
            # «Мои» (mine=true): the assignee's open appeals in queue order, a page read off the
            # index instead of every appeal they ever had sorted.
            models.Index(
                fields=["assignee", "due_at", "id"],
                name="appeal_mine_due_idx",
                condition=Q(status__in=["registered", "in_progress", "needs_info"]),
            ),
            models.Index(fields=["applicant", "-created_at"], name="appeal_applicant_idx"),
            # Staff-registered appeals still without an account, by contact: what a confirmed
            # phone or e-mail claims (appeals.services.contact_link). Few rows, kept small.
            models.Index(
                fields=["contact_phone"],
                name="appeal_unowned_phone_idx",
                condition=Q(applicant__isnull=True) & ~Q(contact_phone=""),
            ),
            models.Index(
                Upper("contact_email"),
                name="appeal_unowned_email_idx",
                condition=Q(applicant__isnull=True) & ~Q(contact_email=""),
            ),
            models.Index(fields=["status", "answered_at"], name="appeal_autoclose_idx"),
            # The sweeps read only open appeals not yet handled, in due order.
            models.Index(
                fields=["due_at", "id"],
                name="appeal_breach_sweep_idx",
                condition=Q(
                    status__in=["registered", "in_progress", "needs_info"],
                    breached_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["due_at", "id"],
                name="appeal_due_soon_sweep_idx",
                condition=Q(
                    status__in=["registered", "in_progress", "needs_info"],
                    due_soon_warned_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["first_response_due_at", "id"],
                name="appeal_first_resp_sweep_idx",
                condition=Q(
                    status="registered",
                    first_response_breached_at__isnull=True,
                    first_response_due_at__isnull=False,
                ),
            ),
            models.Index(
                fields=["department", "id"],
                name="appeal_unrouted_idx",
                condition=Q(unrouted=True),
            ),
            # Incident detection reads the support appeals of the last minutes not yet linked.
            models.Index(
                fields=["kind", "registered_at"],
                name="appeal_incident_scan_idx",
                condition=Q(incident__isnull=True),
            ),
            # Issue 14 — retention: the daily run reads closed appeals not yet archived, and
            # archived ones not yet anonymised, by closing date; the console's «Архив» by id.
            models.Index(
                fields=["closed_at", "id"],
                name="appeal_archive_scan_idx",
                condition=Q(status__in=["closed", "withdrawn"], archived_at__isnull=True),
            ),
            models.Index(
                fields=["closed_at", "id"],
                name="appeal_anonymise_scan_idx",
                condition=Q(archived_at__isnull=False, anonymised_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.display_number}" if self.number else f"Черновик #{self.pk}"

    @property
    def display_number(self) -> str:
        return format_number(self.number) if self.number else ""

    @property
    def is_overdue(self) -> bool:
        from priemnaya.appeals.states import OPEN_STATUSES

        return bool(
            self.due_at
            and self.status in OPEN_STATUSES
            and self.paused_at is None
            and self.due_at < clock.now()
        )


class Incident(models.Model):
    """A critical failure: many similar support appeals in a short time, answered once."""

    class State(models.TextChoices):
        OPEN = "open", "Открыт"
        RESOLVED = "resolved", "Устранён"

    title = models.CharField("что случилось", max_length=200)
    # What groups the appeals: an error code, or the sorted stems of their subject.
    signature = models.CharField("признак", max_length=200)
    state = models.CharField("состояние", max_length=16, choices=State.choices, default=State.OPEN)
    policy = models.ForeignKey(
        Policy, verbose_name="политика сроков", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name="ведомство", on_delete=models.PROTECT, related_name="incidents"
    )
    opened_at = models.DateTimeField("открыт", default=clock.now)
    first_response_due_at = models.DateTimeField("срок реакции", null=True, blank=True)
    resolved_at = models.DateTimeField("устранён", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_text = models.TextField("ответ всем", blank=True)

    class Meta:
        verbose_name = "инцидент"
        verbose_name_plural = "инциденты"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(
                fields=["signature", "opened_at"],
                name="incident_open_idx",
                condition=Q(state="open"),
            )
        ]

    def __str__(self) -> str:
        return f"Инцидент #{self.pk}: {self.title}"


class Answer(models.Model):
    """An issued answer; never changed — a reopened appeal supersedes it with a new one."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="answers")
    outcome = models.CharField("результат", max_length=16, choices=Outcome.choices)
    result_code = models.PositiveSmallIntegerField("код результата")
    legal_ground = models.CharField(
        "основание", max_length=32, choices=NoAnswerGround.choices, blank=True
    )
    text = models.TextField("текст ответа")
    issued_at = models.DateTimeField("выдан", default=clock.now)
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="исполнитель", on_delete=models.PROTECT
    )
    executor_name = models.CharField("ФИО исполнителя", max_length=300)
    executor_position = models.CharField("должность", max_length=200, blank=True)
    executor_phone = models.CharField("рабочий телефон", max_length=32, blank=True)
    superseded_at = models.DateTimeField("заменён", null=True, blank=True)
    # How the answer is sent: follows the intake channel (59-FZ; LEGAL.md §6 rule 15).
    reply_channel = models.CharField(
        "способ направления ответа", max_length=16, choices=ReplyChannel.choices, blank=True
    )
    # The standard notice of a ground of 59-FZ art. 11 the applicant reads with the answer.
    notice = models.TextField("уведомление заявителю", blank=True)
    # A crime report without name or address: the body it was forwarded to (art. 11 p.1).
    forward_to = models.CharField("направлено в", max_length=300, blank=True)
    # Unreadable or unclear appeals: the notice is due by registration + 7 days (art. 11 p.4);
    # empty when the name and address cannot be read either (no notice is possible).
    notice_due_on = models.DateField("срок уведомления", null=True, blank=True)
    notice_in_time = models.BooleanField("уведомление в срок", null=True, blank=True)
    # Stopping correspondence (art. 11 p.5): the head's decision and its confirmed premise.
    no_new_arguments = models.BooleanField("нет новых доводов", default=False)
    decision = models.TextField("решение руководителя", blank=True)

    class Meta:
        verbose_name = "ответ"
        verbose_name_plural = "ответы"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"Ответ на {self.appeal} ({self.get_outcome_display()})"


class Message(models.Model):
    """A message in the appeal's conversation: comment, clarification, reply or internal note."""

    # The conversation is part of the record: never deleted with (or before) the appeal.
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    is_internal = models.BooleanField(default=False)
    text = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "сообщение"
        verbose_name_plural = "сообщения"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} к {self.appeal}"


class Event(models.Model):
    """One entry of the appeal's journal; also the outbox its consumers are handed from.

    Append-only: written by the constructors of ``appeals.events``, never changed or deleted
    (PROTECT here, read-only in admin, a trigger in the database) except ``dispatched_at``.
    """

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=32, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_role = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    is_public = models.BooleanField(default=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.PROTECT)
    # The outbox marker: NULL until the dispatcher has handed the event to every consumer's
    # queue. Ids are allocated at INSERT, not at commit, so "the last id seen" would skip events
    # committed out of order; a marker cannot be skipped.
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "событие журнала"
        verbose_name_plural = "журнал"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["appeal", "created_at"], name="event_appeal_idx"),
            models.Index(
                fields=["id"],
                name="event_undispatched_idx",
                condition=Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.appeal_id})"


class EventDelivery(models.Model):
    """One event queued for one consumer of the journal (notifications, webhooks, search…).

    The dispatcher creates one row per consumer in the transaction that marks the event
    dispatched; the consumer marks it handled in the transaction that does its work, so each
    consumer gets each committed event exactly once whatever crashes in between.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries")
    consumer = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "передача события"
        verbose_name_plural = "передачи событий"
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="event_delivery_unique")
        ]
        indexes = [
            models.Index(
                fields=["consumer", "id"],
                name="event_delivery_pending_idx",
                condition=Q(handled_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.consumer}: {self.event_id}"


class StatusAccess(models.Model):
    """The public status lookup of one typed number (issue 13): its one-time code, tries, lock.

    A row exists for any well-formed number asked about, known or not, so an unknown number is
    answered, throttled and locked exactly like a known one (no existence oracle). The code is
    kept only as an HMAC keyed with SECRET_KEY.
    """

    number = models.CharField("номер", max_length=10, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Codes sent in the hour that began at ``hour_started_at``.
    hour_started_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveSmallIntegerField(default=0)
    # Wrong (or spent, or expired) codes typed since the last success or lock.
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "проверка статуса по номеру"
        verbose_name_plural = "проверки статуса по номеру"

    def __str__(self) -> str:
        return format_number(self.number)
