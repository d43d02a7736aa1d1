"""Reads of appeals for the faces; every one takes the acting user and applies visibility."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cached_property

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.deadlines import DeadlinePreview, deadline_preview, local_day
from priemnaya.appeals.follow_ups import follow_ups_possible
from priemnaya.appeals.lifecycle import Action, Side, actions_for, allowed
from priemnaya.appeals.models import Answer, Appeal, Event, Incident
from priemnaya.appeals.paging import own_order, queue_order
from priemnaya.appeals.permissions import (
    escalation_refusal,
    refusal,
    require_staff,
    side_of,
    staff_department_ids,
)
from priemnaya.appeals.presenters import (
    Audience,
    EventDescription,
    event_describe,
    next_step,
    status_label,
)
from priemnaya.appeals.services.sweeps import DEFAULT_WARN_HOURS
from priemnaya.appeals.states import NOTICE_DAYS, OPEN_STATUSES, EventType, Status
from priemnaya.attachments.models import Attachment
from priemnaya.attachments.selectors import appeal_attachments, attachment_for_appeal
from priemnaya.catalog.models import Department, Kind, Policy, Theme
from priemnaya.catalog.policies import policy_for
from priemnaya.core import clock
from priemnaya.core.errors import NotFound, NotPermitted, ValidationFailed
from priemnaya.core.numbering import (
    NUMBER_LENGTH,
    NUMBER_SEPARATORS,
    MalformedNumber,
    normalize_number,
)

_LIST_RELATED = ("kind", "theme", "department")


def appeals_visible_to(*, user: User) -> QuerySet[Appeal]:
    """Return the appeals the user may open: own for citizens, their departments' for staff."""
    base = Appeal.objects.select_related(*_LIST_RELATED)
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.is_citizen:
        return base.filter(applicant=user)
    if not user.works_appeals:
        return base.none()
    staff = base.exclude(status=Status.DRAFT)
    if user.sees_all_departments:
        return staff
    return staff.filter(department_id__in=staff_department_ids(user))


def parse_number(number: str) -> str:
    """Return the digits of a typed number or raise ValidationFailed naming «number»."""
    try:
        return normalize_number(number)
    except MalformedNumber as exc:
        raise ValidationFailed.single("number", str(exc)) from exc


def appeal_get(*, user: User, number: str) -> Appeal:
    """Return the appeal with this number if the user may see it; otherwise raise NotFound."""
    digits = parse_number(number)
    appeal = (
        appeals_visible_to(user=user)
        .select_related("assignee", "applicant", "registered_by")
        .filter(number=digits)
        .first()
    )
    if appeal is None:
        raise NotFound("Обращение не найдено.", field="number")
    return appeal


def staff_appeal_get(*, user: User, number: str) -> Appeal:
    """Return an appeal of the staff member's departments; NotPermitted for anyone else."""
    return appeal_get(user=require_staff(user), number=number)


def draft_get(*, user: User, draft_id: int) -> Appeal:
    appeal = (
        appeals_visible_to(user=user).filter(pk=draft_id, status=Status.DRAFT).first()
        if user.is_authenticated and user.is_citizen
        else None
    )
    if appeal is None:
        raise NotFound("Черновик не найден.")
    return appeal


