"""Load the demo accounts and sample appeals; running it twice changes nothing."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.db import transaction
from django.db.models import F

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.appeals.follow_ups import FollowUp
from priemnaya.appeals.models import Appeal, Event
from priemnaya.catalog.models import Department, Membership
from priemnaya.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from priemnaya.demo.samples import ANSWERS, QUESTIONS, REPLIES, SAMPLES

EXTRA_CITIZENS = [
    ("grigoriev@demo.priemnaya.ru", "+79161234501", "Григорьев Павел Олегович"),
    ("fedorova@demo.priemnaya.ru", "+79161234502", "Фёдорова Елена Викторовна"),
    ("akhmetov@demo.priemnaya.ru", "+79161234503", "Ахметов Ринат Маратович"),
]
POSITIONS = {
    "operator": ("Оператор контакт-центра", ["support", "citizens"]),
    "specialist": ("Главный специалист", ["services", "services-support", "esign", "privacy"]),
    "supervisor": ("Начальник отдела контроля качества", ["quality"]),
}
# How far each sample goes through the lifecycle, cycled over the samples.
PATHS = [
    "registered",
    "in_progress",
    "needs_info",
    "answered",
    "closed",
    "in_progress",
    "registered",
    "withdrawn",
    "disputed",
    "contested",
    "reinfo",
    "escalated",
]
TARGET_APPEALS = 50


def _user(email: str, name: str, role: str, phone: str | None = None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=name, role=role, phone=phone
        )
    return user


def load_accounts() -> dict[str, User]:
    users = {}
    for role, email, name in DEMO_ACCOUNTS:
        users[role] = _user(email, name, role)
    admin = users["administrator"]
    if not admin.is_superuser:
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    for role, (position, departments) in POSITIONS.items():
        User.objects.filter(pk=users[role].pk).update(
            position=position, work_phone="8 800 100-70-10"
        )
        for code in departments:
            Membership.objects.get_or_create(
                user=users[role],
                department=Department.objects.get(code=code),
                defaults={"is_head": role == "supervisor"},
            )
    return users


def _staff_for(appeal: Appeal, users: dict[str, User]) -> User:
    for role in ("operator", "specialist", "supervisor"):
        if Membership.objects.filter(user=users[role], department=appeal.department).exists():
            return users[role]
    return users["supervisor"]


def _walk(appeal: Appeal, path: str, users: dict[str, User], n: int) -> Appeal:
    applicant = appeal.applicant
    if path == "registered":
        return appeal
    if path == "withdrawn":
        return services.appeal_withdraw(appeal=appeal, actor=applicant, reason="Вопрос решился.")
    staff = _staff_for(appeal, users)
    if path == "escalated":
        return services.appeal_escalate(
            appeal=appeal, actor=staff, reason="Требуется решение вышестоящего подразделения."
        )
    appeal = services.appeal_take(appeal=appeal, actor=staff)
    if path == "in_progress":
        services.appeal_note(appeal=appeal, actor=staff, text="Запросил сведения в ведомстве.")
        return appeal
    appeal = services.appeal_request_info(
        appeal=appeal, actor=staff, question=QUESTIONS[n % len(QUESTIONS)]
    )
    if path == "needs_info":
        return appeal
    appeal = services.appeal_provide_info(
        appeal=appeal, actor=applicant, text=REPLIES[n % len(REPLIES)]
    )
    if path == "reinfo":
        return appeal
    outcome, text = ANSWERS[n % len(ANSWERS)]
    appeal = services.appeal_answer(appeal=appeal, actor=staff, outcome=outcome, text=text)
    if path == "disputed":
        return services.appeal_rate(
            appeal=appeal, actor=applicant, rating=1, comment="Ответ не решает мою проблему."
        )
    if path in ("closed", "contested"):
        appeal = services.appeal_close(appeal=appeal, actor=applicant)
        appeal = services.appeal_rate(appeal=appeal, actor=applicant, rating=4 + n % 2)
    if path == "contested":
        services.appeal_submit(
            actor=applicant,
            data=services.AppealInput(
                theme=appeal.theme.code,
                subject=f"Не согласен с ответом по обращению № {appeal.display_number}",
                text="Ответ формальный: проблема осталась, прошу проверить ещё раз.",
                contact_email=applicant.email or "",
            ),
            client_token=f"demo-contest-{n}",
            follow_up=(FollowUp.CONTEST, appeal),
        )
    return appeal


def _backdate(appeal: Appeal, days: int) -> None:
    """Shift the appeal's timestamps into the past so the demo shows history and overdue work."""
    shift = timedelta(days=days)
    fields = [
        "created_at",
        "registered_at",
        "due_at",
        "first_response_due_at",
        "first_response_at",
        "answered_at",
        "closed_at",
        "paused_at",
    ]
    Appeal.objects.filter(pk=appeal.pk).update(**{f: F(f) - shift for f in fields})
    Event.objects.filter(appeal=appeal).update(created_at=F("created_at") - shift)
    appeal.refresh_from_db(fields=["due_at"])
    for event in Event.objects.filter(appeal=appeal, data__has_key="due_at"):
        event.data["due_at"] = appeal.due_at.isoformat() if appeal.due_at else None
        event.save(update_fields=["data"])
    appeal.messages.update(created_at=F("created_at") - shift)
    appeal.answers.update(issued_at=F("issued_at") - shift)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create demo accounts and, once, the sample appeals; return what was created."""
    users = load_accounts()
    citizens = [users["citizen"]] + [
        _user(email, name, "citizen", phone) for email, phone, name in EXTRA_CITIZENS
    ]
    if Appeal.objects.filter(applicant__in=citizens).exists():
        return {"appeals": 0}
    samples = itertools.cycle(SAMPLES)
    created = 0
    for n in range(TARGET_APPEALS):
        kind, theme, subject, text = next(samples)
        applicant = citizens[0] if n % 3 == 0 else citizens[n % len(citizens)]
        appeal = services.appeal_submit(
            actor=applicant,
            data=services.AppealInput(
                kind=kind,
                theme=theme,
                subject=subject,
                text=text,
                service_code="10000104378" if theme == "services-refusal" else "",
                contact_email=applicant.email or "",
                contact_phone=applicant.phone or "",
            ),
            client_token=f"demo-{n}",
        )
        appeal = _walk(appeal, PATHS[n % len(PATHS)], users, n)
        _backdate(appeal, days=(n * 7) % 45)
        created += 1
    return {"appeals": created}
