"""Every write of collective issues: merge, co-sign, withdraw a signature, answer once.

Who merges and answers: quality control (supervisors, administrators) and the heads of the
departments whose appeals are merged — the people who already assign work and review answers
(``appeals.permissions.may_review``). Operators and specialists see the suggestions and the issues
of their departments but do not merge (docs/collective.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import Side
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import head_department_ids, may_review, require_staff, side_of
from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.appeals.services.collective import appeal_join_collective
from priemnaya.appeals.services.journal import required_text
from priemnaya.appeals.services.workflow import ANSWER_MAX, appeal_answer, appeal_take
from priemnaya.appeals.states import Outcome, Status
from priemnaya.audit.services import audit_record
from priemnaya.collective.models import CollectiveIssue, Delivery, Member, Signer
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from priemnaya.core.numbering import MalformedNumber, format_number, normalize_number
from priemnaya.search.text import analyse

# Open appeals that may be merged: the states the lifecycle lets an appeal join in.
MERGEABLE = (Status.REGISTERED, Status.IN_PROGRESS, Status.NEEDS_INFO)
MIN_SIGNERS = 2
MAX_APPEALS = 200
TITLE_MAX, SUMMARY_MAX = 200, 2000
MERGERS = (
    "Объединять обращения и отвечать на коллективные могут руководители отделов "
    "и контроль качества."
)
NOT_FOUND = "Коллективное обращение не найдено."
TOO_FEW = (
    "В коллективном обращении должно быть не меньше двух подписавших (разных заявителей): "
    "выберите обращения разных людей."
)


def may_merge(user: User, appeal: Appeal) -> bool:
    """Return True if the staff member may merge this appeal (its department's head or QC)."""
    return side_of(user, appeal) is Side.STAFF and may_review(user, appeal)


def may_manage(user: User, issue: CollectiveIssue) -> bool:
    """Return True if the staff member may add to and answer the issue."""
    if not (user.is_authenticated and user.works_appeals):
        return False
    return user.sees_all_departments or issue.department_id in head_department_ids(user)


def _numbers(numbers: Iterable[str]) -> list[str]:
    digits, bad = [], []
    for raw in numbers:
        raw = (raw or "").strip()
        if not raw:
            continue
        try:
            value = normalize_number(raw)
        except MalformedNumber:
            bad.append(raw)
            continue
        if value not in digits:
            digits.append(value)
    if bad:
        raise ValidationFailed.single("appeals", f"Неверный номер обращения: {', '.join(bad)}.")
    if len(digits) > MAX_APPEALS:
        raise ValidationFailed.single("appeals", f"Не больше {MAX_APPEALS} обращений за раз.")
    return digits


def _appeals_to_merge(actor: User, numbers: Sequence[str]) -> list[Appeal]:
    """The actor's visible appeals by number, each checked: open, free, theirs to merge."""
    digits = _numbers(numbers)
    if not digits:
        raise ValidationFailed.single("appeals", "Выберите обращения или укажите их номера.")
    found = {
        a.number: a
        for a in appeals_visible_to(user=actor)
        .select_related("applicant")
        .filter(number__in=digits)
    }
    problems = []
    taken = set(
        Member.objects.filter(appeal__number__in=digits).values_list("appeal__number", flat=True)
    )
    for number in digits:
        appeal = found.get(number)
        shown = format_number(number)
        if appeal is None:
            problems.append(f"обращение № {shown} не найдено")
        elif appeal.status not in MERGEABLE or appeal.archived_at is not None:
            problems.append(f"№ {shown} уже не рассматривается ({appeal.get_status_display()})")
        elif number in taken:
            problems.append(f"№ {shown} уже входит в коллективное обращение")
        elif not may_review(actor, appeal):
            raise NotPermitted(MERGERS, field="appeals")
    if problems:
        raise ValidationFailed({"appeals": [f"Нельзя объединить: {'; '.join(problems)}."]})
    return [found[n] for n in digits]


def _person_key(appeal: Appeal) -> str:
    """Who stands behind an appeal: the account, else the contact (phone and letter appeals)."""
    if appeal.applicant_id:
        return f"user:{appeal.applicant_id}"
    return f"contact:{(appeal.contact_email or '').lower()}|{appeal.contact_phone}|{appeal.pk}"


def _stems_of(issue: CollectiveIssue, appeals: Iterable[Appeal]) -> str:
    words = set(issue.stems.split())
    words |= set(analyse(f"{issue.title} {issue.summary}").split())
    for appeal in appeals:
        words |= set(analyse(appeal.subject).split())
    return " ".join(sorted(words))[:20000]


def _join(issue: CollectiveIssue, appeals: list[Appeal], actor: User) -> list[Signer]:
    """Make each appeal a member, journal it and make its applicant a signer (once per person)."""
    now = clock.now()
    existing = {s.user_id: s for s in issue.signers.filter(user__isnull=False).select_related(None)}
    added = []
    for appeal in appeals:
        Member.objects.create(issue=issue, appeal=appeal, joined_at=now, joined_by=actor)
        appeal_join_collective(appeal=appeal, collective=issue.pk, title=issue.title)
        if appeal.applicant_id and appeal.applicant_id in existing:
            signer = existing[appeal.applicant_id]
            if signer.withdrawn_at is not None or signer.appeal_id is None:
                # A co-signer whose own appeal is now merged signs by it.
                signer.appeal, signer.way, signer.withdrawn_at = appeal, Signer.Way.APPEAL, None
                signer.save(update_fields=["appeal", "way", "withdrawn_at"])
            continue
        signer = Signer.objects.create(
            issue=issue,
            user_id=appeal.applicant_id,
            appeal=appeal,
            full_name=appeal.applicant_name
            or (appeal.applicant.full_name if appeal.applicant else ""),
            phone=appeal.contact_phone,
            email=appeal.contact_email,
            way=Signer.Way.APPEAL,
            signed_at=now,
        )
        if appeal.applicant_id:
            existing[appeal.applicant_id] = signer
        added.append(signer)
    return added


def _common_region(appeals: list[Appeal]) -> str:
    regions = {a.region for a in appeals}
    return regions.pop() if len(regions) == 1 else ""


@transaction.atomic
def collective_create(
    *,
    actor: User,
    title: str,
    summary: str,
    numbers: Sequence[str],
    is_public: bool = False,
    place: str = "",
) -> CollectiveIssue:
    """Create a collective issue from open appeals of at least two different applicants.

    Each appeal is journaled «collective_joined» (its applicant is notified as usual) and its
    applicant becomes a signer; the first signer is the representative until staff choose one.
    """
    require_staff(actor)
    title = required_text(title, field="title", max_length=TITLE_MAX, missing="Укажите название.")
    summary = required_text(
        summary,
        field="summary",
        max_length=SUMMARY_MAX,
        missing="Опишите проблему для граждан (без персональных данных).",
    )
    place = required_text(place or "", field="place", max_length=200) if place else ""
    appeals = _appeals_to_merge(actor, numbers)
    if len({_person_key(a) for a in appeals}) < MIN_SIGNERS:
        raise ValidationFailed.single("appeals", TOO_FEW)
    first = min(appeals, key=lambda a: (a.registered_at or a.created_at, a.pk))
    issue = CollectiveIssue(
        title=title,
        summary=summary,
        theme_id=first.theme_id,
        department_id=first.department_id,
        region=_common_region(appeals),
        place=place,
        is_public=bool(is_public),
        created_by=actor,
        created_at=clock.now(),
    )
    issue.stems = _stems_of(issue, appeals)
    issue.save()
    ordered = sorted(appeals, key=lambda a: (a.registered_at or a.created_at, a.pk))
    signers = _join(issue, ordered, actor)
    signers[0].is_representative = True
    signers[0].save(update_fields=["is_representative"])
    audit_record(
        action="collective.create",
        actor=actor,
        target_type="collective",
        target_id=issue.pk,
        details={"appeals": [a.pk for a in ordered], "public": issue.is_public},
    )
    return issue


def _lock_open(issue: CollectiveIssue) -> CollectiveIssue:
    locked = CollectiveIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.state != CollectiveIssue.State.OPEN:
        raise InvalidTransition("На коллективное обращение уже дан ответ.", field="state")
    return locked


@transaction.atomic
def collective_add_appeals(
    *, actor: User, issue: CollectiveIssue, numbers: Sequence[str]
) -> CollectiveIssue:
    """Merge more open appeals into an open collective issue (each journaled, each a signer)."""
    require_staff(actor)
    if not may_manage(actor, issue):
        raise NotPermitted(MERGERS, field="appeals")
    locked = _lock_open(issue)
    appeals = _appeals_to_merge(actor, numbers)
    _join(locked, sorted(appeals, key=lambda a: a.pk), actor)
    locked.stems = _stems_of(locked, appeals)
    locked.save(update_fields=["stems"])
    audit_record(
        action="collective.add",
        actor=actor,
        target_type="collective",
        target_id=locked.pk,
        details={"appeals": [a.pk for a in appeals]},
    )
    return locked


@transaction.atomic
def collective_representative_set(*, actor: User, issue: CollectiveIssue, signer_id: int) -> Signer:
    """Name another signer the representative (the one the answer is addressed to)."""
    require_staff(actor)
    if not may_manage(actor, issue):
        raise NotPermitted(MERGERS, field="representative")
    locked = _lock_open(issue)
    chosen = locked.signers.filter(pk=signer_id, withdrawn_at__isnull=True).first()
    if chosen is None:
        raise ValidationFailed.single("representative", "Выберите одного из подписавших.")
    locked.signers.exclude(pk=chosen.pk).update(is_representative=False)
    chosen.is_representative = True
    chosen.save(update_fields=["is_representative"])
    audit_record(
        action="collective.representative",
        actor=actor,
        target_type="collective",
        target_id=locked.pk,
        details={"signer": chosen.pk},
    )
    return chosen


# ---- citizens: co-signing --------------------------------------------------------------------


def _confirmed_contact(user: User) -> tuple[str, str]:
    email = user.email if user.email and user.email_confirmed_at else ""
    phone = user.phone if user.phone and user.phone_confirmed_at else ""
    if not email and not phone:
        raise ValidationFailed.single(
            "contact",
            "Чтобы присоединиться, подтвердите e-mail или телефон в профиле: по нему придёт ответ.",
        )
    return email, phone


def _public_open(issue_id: int) -> CollectiveIssue:
    issue = CollectiveIssue.objects.select_for_update().filter(pk=issue_id, is_public=True).first()
    if issue is None:
        raise NotFound(NOT_FOUND, field="issue")
    return issue


@transaction.atomic
def collective_sign(*, user: User, issue_id: int) -> Signer:
    """Co-sign a public open issue («Присоединиться»); signing twice changes nothing."""
    if not (user.is_authenticated and user.is_citizen):
        raise NotPermitted("Присоединиться могут граждане, вошедшие в личный кабинет.")
    issue = _public_open(issue_id)
    current = issue.signers.filter(user=user).first()
    if current is not None and current.withdrawn_at is None:
        return current
    if issue.state != CollectiveIssue.State.OPEN:
        raise InvalidTransition(
            "На это коллективное обращение уже дан ответ: присоединиться нельзя.", field="state"
        )
    email, phone = _confirmed_contact(user)
    now = clock.now()
    if current is not None:  # signed, withdrew, signs again
        current.withdrawn_at, current.signed_at = None, now
        current.email, current.phone, current.full_name = email, phone, user.full_name
        current.save(update_fields=["withdrawn_at", "signed_at", "email", "phone", "full_name"])
        return current
    try:
        with transaction.atomic():
            return Signer.objects.create(
                issue=issue,
                user=user,
                full_name=user.full_name,
                email=email,
                phone=phone,
                way=Signer.Way.COSIGN,
                signed_at=now,
            )
    except IntegrityError:  # a second request of the same person won the race: same result
        return issue.signers.get(user=user)


@transaction.atomic
def collective_unsign(*, user: User, issue_id: int) -> Signer | None:
    """Withdraw one's co-signature before the answer; return the signer row, None if none."""
    if not (user.is_authenticated and user.is_citizen):
        raise NotPermitted("Отозвать подпись может только подписавший гражданин.")
    issue = _public_open(issue_id)
    signer = issue.signers.filter(user=user).first()
    if signer is None or signer.withdrawn_at is not None:
        return signer
    if signer.way == Signer.Way.APPEAL:
        raise InvalidTransition(
            "Вы подписали это коллективное обращение своим обращением — чтобы выйти, "
            "отзовите обращение на его странице.",
            field="signature",
        )
    if issue.state != CollectiveIssue.State.OPEN:
        raise InvalidTransition(
            "Ответ уже дан: отозвать подпись после ответа нельзя.", field="signature"
        )
    signer.withdrawn_at = clock.now()
    fields = ["withdrawn_at"]
    if signer.is_representative:
        signer.is_representative = False
        fields.append("is_representative")
    signer.save(update_fields=fields)
    return signer


# ---- answer once -----------------------------------------------------------------------------


def active_signers(issue: CollectiveIssue) -> list[Signer]:
    """The signers standing behind the issue now, earliest first (withdrawn appeals left out)."""
    return [
        s
        for s in issue.signers.select_related("appeal").order_by("signed_at", "pk")
        if s.withdrawn_at is None and not (s.appeal and s.appeal.status == Status.WITHDRAWN)
    ]


def answer_preamble(issue: CollectiveIssue, representative: Signer, count: int) -> str:
    """The lines that open each appeal's answer: the issue, its representative, the signers."""
    return (
        f"Ответ на коллективное обращение № {issue.pk} «{issue.title}». "
        f"Представитель заявителей: {representative.short_name}. "
        f"Ответ направлен представителю и каждому из подписавших ({count})."
    )


def _deliveries(
    issue: CollectiveIssue, signers: list[Signer], answered: dict[int, Appeal]
) -> list[Delivery]:
    """One log row per way each signer is told: their appeal's answer, or e-mail/SMS and the
    cabinet (rule 13). E-mail and SMS rows wait for the worker (``collective.tasks``)."""
    now = clock.now()
    rows = []
    for signer in signers:
        common = {"issue": issue, "signer": signer, "to_representative": signer.is_representative}
        if signer.appeal_id in answered:
            rows.append(
                Delivery(
                    **common,
                    channel=Delivery.Channel.APPEAL,
                    appeal_id=signer.appeal_id,
                    state=Delivery.State.SENT,
                    sent_at=now,
                    created_at=now,
                )
            )
            continue
        if signer.email:
            rows.append(
                Delivery(
                    **common, channel=Delivery.Channel.EMAIL, address=signer.email, created_at=now
                )
            )
        elif signer.phone:
            rows.append(
                Delivery(
                    **common, channel=Delivery.Channel.SMS, address=signer.phone, created_at=now
                )
            )
        if signer.user_id:
            rows.append(
                Delivery(
                    **common,
                    channel=Delivery.Channel.CABINET,
                    state=Delivery.State.SENT,
                    sent_at=now,
                    created_at=now,
                )
            )
        if not signer.email and not signer.phone and not signer.user_id:
            rows.append(
                Delivery(
                    **common,
                    channel=Delivery.Channel.EMAIL,
                    state=Delivery.State.FAILED,
                    error="Нет контакта для уведомления.",
                    created_at=now,
                )
            )
    return Delivery.objects.bulk_create(rows)


@transaction.atomic
def collective_answer(*, actor: User, issue: CollectiveIssue, text: str) -> CollectiveIssue:
    """Answer once: every still-open member appeal gets the answer through ``appeal_answer``.

    Appeals already answered stay as they are; one waiting for the applicant's clarification is
    left to its assignee (its applicant is told as a signer). Each answer opens with the issue's
    number and the representative's name; every signer's notice is logged (rule 13).
    """
    require_staff(actor)
    if not may_manage(actor, issue):
        raise NotPermitted(MERGERS, field="text")
    text = required_text(
        text, field="text", max_length=ANSWER_MAX - 500, missing="Напишите ответ подписавшим."
    )
    locked = _lock_open(issue)
    signers = active_signers(locked)
    if len(signers) < MIN_SIGNERS:
        raise ValidationFailed.single(
            "signers",
            "Подписавших меньше двух: это уже не коллективное обращение — ответьте на "
            "обращение отдельно.",
        )
    representative = next((s for s in signers if s.is_representative), signers[0])
    if not representative.is_representative:
        locked.signers.filter(is_representative=True).update(is_representative=False)
        representative.is_representative = True
        representative.save(update_fields=["is_representative"])
    full_text = f"{answer_preamble(locked, representative, len(signers))}\n\n{text}"
    answered: dict[int, Appeal] = {}
    waiting = (
        Appeal.objects.filter(
            collective_member__issue=locked, status__in=[Status.REGISTERED, Status.IN_PROGRESS]
        )
        .select_related("department")
        .order_by("id")
    )
    for appeal in waiting:
        if side_of(actor, appeal) is not Side.STAFF:
            continue  # redirected out of the actor's departments since: its staff answer it
        current = appeal
        if current.status == Status.REGISTERED:
            current = appeal_take(appeal=current, actor=actor)
        answered[appeal.pk] = appeal_answer(
            appeal=current, actor=actor, outcome=Outcome.RESOLVED, text=full_text
        )
    now = clock.now()
    locked.state = CollectiveIssue.State.ANSWERED
    locked.answer_text = text
    locked.answered_at = now
    locked.answered_by = actor
    locked.save(update_fields=["state", "answer_text", "answered_at", "answered_by"])
    _deliveries(locked, signers, answered)
    audit_record(
        action="collective.answer",
        actor=actor,
        target_type="collective",
        target_id=locked.pk,
        details={"appeals": sorted(answered), "signers": len(signers)},
    )
    transaction.on_commit(_wake_sender)
    return locked


def _wake_sender() -> None:
    """Queue a delivery run now (latency only: the periodic run delivers anyway)."""
    from priemnaya.collective.tasks import collective_deliveries_send

    try:
        collective_deliveries_send.enqueue()
    except Exception:
        return


def collective_viewed(*, actor: User, issue: CollectiveIssue) -> None:
    """Record that a member of staff opened an issue's signers (names and contacts: 152-FZ)."""
    audit_record(
        action="collective.viewed", actor=actor, target_type="collective", target_id=issue.pk
    )