class Queue(StrEnum):
    """The console's work queues (SPEC §12), besides «all open»: each a tab with its count."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    UNROUTED = "unrouted"

    @property
    def label(self) -> str:
        return QUEUE_LABELS[self]


QUEUE_LABELS = {
    Queue.DUE_SOON: "Скоро срок",
    Queue.OVERDUE: "Просрочено",
    Queue.UNROUTED: "Нераспределённые",
}
UNROUTED_STAFF_ONLY = "Очередь «Нераспределённые» доступна первой линии и контролю качества."


def _overdue_q(now: datetime) -> Q:
    # A paused appeal's clock is stopped: it is not late while the applicant is asked.
    return Q(status__in=OPEN_STATUSES, paused_at__isnull=True, due_at__lt=now)


def _due_soon_q(now: datetime) -> Q:
    """Open, unpaused appeals due within their policy's warning window (the sweep's window).

    One range per distinct window: the policies are few, and a window computed in SQL from the
    policy's hours is not portable (SQLite keeps date-times as text).
    """
    windows: dict[int, list[int]] = defaultdict(list)
    for pk, hours in Policy.objects.values_list("pk", "warn_before_hours"):
        windows[hours].append(pk)
    in_window = Q(policy__isnull=True, due_at__lt=now + timedelta(hours=DEFAULT_WARN_HOURS))
    for hours, pks in windows.items():
        in_window |= Q(policy_id__in=pks, due_at__lt=now + timedelta(hours=hours))
    return Q(status__in=OPEN_STATUSES, paused_at__isnull=True, due_at__gte=now) & in_window


def sees_unrouted(user: User) -> bool:
    """First-line staff route what no rule could; supervisors see every queue."""
    if user.sees_all_departments:
        return True
    first_line = Department.objects.filter(pk__in=staff_department_ids(user), is_first_line=True)
    return first_line.exists()


def _queue_q(queue: Queue, user: User, now: datetime) -> Q:
    match queue:
        case Queue.DUE_SOON:
            return _due_soon_q(now)
        case Queue.OVERDUE:
            return _overdue_q(now)
        case Queue.UNROUTED:
            if not sees_unrouted(user):
                raise NotPermitted(UNROUTED_STAFF_ONLY)
            return Q(unrouted=True, status__in=OPEN_STATUSES)


def parse_queue(value: str) -> Queue | None:
    """Return the queue named by a page or API parameter, or ValidationFailed naming «queue»."""
    if not value:
        return None
    try:
        return Queue(value)
    except ValueError:
        names = ", ".join(q.value for q in Queue)
        raise ValidationFailed.single("queue", f"Очередь «{value}» неизвестна: {names}.") from None


@dataclass(frozen=True)
class QueueCounts:
    """How many open appeals the staff member's queues hold; ``unrouted`` None if not theirs."""

    open: int
    due_soon: int
    overdue: int
    unrouted: int | None


def staff_queue_counts(*, user: User) -> QueueCounts:
    """Count the queues in one aggregate query over the appeals the user may see.

    Open appeals only: the partial sweep indexes do not help a count, the department index does.
    """
    now = clock.now()
    unrouted = sees_unrouted(require_staff(user))
    aggregates = {
        "open": Count("id"),
        "due_soon": Count("id", filter=_due_soon_q(now)),
        "overdue": Count("id", filter=_overdue_q(now)),
    }
    if unrouted:
        aggregates["unrouted"] = Count("id", filter=Q(unrouted=True))
    found = (
        appeals_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .aggregate(**aggregates)
    )
    return QueueCounts(
        open=found["open"],
        due_soon=found["due_soon"],
        overdue=found["overdue"],
        unrouted=found["unrouted"] if unrouted else None,
    )


@dataclass
class AppealFilters:
    queue: str = ""
    status: str = ""
    kind: str = ""
    theme: str = ""
    department: str = ""
    overdue: bool = False
    mine: bool = False
    review: bool = False  # answers the applicant asked to re-review
    q: str = ""
    applicant: int | None = None  # one applicant's appeals («ещё» under earlier appeals)
    archived: bool = False  # the archive (issue 14): read-only appeals past their live period


def _apply_filters(qs: QuerySet[Appeal], filters: AppealFilters, user: User) -> QuerySet[Appeal]:
    if (queue := parse_queue(filters.queue)) is not None:
        qs = qs.filter(_queue_q(queue, user, clock.now()))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    if filters.theme:
        qs = qs.filter(Q(theme__code=filters.theme) | Q(theme__parent__code=filters.theme))
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.overdue:
        qs = qs.filter(_overdue_q(clock.now()))
    if filters.mine:
        qs = qs.filter(assignee=user)
    if filters.review:
        qs = qs.filter(review_requested_at__isnull=False)
    if filters.applicant:
        qs = qs.filter(applicant_id=filters.applicant)
    if filters.q.strip():
        qs = qs.filter(_search_q(filters.q.strip()))
    return qs


def _number_prefix_q(digits: str) -> Q:
    """Numbers starting with ``digits`` as a range on the number's unique index.

    A LIKE 'prefix%' uses a b-tree only under the C collation or a pattern opclass; a range of
    digit strings is served by the plain index everywhere.
    """
    q = Q(number__startswith=digits, number__gte=digits)
    stem = digits.rstrip("9")
    if stem:  # "2699" -> "27": the first string past every number starting with "2699"
        q &= Q(number__lt=stem[:-1] + str(int(stem[-1]) + 1))
    return q


def _search_q(term: str) -> Q:
    """The queue's and the cabinet's ``q``: a whole number exactly, digits as a number prefix or
    a substring of the subject or the text.

    On PostgreSQL the substring match is served by the trigram indexes of migration 0016 (a
    bitmap over the matching rows), so its cost follows the matches, not the table. Issue 12
    replaces this with full-text search.
    """
    try:
        number: str | None = normalize_number(term)
    except MalformedNumber:
        number = None  # not a whole number: searched below as a number prefix or as words
    if number is not None:
        return Q(number=number)
    words = Q(subject__icontains=term) | Q(text__icontains=term)
    digits = NUMBER_SEPARATORS.sub("", term)
    if digits.isascii() and digits.isdigit() and len(digits) < NUMBER_LENGTH:
        # Under three characters a trigram index has nothing to look up: the number only.
        return (
            _number_prefix_q(digits) | words if len(term) >= MIN_WORD else _number_prefix_q(digits)
        )
    return words


# The shortest word the trigram indexes can find without reading the whole table.
MIN_WORD = 3
SHORT_WORD = f"Для поиска по тексту нужно не меньше {MIN_WORD} символов (или номер обращения)."


def _require_searchable(term: str) -> None:
    digits = NUMBER_SEPARATORS.sub("", term)
    if term and len(term) < MIN_WORD and not (digits.isascii() and digits.isdigit()):
        raise ValidationFailed.single("q", SHORT_WORD)


def appeal_search_q(term: str) -> Q:
    """The condition of a search over all appeals (the admin's): as the queue's ``q``, and a
    word too short for the trigram index refused (ValidationFailed naming «q»)."""
    _require_searchable(term)
    return _search_q(term)


def applicant_appeals(*, user: User, filters: AppealFilters) -> QuerySet[Appeal]:
    """Return the citizen's own appeals, newest first; staff have a queue instead (403)."""
    if not user.is_citizen:
        raise NotPermitted(
            "Список своих обращений — у заявителей; очередь сотрудника: /api/v1/staff/appeals."
        )
    qs = appeals_visible_to(user=user)
    return own_order(_apply_filters(qs, filters, user))


def staff_queue(*, user: User, filters: AppealFilters) -> QuerySet[Appeal]:
    """Return the staff member's queue, soonest due first; closed work only when asked for."""
    qs = appeals_visible_to(user=require_staff(user))
    # The staff queue spans departments of a million appeals; the citizen's own list is theirs.
    _require_searchable(filters.q.strip())
    # One applicant's appeals are shown whole: closed ones are what repeats are checked against.
    if filters.archived:
        qs = qs.filter(archived_at__isnull=False)
    elif not filters.status and not filters.review and not filters.applicant:
        qs = qs.filter(status__in=OPEN_STATUSES)
    else:
        # Archived appeals leave the working lists: only the «Архив» filter shows them.
        qs = qs.filter(archived_at__isnull=True)
    return queue_order(_apply_filters(qs, filters, user).select_related("assignee"))


# Far past any real list; keeps OFFSET inside the 64-bit integers both databases accept.
MAX_PAGE = 1_000_000


def page_of(qs: QuerySet, *, page: int, size: int) -> tuple[list, bool]:
    """Return one page and whether another follows, without counting the whole set."""
    page = max(page, 1)
    if page > MAX_PAGE:
        return [], False
    start = (page - 1) * size
    rows = list(qs[start : start + size + 1])
    return rows[:size], len(rows) > size


def audience_of(user: User, appeal: Appeal) -> Audience:
    return Audience.STAFF if side_of(user, appeal) is Side.STAFF else Audience.APPLICANT


def appeal_timeline(*, appeal: Appeal, user: User) -> list[EventDescription]:
    """Return the journal as the user may read it: public part for the applicant, all for staff."""
    audience = audience_of(user, appeal)
    events = appeal.events.select_related("actor")
    if audience is not Audience.STAFF:
        events = events.filter(is_public=True)
    return [event_describe(event, audience=audience) for event in events]


def appeal_overdue_event(*, appeal: Appeal) -> Event | None:
    """Return the sweep's «срок нарушен» event of an overdue appeal (a query only when overdue)."""
    if not (appeal.is_overdue and appeal.breached_at):
        return None
    return appeal.events.filter(type=EventType.OVERDUE).order_by("-created_at", "-id").first()


def appeal_files(*, appeal: Appeal, audience: Audience) -> list[Attachment]:
    """Return the appeal's files: staff see all, the applicant none of internal notes or of an
    answer still under review (LEGAL.md §6 rule 14)."""
    staff = audience is Audience.STAFF
    return list(
        appeal_attachments(appeal.pk, include_internal=staff, include_drafts=staff).select_related(
            "uploaded_by"
        )
    )


def appeal_file_get(*, user: User, number: str, attachment_id: int) -> Attachment:
    """Return one file of an appeal the user may see, or NotFound (another's appeal included)."""
    appeal = appeal_get(user=user, number=number)
    staff = audience_of(user, appeal) is Audience.STAFF
    return attachment_for_appeal(
        appeal.pk, attachment_id, include_internal=staff, include_drafts=staff
    )


def appeal_current_answer(*, appeal: Appeal) -> Answer | None:
    return appeal.answers.filter(superseded_at__isnull=True).first()


def appeal_answers(*, appeal: Appeal) -> list[Answer]:
    """Return every answer issued on the appeal, newest first; earlier ones are superseded."""
    return list(appeal.answers.all())


def appeal_actions(*, appeal: Appeal, user: User) -> list[Action]:
    """Return the actions the user may perform on the appeal now, in table order."""
    side = side_of(user, appeal)
    if side not in (Side.APPLICANT, Side.STAFF):
        return []
    return [
        action
        for action in actions_for(appeal.status, side)
        if refusal(action, appeal, user, side) is None
    ]


@dataclass(frozen=True)
class AppealLink:
    relation: str  # "repeat_of", "contest_of", … for links out; "repeated_by", "contested_by" in
    label: str
    appeal: Appeal


_LINKS_OUT = {
    "repeat_of": "Повтор обращения",
    "contest_of": "Обжалует ответ по обращению",
    "escalation_of": "Эскалация обращения",
    "duplicate_of": "Дубликат обращения",
}
_LINKS_IN = {
    "repeat_of": ("repeated_by", "Повторное обращение"),
    "contest_of": ("contested_by", "Обжалование"),
}


def appeal_links(*, appeal: Appeal) -> list[AppealLink]:
    """Return the appeals this one points to and the repeats and contests filed after it (1 query).

    Only numbers, subjects and states are shown, so staff of the earlier department may see that a
    contest exists even where they may not open it.
    """
    earlier = {name: getattr(appeal, f"{name}_id") for name in _LINKS_OUT}
    wanted = Q(pk__in=[pk for pk in earlier.values() if pk]) | Q(repeat_of=appeal.pk)
    wanted |= Q(contest_of=appeal.pk)
    rows = (
        Appeal.objects.filter(wanted)
        .only("pk", "number", "subject", "status", "repeat_of_id", "contest_of_id")
        .order_by("id")
    )
    links = []
    for row in rows:
        links += [
            AppealLink(name, _LINKS_OUT[name], row) for name, pk in earlier.items() if pk == row.pk
        ]
        links += [
            AppealLink(relation, label, row)
            for name, (relation, label) in _LINKS_IN.items()
            if getattr(row, f"{name}_id") == appeal.pk
        ]
    return links


def assignee_candidates(*, appeal: Appeal) -> QuerySet[User]:
    """Return the active staff of the appeal's department, who may be made its assignee."""
    return User.objects.filter(
        membership__department_id=appeal.department_id, is_active=True
    ).order_by("full_name", "id")


@dataclass(frozen=True)
class AppealPage:
    """Everything the appeal page shows, the same for the cabinet, the console and the API."""

    appeal: Appeal
    audience: Audience
    status_label: str
    next_step: str
    answer: Answer | None
    timeline: list[EventDescription]
    actions: list[Action]
    links: list[AppealLink]
    follow_ups: list[str]
    visible: bool = True
    # Every issued answer, newest first: a reopened appeal's earlier ones stay visible, marked
    # superseded (issue 10 item 2).
    answers: list[Answer] = field(default_factory=list)
    # Why the applicant's «Эскалация» is not offered now and when it will be (empty otherwise).
    escalation_note: str = ""
    # Known to have no files (an appeal registered by this very request without any).
    no_files: bool = False

    @property
    def action_slugs(self) -> list[str]:
        return [action.slug for action in self.actions]

    @cached_property
    def attachments(self) -> list[Attachment]:
        """The appeal's files as the reader may see them (read when first asked for)."""
        if not self.visible or self.no_files:
            return []
        return appeal_files(appeal=self.appeal, audience=self.audience)


def appeal_page_of(*, appeal: Appeal, user: User, with_timeline: bool = True) -> AppealPage:
    """Assemble the page of an appeal the user has just reached (or just acted on).

    If the user's own action took the appeal out of their reach (a redirect or escalation to
    another department), the page says so through ``visible`` and shows only the appeal itself.
    """
    visible = side_of(user, appeal) in (Side.APPLICANT, Side.STAFF)
    audience = audience_of(user, appeal) if visible else Audience.STAFF
    actions = appeal_actions(appeal=appeal, user=user) if visible else []
    # An appeal this request has just registered has no answers and nothing links to it yet;
    # links out (a repeat or a contest) are still read.
    new = appeal.registered_here
    answers = appeal_answers(appeal=appeal) if visible and not new else []
    links_out = any(getattr(appeal, f"{name}_id") for name in _LINKS_OUT)
    current = next((a for a in answers if a.superseded_at is None), None)
    return AppealPage(
        appeal=appeal,
        audience=audience,
        status_label=status_label(appeal.status, audience),
        next_step=next_step(appeal, overdue=appeal_overdue_event(appeal=appeal)),
        answer=current,
        answers=answers,
        timeline=appeal_timeline(appeal=appeal, user=user) if visible and with_timeline else [],
        actions=actions,
        links=appeal_links(appeal=appeal) if visible and not (new and not links_out) else [],
        follow_ups=[f.value for f in follow_ups_possible(appeal=appeal, user=user)],
        visible=visible,
        escalation_note=escalation_note(appeal=appeal, user=user, actions=actions),
        no_files=new and not appeal.registered_with_files,
    )


def escalation_note(*, appeal: Appeal, user: User, actions: list[Action]) -> str:
    """Return why the applicant may not press «Эскалация» now and when they may, or ""."""
    if Action.ESCALATE in actions or side_of(user, appeal) is not Side.APPLICANT:
        return ""
    if not allowed(Action.ESCALATE, appeal.status, Side.APPLICANT):
        return ""
    refused = escalation_refusal(appeal, Side.APPLICANT)
    return refused.message if refused else ""


def appeal_page(*, user: User, number: str, with_timeline: bool = True) -> AppealPage:
    """Return the page of the appeal with this number if the user may see it, else NotFound."""
    appeal = appeal_get(user=user, number=number)
    return appeal_page_of(appeal=appeal, user=user, with_timeline=with_timeline)


# ---- incidents ----


def incidents_visible_to(*, user: User) -> QuerySet[Incident]:
    """Return the incidents of the staff member's departments (all for supervisors)."""
    require_staff(user)
    qs = Incident.objects.select_related("department")
    if user.sees_all_departments:
        return qs
    return qs.filter(department_id__in=staff_department_ids(user))


def incidents_open(*, user: User) -> list[Incident]:
    """Return the open incidents of the user's departments with their appeal counts (1 query)."""
    return list(
        incidents_visible_to(user=user)
        .filter(state=Incident.State.OPEN)
        .annotate(appeal_count=Count("appeals"))
        .order_by("opened_at", "id")
    )


def incident_get(*, user: User, incident_id: int) -> Incident:
    found = incidents_visible_to(user=user).filter(pk=incident_id).first()
    if found is None:
        raise NotFound("Инцидент не найден.", field="incident")
    return found


def incident_appeals(*, incident: Incident) -> list[Appeal]:
    """Return the appeals linked to an incident, oldest first (1 query)."""
    return list(incident.appeals.select_related("assignee").order_by("id"))


def notice_due_on(appeal: Appeal) -> date | None:
    """Return the day by which an unreadable or unclear appeal's notice is due (59-FZ art. 11)."""
    if appeal.registered_at is None:
        return None
    return local_day(appeal.department, appeal.registered_at) + timedelta(NOTICE_DAYS)


def intake_deadline_preview(*, kind: str, theme: str) -> DeadlinePreview | None:
    """Return the due day an appeal of this kind and theme registered today would get.

    None when kind or theme is not chosen yet. Raises CalendarMissing like registration does.
    """
    kind_row = Kind.objects.filter(code=kind, is_active=True).first() if kind else None
    theme_row = Theme.objects.filter(code=theme, is_active=True).first() if theme else None
    if kind_row is None or theme_row is None:
        return None
    return deadline_preview(
        registered=timezone.localdate(clock.now()), policy=policy_for(kind_row, theme_row)
    )
